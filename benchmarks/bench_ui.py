"""How fast the TUI answers, measured on the real command in a pseudo-terminal.

    python benchmarks/bench_ui.py [--size 120x40] [--seconds 3]

Prints a table:
- first frame: from starting ``backprop-tui`` to the first screen showing "Epoch 0";
- key to screen: from typing space to the screen showing the next epoch (median, max);
- max speed: epochs per second trained, and screen updates per second, while running
  at max speed (each update shows a new "Epoch N"; counting them counts frames).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import sys
import termios
import time

EPOCH = re.compile(rb"Epoch (\d+)")
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
        if EPOCH.search(term.buffer):
            return term, time.perf_counter() - start
    raise TimeoutError("no first frame within 15 s")


def key_latency(term: Terminal, steps: int) -> list[float]:
    times = []
    for epoch in range(1, steps + 1):
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
            epoch = int(match.group(1))
            if not seen or epoch != seen[-1][1]:
                seen.append((now, epoch))
    term.send("p")
    if len(seen) < 2:
        return 0.0, 0.0
    span = seen[-1][0] - seen[0][0]
    return (seen[-1][1] - seen[0][1]) / span, (len(seen) - 1) / span


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
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
