"""The real ``backprop-tui --serve`` on a free port, and the processes it started."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tui_backprop.web import processes

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """A running server: its process, address and what it printed (``errors``: its
    standard error, once it has stopped)."""

    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc, self.port = proc, port
        self.url = f"http://127.0.0.1:{port}/"
        self.printed = ""
        self.errors = ""

    def read_until(self, needle: str, timeout: float) -> str:
        """Standard output up to ``needle`` (read unbuffered, a chunk at a time)."""
        fd, deadline = self.proc.stdout.fileno(), time.monotonic() + timeout  # type: ignore[union-attr]
        while needle not in self.printed:
            left = deadline - time.monotonic()
            assert left > 0, f"{needle!r} never printed; got {self.printed!r}"
            if select.select([fd], [], [], left)[0]:
                chunk = os.read(fd, 65536).decode()
                assert chunk, f"the server ended: {self.printed!r}"
                self.printed += chunk
        return self.printed

    def apps(self) -> list[int]:
        """The app processes serving tabs now."""
        return processes.children(self.proc.pid)


def ws_connect(
    session: Any,
    served: Served,
    query: str = "width=100&height=30",
    headers: dict[str, str] | None = None,
) -> Any:
    """A tab's websocket to ``served`` (an aiohttp ``session.ws_connect``): every test
    opens its websockets here."""
    url = f"ws://127.0.0.1:{served.port}/ws?{query}"
    return session.ws_connect(url, headers=headers or {})


@contextmanager
def serving(
    *args: str,
    host_args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> Iterator[Served]:
    """``backprop-tui --serve ARGS`` on a free port, listening; stopped at the end.
    ``env`` adds to the server's environment; ``preexec_fn`` runs in it before exec."""
    port = free_port()
    command = [sys.executable, "-m", "tui_backprop", "--serve", "--port", str(port)]
    with subprocess.Popen(
        [*command, *host_args, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec_fn,
    ) as proc:
        served = Served(proc, port)
        try:
            served.read_until("serving on", timeout=30)
            yield served
        finally:
            apps = served.apps()
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            served.errors = proc.communicate(timeout=10)[1]
            processes.end_groups(apps, grace=0)  # if a test failed before its apps ended


def wait_gone(pgids: list[int], timeout: float) -> float:
    """Seconds until no process of these groups is left; fails past ``timeout`` (after
    killing them, so a failure leaves nothing running)."""
    started = time.monotonic()
    while left := [p for g in pgids for p in processes.members(g)]:
        if time.monotonic() - started > timeout:
            processes.end_groups(pgids, grace=0)
            raise AssertionError(f"still running after {timeout:.1f} s: {left}")
        time.sleep(0.02)
    return time.monotonic() - started
