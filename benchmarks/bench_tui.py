"""How the TUI keeps up at max speed, measured on the real command in a real terminal.

    python benchmarks/bench_tui.py [--seconds 5] [--busy | --idle-only] [--only seed|spiral]

Each experiment runs ``backprop-tui`` (the one next to this Python) in a detached tmux
session on a private tmux server, with ``TERM=xterm-256color``:

- seed: ``backprop-tui`` at 120x40;
- spiral: ``backprop-tui spiral --layers 16,16 --activation tanh --optimizer adam
  --lr 0.01`` at 160x45.

What is measured, per experiment:

- headless epochs/s: the same experiment built in this process
  (``Experiment.build(resolve(...))``), ``trainer.train_epoch()`` in a loop for
  ``--seconds``, once before and once after the TUI; the mean of the two;
- TUI epochs/s: ``+`` pressed 11 times (max speed), ``p`` to play, a short warm-up, then
  the "Epoch N" of the status line read with ``tmux capture-pane`` at the start and at
  the end of a ``--seconds`` window; the throughput ratio is TUI / headless;
- screen updates/s: over the same window, ``tmux pipe-pane`` copies what the app writes
  to a file, which this script reads as it grows. A frame is a synchronized update
  (``ESC[?2026h`` ... ``ESC[?2026l``) when the app emits those markers; Textual emits
  them only when the terminal says it supports them, and when it does not, each frame
  at max speed is counted by its write of the status line ("Epoch N"). The table says
  which marker was counted, the bytes per frame and the longest gap between frames;
- first frame: from starting the command until the status line shows "No epoch yet";
- space, paused: from sending space until the status line shows the next epoch;
- l / L at max speed: from sending ``l`` (learning rate one rung down) or ``L`` (back
  up) until the screen answers: the "lr" of the header line changes or the "learning
  rate ..." notification shows (the table says how often the header was the answer).
  Before each key the previous notification is waited out.

Screen times are found by polling ``tmux capture-pane`` every few milliseconds; the cost
of one such call (median, measured in the same state) is shown beside each of them and
is not subtracted. With ``--busy`` everything runs a second time with one core kept busy
by a spinning subprocess. Nothing is asserted: the tables show the targets beside the
results. The tmux server, its sessions and the spinner are always cleaned up.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve


@dataclass(frozen=True)
class Setup:
    """One experiment: how the command line names it, how this process builds it."""

    name: str
    args: str
    dataset: str | None
    overrides: dict[str, object]
    size: tuple[int, int]


SETUPS = {
    "seed": Setup("seed", "", None, {}, (120, 40)),
    "spiral": Setup(
        "spiral",
        "spiral --layers 16,16 --activation tanh --optimizer adam --lr 0.01",
        "spiral",
        {"hidden": (16, 16), "activation": "tanh", "optimizer": "adam", "lr": 0.01},
        (160, 45),
    ),
}
EPOCH = re.compile(r"Epoch (\d[\d,]*)")  # 13,607: thousands are grouped
NO_EPOCH = "No epoch yet"  # the status line before the first epoch
LEARNING_RATE = re.compile(r"\blr (\S+)")
FRAME_MARKS = re.compile(rb"\x1b\[\?2026l|Epoch \d+")
SYNC_END = b"\x1b[?2026l"
FASTER_PRESSES = 11
SPACE_REPEATS = 15
LR_REPEATS = 10
NOTICE = "learning rate "
POLL = 0.002
TIMEOUT = 10.0


class Tmux:
    """A tmux server on its own socket, so no other tmux session is ever touched."""

    def __init__(self) -> None:
        self.socket = f"bench-tui-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.path = ""

    def start(self) -> None:
        """Start the server, kept alive between sessions, with an xterm-256color TERM."""
        self.run("-f", os.devnull, "start-server", ";", "set", "-g", "exit-empty", "off")
        self.run("set", "-g", "default-terminal", "xterm-256color")
        self.path = self.run("display", "-p", "#{socket_path}").strip()

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def kill(self) -> None:
        """Stop the server (and with it every session) and remove its socket."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        if self.path:
            Path(self.path).unlink(missing_ok=True)


@dataclass
class Pane:
    """The app running in one tmux session."""

    tmux: Tmux
    name: str

    def top(self) -> list[str]:
        """The first two screen lines: the header and the status line."""
        out = self.tmux.run("capture-pane", "-p", "-t", self.name, "-S", "0", "-E", "1")
        return [*out.splitlines(), "", ""][:2]

    def screen(self) -> list[str]:
        """Every line of the screen."""
        return self.tmux.run("capture-pane", "-p", "-t", self.name).splitlines() or [""]

    def keys(self, *keys: str) -> None:
        self.tmux.run("send-keys", "-t", self.name, *keys)

    def epoch(self) -> int | None:
        """The latest epoch the status line shows: -1 before the first ("No epoch yet")."""
        status = self.top()[1]
        found = EPOCH.search(status)
        return int(found.group(1).replace(",", "")) if found else -1 if NO_EPOCH in status else None

    def close(self) -> None:
        try:
            self.keys("q")
            time.sleep(0.3)
        except subprocess.CalledProcessError:
            pass
        subprocess.run(
            ["tmux", "-L", self.tmux.socket, "kill-session", "-t", self.name],
            capture_output=True,
        )


Screen = Callable[[], list[str]]


def wait_until(
    pane: Pane, seen: Callable[[list[str]], bool], start: float, look: Screen | None = None
) -> float | None:
    """Seconds from ``start`` until the screen satisfies ``seen`` (None on timeout);
    ``look`` reads the screen, by default its top two lines."""
    look = look or pane.top
    while time.perf_counter() - start < TIMEOUT:
        if seen(look()):
            return time.perf_counter() - start
        time.sleep(POLL)
    return None


def capture_cost(look: Screen, calls: int = 15) -> float:
    """The median time of one capture-pane call, in seconds."""
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        look()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def command(setup: Setup) -> str:
    """The shell command tmux runs: the venv's backprop-tui with the experiment's args."""
    exe = Path(sys.executable).with_name("backprop-tui")
    program = str(exe) if exe.exists() else shutil.which("backprop-tui")
    if program is None:
        raise SystemExit("backprop-tui is not installed next to this Python")
    return f"TERM=xterm-256color {program} {setup.args}".rstrip()


def start_app(tmux: Tmux, setup: Setup) -> tuple[Pane, float | None]:
    """Start the app; return its pane and the seconds until its status line is on screen
    ("No epoch yet")."""
    pane = Pane(tmux, f"{setup.name}-{uuid.uuid4().hex[:6]}")
    width, height = setup.size
    start = time.perf_counter()
    size = ["-x", str(width), "-y", str(height)]
    tmux.run("new-session", "-d", "-s", pane.name, *size, command(setup))
    return pane, wait_until(pane, lambda top: NO_EPOCH in top[1], start)


def headless_rate(setup: Setup, seconds: float) -> float:
    """Epochs per second of ``train_epoch`` in this process, over ``seconds``."""
    trainer = Experiment.build(resolve(setup.dataset, dict(setup.overrides))).trainer
    epochs, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        trainer.train_epoch()
        epochs += 1
    return epochs / elapsed


def shows_epoch(epoch: int) -> Callable[[list[str]], bool]:
    """Whether the status line (the second of the top lines) shows ``epoch``."""
    return lambda top: f"Epoch {epoch} " in top[1] + " "


def space_latencies(pane: Pane, repeats: int = SPACE_REPEATS) -> list[float]:
    """Paused: seconds from space to the status line showing the next epoch."""
    times = []
    for _ in range(repeats):
        before = pane.epoch()
        if before is None:
            break
        start = time.perf_counter()
        pane.keys("Space")
        took = wait_until(pane, shows_epoch(before + 1), start)
        times.append(took if took is not None else TIMEOUT)
        time.sleep(0.2)
    return times


def learning_rate(screen: list[str]) -> str | None:
    """The learning rate the header line (the first line) shows."""
    found = LEARNING_RATE.search(screen[0])
    return found.group(1) if found else None


def lr_notice(screen: list[str]) -> bool:
    """Whether a "learning rate ..." notification is on screen."""
    return any(NOTICE in line for line in screen[1:])


def lr_latencies(pane: Pane, repeats: int = LR_REPEATS) -> tuple[list[float], int]:
    """Playing: seconds from ``l`` / ``L`` to the screen answering, and how many times
    the header's "lr" changed (the other answer is the notification). Before each key
    the previous notification is waited out, so a new one is never mistaken for it."""
    times, header_changes = [], 0
    for i in range(repeats):
        wait_until(pane, lambda screen: not lr_notice(screen), time.perf_counter(), pane.screen)
        before = learning_rate(pane.top())
        start = time.perf_counter()
        pane.keys("l" if i % 2 == 0 else "L")
        answered = wait_until(
            pane,
            lambda screen, lr=before: learning_rate(screen) != lr or lr_notice(screen),
            start,
            pane.screen,
        )
        times.append(answered if answered is not None else TIMEOUT)
        header_changes += learning_rate(pane.top()) != before
    return times, header_changes


def play_at_max_speed(pane: Pane) -> bool:
    """Press ``+`` until max speed and ``p`` to play; True when the screen says so."""
    pane.keys(*["+"] * FASTER_PRESSES)
    fast = wait_until(pane, lambda top: "max speed" in top[1], time.perf_counter())
    pane.keys("p")
    playing = wait_until(pane, lambda top: "running" in top[1], time.perf_counter())
    return fast is not None and playing is not None


@dataclass
class Window:
    """What the app did during a window of time while playing."""

    seconds: float = 0.0
    epochs: int = 0
    frames: int = 0
    marker: str = "status line"
    size: int = 0
    longest_gap: float = 0.0
    arrivals: list[float] = field(default_factory=list)


@contextmanager
def piped(pane: Pane) -> Iterator[Path]:
    """A file that receives everything the app writes while the context is open."""
    with tempfile.TemporaryDirectory(prefix="bench-tui-") as folder:
        path = Path(folder) / "screen.raw"
        path.touch()
        pane.tmux.run("pipe-pane", "-o", "-t", pane.name, f"cat >> '{path}'")
        try:
            yield path
        finally:
            pane.tmux.run("pipe-pane", "-t", pane.name)


def count_frames(data: bytearray, since: int) -> tuple[int, int, int]:
    """Sync-update ends and status-line writes in ``data`` after ``since``; and the
    offset to search from next time (the end of the last mark found)."""
    syncs = epochs = 0
    for mark in FRAME_MARKS.finditer(data, since):
        syncs += mark.group() == SYNC_END
        epochs += mark.group() != SYNC_END
        since = mark.end()
    return syncs, epochs, since


def watch(pane: Pane, seconds: float) -> Window:
    """Epochs and frames over ``seconds`` of playing."""
    window = Window()
    with piped(pane) as path, path.open("rb") as raw:
        time.sleep(0.2)
        raw.seek(0, os.SEEK_END)
        start, first = time.perf_counter(), pane.epoch()
        data, since, syncs, epochs = bytearray(), 0, [], []
        while time.perf_counter() - start < seconds:
            time.sleep(0.01)
            data += raw.read()
            n_sync, n_epoch, since = count_frames(data, since)
            now = time.perf_counter()
            syncs += [now] * n_sync
            epochs += [now] * n_epoch
        last, window.seconds = pane.epoch(), time.perf_counter() - start
    window.epochs = (last or 0) - (first or 0)
    window.marker = "sync update" if syncs else "status line"
    window.arrivals = syncs or epochs
    window.frames, window.size = len(window.arrivals), len(data)
    gaps = [b - a for a, b in zip([start, *window.arrivals], window.arrivals, strict=False)]
    window.longest_gap = max(gaps, default=window.seconds)
    return window


@dataclass
class Result:
    """Everything measured on one experiment under one condition."""

    setup: Setup
    headless: list[float] = field(default_factory=list)
    first_frame: float | None = None
    max_speed: bool = False
    window: Window = field(default_factory=Window)
    space: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    lr_in_header: int = 0
    cost_paused: float = 0.0
    cost_playing: float = 0.0


def drive_app(tmux: Tmux, result: Result, seconds: float) -> None:
    """Start the app and take every on-screen measurement of ``result``."""
    pane, result.first_frame = start_app(tmux, result.setup)
    try:
        if result.first_frame is None:
            return
        result.cost_paused = capture_cost(pane.top)
        result.space = space_latencies(pane)
        result.max_speed = play_at_max_speed(pane)
        time.sleep(1.5)
        result.window = watch(pane, seconds)
        result.cost_playing = capture_cost(pane.screen)
        result.lr, result.lr_in_header = lr_latencies(pane)
    finally:
        pane.close()


def measure(tmux: Tmux, setup: Setup, seconds: float) -> Result:
    result = Result(setup)
    result.headless.append(headless_rate(setup, seconds))
    drive_app(tmux, result, seconds)
    result.headless.append(headless_rate(setup, seconds))
    return result


@contextmanager
def spinner(busy: bool) -> Iterator[None]:
    """With ``busy``, one core kept busy by a spinning subprocess while open."""
    if not busy:
        yield
        return
    spin = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        spin.kill()
        spin.wait()


def ms(seconds: float | None) -> str:
    return "timeout" if seconds is None else f"{seconds * 1000:.0f} ms"


def spread(times: list[float]) -> str:
    if not times:
        return "n/a"
    return f"median {ms(statistics.median(times))}, max {ms(max(times))} (n={len(times)})"


Row = tuple[str, str, str, str, str]


def row(name: str, value: str, target: str = "", met: bool | None = None, cost: str = "") -> Row:
    """(measurement, result, target, met, capture-pane cost): one line of a table."""
    return name, value, target, "" if met is None else "yes" if met else "NO", cost


def throughput_rows(r: Result) -> list[Row]:
    w, headless = r.window, statistics.mean(r.headless)
    tui = w.epochs / w.seconds if w.seconds else 0.0
    fps = w.frames / w.seconds if w.seconds else 0.0
    per_frame = w.size / w.frames / 1000 if w.frames else 0.0
    before, after = r.headless
    speed = f"{tui:,.0f}" + ("" if r.max_speed else " (max speed not reached)")
    frames = f"{w.marker}, {per_frame:.1f} kB/frame, longest gap {ms(w.longest_gap)}"
    return [
        row("headless epochs/s", f"{headless:,.0f} (before {before:,.0f}, after {after:,.0f})"),
        row("TUI epochs/s at max speed", speed),
        row(
            "throughput TUI / headless",
            f"{tui / headless:.2f}x",
            ">= 0.75x",
            tui >= 0.75 * headless,
        ),
        row("screen updates/s at max speed", f"{fps:.1f}", ">= 20/s", fps >= 20),
        row("  frames counted by", frames),
    ]


def latency_rows(r: Result) -> list[Row]:
    first, paused, playing = r.first_frame, ms(r.cost_paused), ms(r.cost_playing)
    space = statistics.median(r.space) if r.space else TIMEOUT
    lr = (statistics.median(r.lr), max(r.lr)) if r.lr else (TIMEOUT, TIMEOUT)
    return [
        row(
            "first frame (start -> status line)",
            ms(first),
            "< 1500 ms",
            (first or TIMEOUT) < 1.5,
            paused,
        ),
        row(
            "space -> next epoch (paused)", spread(r.space), "median < 30 ms", space < 0.03, paused
        ),
        row(
            "l/L -> lr on screen (max speed)",
            spread(r.lr),
            "median < 50, max < 100 ms",
            lr[0] < 0.05 and lr[1] < 0.1,
            playing,
        ),
        row("  answered by the header's lr", f"{r.lr_in_header} of {len(r.lr)} times"),
    ]


def print_table(title: str, results: list[Result]) -> None:
    header = ("measurement", "result", "target", "met", "capture-pane")
    body = [
        (f"{r.setup.name} {r.setup.size[0]}x{r.setup.size[1]}", *line)
        for r in results
        for line in throughput_rows(r) + latency_rows(r)
    ]
    table = [("experiment", *header), *body]
    widths = [max(len(row[i]) for row in table) for i in range(len(header) + 1)]
    print(f"\n== {title} ==")
    for i, row in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * width for width in widths))


def machine() -> str:
    model = "unknown CPU"
    with Path("/proc/cpuinfo").open() as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    tmux = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
    cores = len(os.sched_getaffinity(0))
    return f"{cores} cores ({os.cpu_count()} online), {model}; Python " + (
        f"{platform.python_version()}; {tmux}"
    )


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--seconds", type=float, default=5.0, help="length of each timed window")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--busy", action="store_true", default=True, help="idle, then busy")
    mode.add_argument("--idle-only", action="store_true", help="skip the busy run")
    p.add_argument("--only", choices=sorted(SETUPS), help="one experiment only")
    return p.parse_args()


def main() -> None:
    args = parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed")
    setups = [SETUPS[args.only]] if args.only else list(SETUPS.values())
    conditions = [False] if args.idle_only else [False, True]
    print(f"machine: {machine()}")
    started = time.perf_counter()
    tmux = Tmux()
    try:
        tmux.start()
        for busy in conditions:
            load = os.getloadavg()[0]
            with spinner(busy):
                results = [measure(tmux, setup, args.seconds) for setup in setups]
            title = "busy: one core kept busy by a spinner" if busy else "idle: no extra load"
            print_table(f"{title} (load average before: {load:.2f})", results)
    finally:
        tmux.kill()
    print(f"\nwhole run: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
