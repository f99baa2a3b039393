"""The loss landscape's cost per redraw: a 41×41 grid on the seed network and on
spiral 2-16-16-1, each after 60 epochs, both planes; compute (``engine.landscape``) and
draw (``ui.render.landscape_draw`` into a 60×20 pane) timed apart and together.

    python benchmarks/bench_landscape.py [--busy] [--repeat 20]

``--busy`` keeps one core busy with a spinning subprocess throughout. The load average
(1 minute) is printed: other work on the machine shows there, and the CPU time a redraw
takes (the process's own, whatever else runs) beside the wall-clock times. Nothing is asserted; the
issue's target is under 50 ms a redraw.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui_backprop.cli import leave_a_core_for_the_screen

leave_a_core_for_the_screen()  # as the app runs: before NumPy loads

from benchmarks.bench_tui import spinner  # noqa: E402
from tui_backprop.engine.landscape import GRID, PCA, RANDOM, run_landscape  # noqa: E402
from tui_backprop.experiment import Experiment  # noqa: E402
from tui_backprop.settings import resolve  # noqa: E402
from tui_backprop.ui.render.landscape_draw import draw  # noqa: E402

CASES = {
    "seed 2-4-1": resolve("seed", {}),
    "spiral 2-16-16-1": resolve("spiral", {"hidden": (16, 16), "activation": "tanh"}),
}
EPOCHS = 60
PANE = (60, 20)
TARGET_MS = 50.0


def measure(name: str, kind: str, repeat: int) -> tuple[str, ...]:
    trainer = Experiment.build(CASES[name]).trainer
    for _ in range(EPOCHS):
        trainer.train_epoch()
    computes, draws, cpu = [], [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        ls = run_landscape(trainer, trainer.params, trainer.epoch, kind)
        middle = time.perf_counter()
        draw(ls, *PANE)
        computes.append(middle - started)
        draws.append(time.perf_counter() - middle)
        cpu.append(time.process_time() - cpu_started)
    total = [c + d for c, d in zip(computes, draws, strict=True)]
    rows = f"{ls.rows} rows"

    def ms(values: list[float]) -> str:
        return f"{1000 * statistics.median(values):.1f}"

    worst = f"{1000 * max(total):.1f}"
    verdict = "yes" if 1000 * statistics.median(total) < TARGET_MS else "no"
    return name, rows, kind, ms(computes), ms(draws), ms(total), worst, ms(cpu), verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--busy", action="store_true", help="keep one core busy throughout")
    parser.add_argument("--repeat", type=int, default=20, help="redraws timed per case")
    args = parser.parse_args()
    condition = "one core kept busy" if args.busy else "no extra load"
    head = ("network", "data", "plane", "compute", "draw", "redraw", "max", "CPU", "<50 ms?")
    with spinner(args.busy):
        rows = [measure(n, k, args.repeat) for n in CASES for k in (PCA, RANDOM)]
        load = os.getloadavg()[0]
    print(
        f"{GRID}x{GRID} grid, {PANE[0]}x{PANE[1]} pane, ms (medians of {args.repeat}); {condition}"
    )
    print("CPU: the process's CPU time a redraw (what it costs when it has a core to itself)")
    print(f"load average (1 min) at the end: {load:.2f} on {os.cpu_count()} cores")
    widths = [max(len(str(r[i])) for r in (head, *rows)) for i in range(len(head))]
    for row in (head, *rows):
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
