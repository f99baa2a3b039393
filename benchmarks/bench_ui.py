"""How fast the TUI answers: on the real command in a pseudo-terminal, or per pane.

    python benchmarks/bench_ui.py [--size 120x40] [--seconds 3]
    python benchmarks/bench_ui.py --panes [--frames 60] [--busy]

The pseudo-terminal run prints a table:
- first frame: from starting ``backprop-tui`` to the first status line ("No epoch yet");
- key to screen: from typing space to the screen showing the next epoch (median, max);
- max speed: epochs per second trained, and screen updates per second, while running
  at max speed (each update shows a new "Epoch N"; counting them counts frames).

``--panes`` runs the app headless (in this process) on the seed experiment at 120x40 and
the spiral ``--layers 16,16 --activation tanh --optimizer adam --lr 0.01`` at 160x45, and
prints each pane's cost in milliseconds of this thread's CPU time:
- redraw: a new view handed to the pane (the run paused, as a key press does) and its
  lines drawn, i.e. what one new picture costs;
- at max speed: per frame, views arriving 30 times a second with the run marked as
  playing, timers and the screen update included (less an idle loop's cost).
``--busy`` keeps one core busy meanwhile, as another program would.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import math
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from typing import Any

EPOCH = re.compile(rb"Epoch (\d[\d,]*)")  # 13,607: thousands are grouped
FIRST = re.compile(rb"No epoch yet|Epoch \d+")  # the status line, before or after training
TARGETS = {
    "first frame": "< 1.5 s",
    "key to screen (median)": "< 50 ms",
    "key to screen (max)": "< 50 ms",
    "max speed: epochs/s": ">= 2,000",
    "max speed: frames/s": ">= 15",
}


class Terminal:
    """The command on a pseudo-terminal of a given size, read as bytes arrive."""

    def __init__(self, command: list[str], cols: int, rows: int) -> None:
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ.update(TERM="xterm-256color", COLORTERM="truecolor")
            os.execvp(command[0], command)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.buffer = b""

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            return b""
        self.buffer = self.buffer[-64:] + chunk  # a match may span two reads
        return chunk

    def wait_for(self, pattern: re.Pattern[bytes], timeout: float = 10.0) -> float:
        """Seconds until the output shows ``pattern``."""
        start = time.perf_counter()
        self.buffer = b""
        while time.perf_counter() - start < timeout:
            self.read(0.05)
            if pattern.search(self.buffer):
                return time.perf_counter() - start
        raise TimeoutError(f"the screen never showed {pattern.pattern!r}")

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def close(self) -> None:
        self.send("q")
        time.sleep(0.3)
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def first_frame(command: list[str], cols: int, rows: int) -> tuple[Terminal, float]:
    term = Terminal(command, cols, rows)
    start = term.started
    while time.perf_counter() - start < 15:
        term.read(0.05)
        if FIRST.search(term.buffer):
            return term, time.perf_counter() - start
    raise TimeoutError("no first frame within 15 s")


def key_latency(term: Terminal, steps: int) -> list[float]:
    times = []
    for epoch in range(steps):  # the first space trains epoch 0
        time.sleep(0.1)  # let the previous frame settle, as between a person's keys
        start = time.perf_counter()
        term.send(" ")
        term.wait_for(re.compile(rb"Epoch %d\b" % epoch), timeout=5)
        times.append(time.perf_counter() - start)
    return times


def max_speed(term: Terminal, seconds: float) -> tuple[float, float]:
    term.send("+" * 12 + "p")
    time.sleep(0.5)  # past the start-up of the run
    seen: list[tuple[float, int]] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        chunk = term.read(0.05)
        now = time.perf_counter()
        for match in EPOCH.finditer(chunk):
            epoch = int(match.group(1).replace(b",", b""))
            if not seen or epoch != seen[-1][1]:
                seen.append((now, epoch))
    term.send("p")
    if len(seen) < 2:
        return 0.0, 0.0
    span = seen[-1][0] - seen[0][0]
    return (seen[-1][1] - seen[0][1]) / span, (len(seen) - 1) / span


# -- per pane, headless -------------------------------------------------------------------

PANE_CASES = {
    "seed 120x40": ([], (120, 40)),
    "spiral 16,16 160x45": (
        [
            "spiral",
            "--layers",
            "16,16",
            "--activation",
            "tanh",
            "--optimizer",
            "adam",
            "--lr",
            "0.01",
        ],
        (160, 45),
    ),
}
PANES = {
    "status": "#status",
    "network title": "#network-pane",
    "network diagram": "#diagram",
    "equations": "#neuron",
    "chart": "#chart",
    "boundary": "#boundary",
    "weights": "#weights",
    "deltas": "#deltas",
}
WARM_EPOCHS = 300  # the chart has curves, the δ pane sparklines
FRAME = 1 / 30  # views arrive this often at max speed


def build_app(argv: list[str]) -> Any:
    from tui_backprop import settings
    from tui_backprop.cli import build_parser
    from tui_backprop.experiment import Experiment
    from tui_backprop.ui.app import BackpropApp

    args = vars(build_parser().parse_args(argv))
    for flag in ("headless", "serve", "host", "port", "lesson"):  # how it runs, not what
        args.pop(flag)
    dataset = args.pop("dataset")
    overrides = {k: v for k, v in args.items() if v is not None}
    chosen = settings.resolve(dataset, overrides)
    return BackpropApp(Experiment.build(chosen, frozenset(overrides)))


def next_views(app: Any, count: int) -> list[Any]:
    """``count`` views of successive epochs, as a running run publishes them."""
    from tui_backprop.ui.model.view import snapshot

    screen = app.main
    trainer = screen.experiment.trainer
    views = []
    for _ in range(count):
        trainer.train_epoch()
        views.append(snapshot(trainer, screen.network, None))
    return views


def redraw_ms(widget: Any, views: list[Any]) -> float:
    """Mean ms to take a new view and draw every line of ``widget``."""
    from textual.geometry import Region

    region = Region(0, 0, *widget.outer_size)
    start = time.thread_time()
    plot_now = getattr(widget, "plot_now", None)  # the chart plots right after the frame
    for view in views:
        widget.view = view
        if plot_now is not None:
            plot_now()
        widget.render_lines(region)
    return (time.thread_time() - start) * 1000 / len(views)


async def frames_ms(target: Any, views: list[Any]) -> float:
    """Mean CPU ms per frame while ``target`` gets a view every ``FRAME`` seconds."""
    start = time.thread_time()
    for view in views:
        if target is not None:
            target.view = view
        await asyncio.sleep(FRAME)
    await asyncio.sleep(0.5)  # a replot put off to a timer is paid for too
    return (time.thread_time() - start) * 1000 / len(views)


async def pane_costs(argv: list[str], size: tuple[int, int], frames: int) -> dict[str, list[float]]:
    from tui_backprop.ui.model.run_info import PlayState

    app = build_app(argv)
    costs: dict[str, list[float]] = {}
    async with app.run_test(size=size) as pilot:
        screen = app.main
        screen.view = next_views(app, WARM_EPOCHS)[-1]
        await pilot.pause()
        for name, selector in PANES.items():
            widget = screen.query_one(selector)
            if widget.display and widget.size.area:
                costs[name] = [redraw_ms(widget, next_views(app, frames))]
        screen.state = PlayState(True, math.inf, 0.0)  # views now arrive as a run plays
        await pilot.pause()
        idle = await frames_ms(None, [None] * frames)
        for name in costs:
            widget = screen.query_one(PANES[name])
            costs[name].append(await frames_ms(widget, next_views(app, frames)) - idle)
        costs["whole screen"] = [math.nan, await frames_ms(screen, next_views(app, frames)) - idle]
    return costs


def print_pane_costs(frames: int, busy: bool) -> None:
    print(f"ms of CPU per pane ({'one core kept busy' if busy else 'idle machine'})")
    for case, (argv, size) in PANE_CASES.items():
        costs = asyncio.run(pane_costs(argv, size, frames))
        print(f"\n{case:<22}{'redraw':>10}{'max speed':>12}")
        for name, (redraw, frame) in costs.items():
            print(f"{name:<22}{redraw:>10.1f}{frame:>12.1f}")


def keep_a_core_busy() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--panes", action="store_true", help="per pane, headless")
    parser.add_argument("--frames", type=int, default=60, help="views per pane (--panes)")
    parser.add_argument("--busy", action="store_true", help="keep a core busy (--panes)")
    args = parser.parse_args()
    if args.panes:
        busy = keep_a_core_busy() if args.busy else None
        try:
            print_pane_costs(args.frames, busy is not None)
        finally:
            if busy is not None:
                busy.kill()
                busy.wait()
        return 0
    cols, rows = (int(v) for v in args.size.split("x"))
    exe = shutil.which("backprop-tui") or os.path.join(
        os.path.dirname(sys.executable), "backprop-tui"
    )
    term, startup = first_frame([exe], cols, rows)
    try:
        time.sleep(0.5)
        latency = key_latency(term, args.steps)
        epochs, frames = max_speed(term, args.seconds)
    finally:
        term.close()
    results = {
        "first frame": f"{startup:.2f} s",
        "key to screen (median)": f"{statistics.median(latency) * 1000:.0f} ms",
        "key to screen (max)": f"{max(latency) * 1000:.0f} ms",
        "max speed: epochs/s": f"{epochs:,.0f}",
        "max speed: frames/s": f"{frames:.1f}",
    }
    print(f"backprop-tui, seed experiment, terminal {cols}x{rows}")
    print(f"{'measure':<26}{'result':>12}   target")
    for name, value in results.items():
        print(f"{name:<26}{value:>12}   {TARGETS[name]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
