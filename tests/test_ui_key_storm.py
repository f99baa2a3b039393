"""Keys typed faster than a frame, into the real command in a terminal: nothing kills
the app, and it still quits cleanly."""

from __future__ import annotations

import os
import pty
import random
import select
import subprocess
import sys
import time
from pathlib import Path

# Every key of the app but q, as a terminal sends it; dialogs and the palette included.
KEYS = [
    " ", "n", "p", "+", "-", "r", "R", "l", "L", "j", "k", "w", "g", "o", "s", "z", "?",
    "b", "[", "]", "{", "}", "d", "S", ",", "c", "e", "\t", "\r", "\x1b[A", "\x1b[B",
    "\x1b[C", "\x1b[D", "\x1b[H", "\x1b[F",
]  # fmt: skip
PALETTE_TWICE = "\x10\r\x10\r"  # ctrl+p enter, twice: it used to pop the main screen


def _drain(fd: int, seconds: float) -> bytes:
    seen, end = b"", time.monotonic() + seconds
    while time.monotonic() < end:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                seen += os.read(fd, 65536)
            except OSError:  # the terminal closed: the app has exited
                break
    return seen


def test_a_key_storm_does_not_kill_the_app(tmp_path: Path) -> None:
    main, child = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color"}
    command = [sys.executable, "-m", "tui_backprop", "xor"]
    app = subprocess.Popen(command, stdin=child, stdout=child, stderr=child, env=env, cwd=tmp_path)
    os.close(child)
    rng = random.Random(7)
    try:
        assert b"Epoch 0" in _drain(main, 5) or app.poll() is None
        for _ in range(5):
            os.write(main, PALETTE_TWICE.encode())
            _drain(main, 0.05)
        for _ in range(20):  # bursts of 25 keys with no pause inside a burst
            os.write(main, "".join(rng.choice(KEYS) for _ in range(25)).encode())
            output = _drain(main, 0.1)
            assert app.poll() is None, output.decode(errors="replace")[-2000:]
        for _ in range(4):  # close any dialog: one escape at a time (two read as alt+escape)
            os.write(main, b"\x1b")
            _drain(main, 0.3)
        os.write(main, b"q")
        end = time.monotonic() + 10
        while app.poll() is None and time.monotonic() < end:
            _drain(main, 0.1)  # a terminal nobody reads would block the app's writes
        assert app.returncode == 0
    finally:
        if app.poll() is None:
            app.kill()
        os.close(main)
