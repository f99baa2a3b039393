"""The real command in a pseudo-terminal, for tests of keys, signals and quitting."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TAIL = 8000  # bytes of its output a terminal keeps: a traceback's worth


class Terminal:
    """The app's side of a terminal: what it wrote, and keys to type into it."""

    def __init__(self, fd: int, app: subprocess.Popen[bytes]) -> None:
        self.fd, self.app = fd, app
        self.tail = b""  # the last of what it wrote, for a failing test to show

    def _keep(self, seen: bytes) -> bytes:
        self.tail = (self.tail + seen)[-TAIL:]
        return seen

    def type(self, keys: str | bytes) -> None:
        os.write(self.fd, keys.encode() if isinstance(keys, str) else keys)

    def read_for(self, seconds: float) -> bytes:
        """Everything written within ``seconds`` (read, so the app never blocks)."""
        seen, end = b"", time.monotonic() + seconds
        while time.monotonic() < end:
            if select.select([self.fd], [], [], 0.02)[0]:
                try:
                    seen += os.read(self.fd, 65536)
                except OSError:  # the app has closed the terminal
                    time.sleep(0.02)
        return self._keep(seen)

    def read_until(self, needle: bytes, timeout: float) -> bytes:
        seen, deadline = b"", time.monotonic() + timeout
        while needle not in seen:
            left = deadline - time.monotonic()
            assert left > 0, f"{needle!r} never appeared"
            if select.select([self.fd], [], [], left)[0]:
                try:
                    seen += os.read(self.fd, 65536)
                except OSError:
                    break
        return self._keep(seen)

    def wait_exit(self, timeout: float) -> float:
        """Seconds until the app exited (reading its output meanwhile); fails past
        ``timeout``."""
        started = time.monotonic()
        while self.app.poll() is None:
            assert time.monotonic() - started < timeout, "the app did not exit"
            self.read_for(0.02)
        return time.monotonic() - started


@contextmanager
def running(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Iterator[Terminal]:
    """``backprop-tui ARGS`` in a 120×40 terminal (``env`` laid over the usual
    variables); killed if still running at the end."""
    main, child = pty.openpty()
    usual = {"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    env = {**os.environ, **usual, **(env or {})}
    command = [sys.executable, "-m", "tui_backprop", *args]
    app = subprocess.Popen(command, stdin=child, stdout=child, stderr=child, env=env, cwd=cwd)
    os.close(child)
    try:
        yield Terminal(main, app)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        os.close(main)
