"""Speed and memory of the playground's views, printed as a table.

    python benchmarks/bench_playground.py [--epochs 100000] [--repeats 200]

1. Decision-boundary redraw: one picture of the pane (the engine's forward pass over
   the grid, the colours, the points, the terminal lines), at the pane's real size in
   a 120x40 terminal (the boundary in the chart's place, key b), in a 170x45 one
   (beside the chart) and zoomed to the whole 120x40 screen (key z); for the seed
   network (2-4-1 sigmoid) and an 8-8-8 tanh network on xor. "draw" is the picture
   alone, "pane" the widget's lines as Textual asks for them. Target: < 20 ms at 120x40.
2. History memory after ``--epochs`` epochs of the seed network: the engine's own count
   (snapshots + metrics log) and what tracemalloc sees the run hold. Target: < 50 MB.
3. Scrubbing: ``Trainer.state_at(k)`` for random epochs k of that run (and of the
   8-8-8 xor network, whose wider snapshots are thinned sooner, so more epochs are
   replayed), plus the boundary picture of that epoch. Target: < 50 ms.
4. Scrubbing on the real command in a pseudo-terminal (as ``bench_ui.py`` measures
   keys): the seed experiment trains at max speed for ``--seconds``, then each of
   [ { } home is typed and timed until the screen shows "viewing epoch k (latest N)" with the
   expected k. This is the whole answer: every pane redrawn and written out.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
from textual.geometry import Region

from tui_backprop.engine.network import keep_freed_memory
from tui_backprop.experiment import Experiment
from tui_backprop.settings import SEED_PRESET, Settings, resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.model.looking_back import jump
from tui_backprop.ui.model.scene import scene_of
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.render.boundary_draw import draw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ui import first_frame  # the pseudo-terminal beside this script

DEEP_XOR = resolve("xor", {"hidden": (8, 8, 8), "activation": "tanh", "lr": 0.3})
CASES = {"seed 2-4-1": SEED_PRESET, "xor 2-8-8-8-1 tanh": DEEP_XOR}
LAYOUTS = {
    "120x40, b": ((120, 40), ("b",)),
    "170x45": ((170, 45), ()),
    "120x40, b z": ((120, 40), ("b", "z")),
}
MB = 1e6


def timed(work: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median and maximum milliseconds of ``work``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), max(times)


async def pane_timings(
    settings: Settings, size: tuple[int, int], keys: tuple[str, ...], repeats: int
) -> tuple[tuple[int, int], tuple[float, float], tuple[float, float]]:
    app = BackpropApp(Experiment.build(settings))
    async with app.run_test(size=size) as pilot:
        for _ in range(20):
            app.main.experiment.trainer.train_epoch()
        pane = app.query_one(BoundaryPane)
        pane.focus()
        await pilot.press(*keys)
        app.main.publish()
        await pilot.pause()
        width, height = pane.size
        scene, params = pane.scene, app.main.experiment.trainer.params
        assert scene is not None

        def picture() -> None:
            draw(scene, params, width, height)

        def lines() -> None:
            pane._drawn = None  # as after a new epoch ...
            pane._styles_cache.clear()  # ... and Textual's cached lines are stale
            pane.render_lines(Region(0, 0, *pane.outer_size))

        return (width, height), timed(picture, repeats), timed(lines, repeats)


def redraws(repeats: int) -> None:
    print("1. Decision-boundary redraw (ms, median / max)")
    print(f"   {'network':<20} {'layout':<12} {'cells':>7}  {'draw':>13}  {'pane':>13}")
    for name, settings in CASES.items():
        for layout, (size, keys) in LAYOUTS.items():
            cells, (dm, dx), (pm, px) = asyncio.run(pane_timings(settings, size, keys, repeats))
            print(
                f"   {name:<20} {layout:<12} {cells[0]:>3}x{cells[1]:<3}  "
                f"{dm:6.2f} / {dx:5.2f}  {pm:6.2f} / {px:5.2f}"
            )
    print()


def trained(settings: Settings, epochs: int) -> tuple[Experiment, float]:
    experiment = Experiment.build(settings)
    start = time.perf_counter()
    for _ in range(epochs):
        experiment.trainer.train_epoch()
    return experiment, time.perf_counter() - start


def memory(epochs: int) -> Experiment:
    print(f"2. History of {epochs:,} epochs of the seed network")
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    experiment, seconds = trained(SEED_PRESET, epochs)
    after = tracemalloc.take_snapshot()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    held = sum(s.size_diff for s in after.compare_to(before, "filename"))
    t = experiment.trainer
    print(
        f"   snapshots     {t.snapshots.nbytes / MB:8.2f} MB  "
        f"({len(t.snapshots.epochs):,} kept, every {t.snapshots.stride} epoch(s))"
    )
    print(f"   metrics log   {t.history.nbytes / MB:8.2f} MB")
    print(f"   engine total  {(t.snapshots.nbytes + t.history.nbytes) / MB:8.2f} MB")
    print(
        f"   tracemalloc   {held / MB:8.2f} MB held after training, "
        f"peak {peak / MB:.2f} MB ({seconds:.1f} s with tracing on)"
    )
    print()
    return experiment


def scrub_times(
    experiment: Experiment, repeats: int, rng: np.random.Generator
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Milliseconds of ``state_at`` at random epochs, and of that plus the boundary."""
    trainer, scene = experiment.trainer, scene_of(experiment)
    targets = iter(rng.integers(0, trainer.epoch, size=2 * repeats).tolist())

    def look() -> None:
        trainer.state_at(next(targets))

    def look_and_draw() -> None:
        draw(scene, trainer.state_at(next(targets)).params, 52, 20)

    return timed(look, repeats), timed(look_and_draw, repeats)


def scrubbing(experiments: dict[str, Experiment], repeats: int) -> None:
    print("3. Scrubbing to a random epoch (ms, median / max)")
    print(
        f"   {'network':<20} {'epochs':>8} {'stride':>6}  {'state_at':>13}  "
        f"{'+ boundary 52x20':>16}"
    )
    rng = np.random.default_rng(0)
    for name, experiment in experiments.items():
        (sm, sx), (bm, bx) = scrub_times(experiment, repeats, rng)
        trainer = experiment.trainer
        print(
            f"   {name:<20} {trainer.epoch:>8,} {trainer.snapshots.stride:>6}  "
            f"{sm:6.2f} / {sx:5.2f}  {bm:6.2f} / {bx:6.2f}"
        )
    print()


# "viewing epoch 4 (latest 6)", "viewing the initial weights (latest 6)"
VIEWING = re.compile(rb"viewing (?:epoch ([\d,]+)|the initial weights) \(latest ([\d,]+)\)")


def viewing(done: int) -> re.Pattern[bytes]:
    """The status line's words for the state after ``done`` epochs."""
    shown = b"the initial weights" if done == 0 else b"epoch %s " % f"{done - 1:,}".encode()
    return re.compile(b"viewing " + re.escape(shown))


KEYS = [("[", -1)] * 10 + [("{", -10)] * 5 + [("\x1b[H", 0)] + [("}", 10)] * 5


def key_scrubbing(seconds: float) -> None:
    """Type history keys into the real app and time each until the screen agrees."""
    exe = shutil.which("backprop-tui") or os.path.join(
        os.path.dirname(sys.executable), "backprop-tui"
    )
    term, _ = first_frame([exe], 120, 40)
    try:
        time.sleep(0.5)
        term.send("+" * 12 + "p")
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:  # read on, or the app blocks writing frames
            term.read(0.05)
        term.send("p")
        time.sleep(0.5)
        term.send("[")
        term.wait_for(VIEWING)
        match = VIEWING.search(term.buffer)
        assert match is not None
        shown, latest = match.groups()
        epoch = 0 if shown is None else int(shown.replace(b",", b"")) + 1  # epochs done
        last = int(latest.replace(b",", b"")) + 1
        times: dict[str, list[float]] = {}
        for key, move in KEYS:
            time.sleep(0.1)  # as between a person's keys
            if move == 0:
                epoch = 0
            else:
                step = jump(last) if abs(move) == 10 else 1
                epoch = min(max(epoch + (step if move > 0 else -step), 0), last)
            start = time.perf_counter()
            term.send(key)
            term.wait_for(viewing(epoch))
            name = {"\x1b[H": "home"}.get(key, key)
            times.setdefault(name, []).append((time.perf_counter() - start) * 1e3)
    finally:
        term.close()
    print(f"4. Keys to screen in a 120x40 terminal, run of {last:,} epochs (ms, median / max)")
    for name, values in times.items():
        print(
            f"   {name:<6} {statistics.median(values):6.1f} / {max(values):5.1f}"
            f"   ({len(values)} presses)"
        )
    print()


def main() -> None:
    keep_freed_memory()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="max-speed training before the key test"
    )
    args = parser.parse_args()
    redraws(args.repeats)
    seed = memory(args.epochs)
    deep, _ = trained(DEEP_XOR, args.epochs)
    scrubbing({"seed 2-4-1": seed, "xor 2-8-8-8-1 tanh": deep}, args.repeats)
    key_scrubbing(args.seconds)


if __name__ == "__main__":
    main()
