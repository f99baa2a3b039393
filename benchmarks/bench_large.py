"""Keys on a large problem: 10,000 rows x 100 features through ``--layers 256,128``.

    python benchmarks/bench_large.py [--busy] [--repeats 5]

Writes such a CSV (random features, two classes) to a temporary folder and runs
``backprop-tui big.csv --layers 256,128`` in tmux at 120x40 (``TERM=xterm-256color``),
as ``bench_tui.py`` does. One epoch there takes about half a second of NumPy, so:

- a paused step trains in a thread (see ``ui.main_screen``): space, then ``?`` at once;
  measured are the time from space to the status line showing the epoch, and from
  ``?`` to the help screen, which is answered while the epoch is still training;
- a playing run trains in its own process: ``l`` until the learning rate on screen
  changes, ``b`` until the boundary and the chart have swapped places, ``q`` until the
  app has exited.

The time of one epoch in this process is shown beside them, also trained in a thread
while this one runs Python, with the GIL's default switch interval and the app's. Keys
must be answered within 100 ms whatever an epoch costs. ``--busy`` measures a second
time with one core kept busy by a spinner.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from bench_tui import (
    NO_EPOCH,
    Pane,
    Setup,
    Tmux,
    lr_latencies,
    machine,
    shows_epoch,
    spinner,
    spread,
    start_app,
    wait_until,
)

from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve

ROWS, FEATURES, HIDDEN = 10_000, 100, (256, 128)
SIZE = (120, 40)
TARGET = 0.1  # seconds: a key's answer on screen


def write_data(folder: Path) -> Path:
    """10,000 rows of 100 standard-normal features, labelled by a random hyperplane."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((ROWS, FEATURES))
    y = (x @ rng.standard_normal(FEATURES) > 0).astype(int)
    path = folder / "big.csv"
    header = ",".join(f"x{i}" for i in range(FEATURES)) + ",label"
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", header=header, comments="", fmt="%.6g")
    return path


def epoch_seconds(data: Path) -> float:
    """One epoch of this experiment trained in this process (median of three, after
    one that warms the allocator up)."""
    trainer = Experiment.build(resolve(str(data), {"hidden": HIDDEN})).trainer
    trainer.train_epoch()
    times = []
    for _ in range(3):
        start = time.perf_counter()
        trainer.train_epoch()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def beside_a_busy_thread(data: Path, interval: float) -> float:
    """Seconds of one epoch trained in a thread while this thread runs Python without
    a pause (as the screen does while it draws), with the GIL's switch ``interval``."""
    trainer = Experiment.build(resolve(str(data), {"hidden": HIDDEN})).trainer
    trainer.train_epoch()
    before = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    took: list[float] = []

    def train() -> None:
        start = time.perf_counter()
        trainer.train_epoch()
        took.append(time.perf_counter() - start)

    try:
        thread = threading.Thread(target=train)
        thread.start()
        while thread.is_alive():
            sum(range(10_000))  # the screen's work: Python that holds the GIL
    finally:
        sys.setswitchinterval(before)
    return took[0]


def help_shown(screen: list[str]) -> bool:
    return any("Help" in line and "esc or ?" not in line for line in screen[:8]) or any(
        "esc or ? to close" in line for line in screen
    )


def step_and_help(pane: Pane, repeats: int) -> tuple[list[float], list[float]]:
    """Paused: space, then ``?`` while that epoch trains. Seconds until the epoch is on
    the status line, and until the help screen is."""
    steps, helps = [], []
    for _ in range(repeats):
        before = pane.epoch()
        if before is None:
            break
        start = time.perf_counter()
        pane.keys("Space")
        asked = time.perf_counter()
        pane.keys("?")
        shown = wait_until(pane, help_shown, asked, pane.screen)
        helps.append(shown if shown is not None else float("inf"))
        pane.keys("Escape")
        done = wait_until(pane, shows_epoch(before + 1), start)
        steps.append(done if done is not None else float("inf"))
        time.sleep(0.3)
    return steps, helps


def chart_shown(screen: list[str]) -> bool:
    return any("Loss and" in line for line in screen)


def swaps(pane: Pane, repeats: int) -> list[float]:
    """Playing: seconds from ``b`` until the boundary and the chart have swapped."""
    times = []
    for _ in range(repeats):
        before = chart_shown(pane.screen())
        start = time.perf_counter()
        pane.keys("b")
        took = wait_until(pane, lambda s, b=before: chart_shown(s) != b, start, pane.screen)
        times.append(took if took is not None else float("inf"))
        time.sleep(0.3)
    return times


def quit_time(tmux: Tmux, pane: Pane) -> float | None:
    """Playing: seconds from ``q`` until the app has exited (its tmux session is gone)."""
    start = time.perf_counter()
    pane.keys("q")
    while time.perf_counter() - start < 10:
        gone = subprocess.run(["tmux", "-L", tmux.socket, "has-session", "-t", pane.name])
        if gone.returncode:
            return time.perf_counter() - start
        time.sleep(0.005)
    return None


def measure(tmux: Tmux, data: Path, repeats: int) -> list[tuple[str, str]]:
    setup = Setup("large", f"'{data}' --layers 256,128", None, {}, SIZE)
    rows = [("one epoch in this process", f"{epoch_seconds(data) * 1000:.0f} ms")]
    for interval in (0.005, 0.001):  # Python's default, and the app's (ui.app)
        took = beside_a_busy_thread(data, interval) * 1000
        rows.append(
            (
                f"  in a thread beside busy Python, GIL switch {interval * 1000:g} ms",
                f"{took:.0f} ms",
            )
        )
    pane, first = start_app(tmux, setup)
    if first is None:
        pane.close()
        return [*rows, ("first frame", f"timeout (no '{NO_EPOCH}')")]
    rows.append(("first frame (start -> status line)", f"{first * 1000:.0f} ms"))
    steps, helps = step_and_help(pane, repeats)
    rows += [("paused: space -> epoch on screen", spread(steps))]
    rows += [("paused: ? while it trains -> help", verdict(helps))]
    pane.keys("p")
    wait_until(pane, lambda top: "running" in top[1], time.perf_counter())
    time.sleep(1.0)
    lr, _ = lr_latencies(pane, repeats)
    rows += [("playing: l/L -> lr on screen", verdict(lr))]
    rows += [("playing: b -> panes swapped", verdict(swaps(pane, repeats)))]
    left = quit_time(tmux, pane)
    rows += [("playing: q -> app exited", "timeout" if left is None else f"{left * 1000:.0f} ms")]
    return rows


def verdict(times: list[float]) -> str:
    worst = max(times, default=float("inf"))
    return f"{spread(times)}  [{'met' if worst < TARGET else 'NOT met'}: < 100 ms]"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--busy", action="store_true", help="measure again with a core kept busy")
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    print(f"machine: {machine()}")
    tmux = Tmux()
    with tempfile.TemporaryDirectory(prefix="bench-large-") as folder:
        data = write_data(Path(folder))
        try:
            tmux.start()
            for busy in [False, True] if args.busy else [False]:
                with spinner(busy):
                    rows = measure(tmux, data, args.repeats)
                print(f"\n== {'one core kept busy' if busy else 'idle'} ==")
                width = max(len(name) for name, _ in rows)
                for name, value in rows:
                    print(f"{name.ljust(width)}  {value}")
        finally:
            tmux.kill()


if __name__ == "__main__":
    sys.exit(main())
