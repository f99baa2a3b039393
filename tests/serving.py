"""The real ``backprop-tui --serve`` on a free port, and the processes it started."""

from __future__ import annotations

import contextlib
import io
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

from tui_backprop import cli
from tui_backprop.web import processes

if TYPE_CHECKING:
    import aiohttp

ROOT = Path(__file__).resolve().parents[1]
FIRST_FRAME = 2000  # bytes of a first frame, not just the start of one
CSI = re.compile(rb"\x1b\[[0-9;?$]*[A-Za-z]")  # a terminal control sequence
CURSOR = re.compile(rb"\x1b\[(\d+);(\d+)H")  # a move to row;column
ANNOUNCED = re.compile(r"Ctrl-C stops\) on\n +http://\S+\n")  # and its first address


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """A running server: its process, address and what it printed (``errors``: its
    standard error, once it has stopped)."""

    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc, self.port = proc, port
        self.base = self.origin = f"http://127.0.0.1:{port}"
        self.printed = ""
        self.errors = ""

    @property
    def urls(self) -> list[str]:
        """The addresses the server printed, one a line."""
        return re.findall(r"^ +(http://\S+)$", self.printed, re.MULTILINE)

    @property
    def token(self) -> str | None:
        """The token in the printed addresses (None: served with --no-token)."""
        found = parse_qs(urlsplit(self.urls[0]).query).get("token") if self.urls else None
        return found[0] if found else None

    @property
    def url(self) -> str:
        """The page on loopback, with the token."""
        return f"{self.base}/" + (f"?token={self.token}" if self.token else "")

    def address(self, path: str = "") -> str:
        """``/PATH`` on the server with the token, as the page's cookie carries it."""
        url = f"{self.base}/{path}"
        if self.token:
            url += f"{'&' if '?' in path else '?'}token={self.token}"
        return url

    def read_until(self, needle: str | re.Pattern[str], timeout: float) -> str:
        """Standard output up to ``needle`` (read unbuffered, a chunk at a time)."""
        fd, deadline = self.proc.stdout.fileno(), time.monotonic() + timeout  # type: ignore[union-attr]
        while not (
            needle.search(self.printed)
            if isinstance(needle, re.Pattern)
            else needle in self.printed
        ):
            left = deadline - time.monotonic()
            assert left > 0, f"{needle!r} never printed; got {self.printed!r}"
            if select.select([fd], [], [], left)[0]:
                chunk = os.read(fd, 65536).decode()
                assert chunk, f"the server ended: {self.printed!r}"
                self.printed += chunk
        return self.printed

    def apps(self) -> list[int]:
        """The app processes serving tabs now."""
        return processes.apps(self.proc.pid)

    def children(self) -> list[int]:
        """The server's running child processes: apps, the app forker."""
        return processes.children(self.proc.pid)

    def forker(self, timeout: float = 10) -> int:
        """The server's app forker, once it has named itself (as its Python starts)."""
        deadline = time.monotonic() + timeout
        while not (found := [p for p in self.children() if name(p) == processes.FORKER_NAME]):
            assert time.monotonic() < deadline, "no app forker"
            time.sleep(0.02)
        (forker,) = found
        return forker


def name(pid: int) -> str:
    """A process's name, as ``ps`` shows it."""
    return (Path("/proc") / str(pid) / "comm").read_text().strip()


def http_get(session: Any, served: Served, path: str) -> Any:
    """A GET of ``path`` on the server (``async with``), as the page makes it: with the
    token, which the page's cookie carries."""
    if served.token:
        path += f"{'&' if '?' in path else '?'}token={served.token}"
    return session.get(f"http://127.0.0.1:{served.port}{path}")


def refusal(*args: str) -> subprocess.CompletedProcess[str]:
    """``backprop-tui ARGS`` refusing its flags or files before it serves: run in this
    process, not a Python of its own (whose start is most of what such a check costs),
    and reported as ``subprocess.run`` reports a command. Serving fails the test
    instead; the command's changes to the environment are undone."""
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ),
        mock.patch("tui_backprop.web.server.serve", side_effect=AssertionError("it served")),
        contextlib.chdir(ROOT),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            status: object = cli.main(list(args))
        except SystemExit as stop:
            status = stop.code
    assert isinstance(status, int), status
    return subprocess.CompletedProcess(list(args), status, out.getvalue(), err.getvalue())


@contextmanager
def serving(
    *args: str,
    host_args: tuple[str, ...] = (),
    ready: int | None = 0,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> Iterator[Served]:
    """``backprop-tui --serve ARGS`` on a free port, listening, started in ``cwd``;
    stopped at the end. ``ready``: its ``--ready-tabs`` (None: the default). Tests
    serve without ready apps unless they test them, so the apps they see are their
    tabs', and a server that opens no tab starts no app forker. ``env`` adds to the
    server's environment; ``preexec_fn`` runs in it before exec."""
    port = free_port()
    command = [sys.executable, "-m", "tui_backprop", "--serve", "--port", str(port)]
    if ready is not None:
        command += ["--ready-tabs", str(ready)]
    with subprocess.Popen(
        [*command, *host_args, *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec_fn,
    ) as proc:
        served = Served(proc, port)
        try:
            served.read_until(ANNOUNCED, timeout=30)
            yield served
        finally:
            apps = served.apps()
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            served.errors = proc.communicate(timeout=10)[1]
            processes.end_groups(apps, grace=0)  # if a test failed before its apps ended


def ws_connect(
    session: aiohttp.ClientSession,
    served: Served,
    query: str = "width=100&height=30",
    headers: Mapping[str, str | None] | None = None,
    *,
    token: bool = True,
) -> Any:
    """A tab's websocket, as the server's own page opens it: the token (unless
    ``token`` is false) and the page's ``Origin`` added. ``headers`` override those the
    helper sends; a header given as None is not sent."""
    if token and served.token:
        query = f"{query}&token={served.token}"
    sent = {"Origin": served.origin, **(headers or {})}
    return session.ws_connect(
        f"ws://127.0.0.1:{served.port}/ws?{query}",
        headers={name: value for name, value in sent.items() if value is not None},
    )


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


async def first_screen(ws: Any, quiet: float = 1.0) -> bytes:
    """The bytes a tab's app sends the page first: a first frame, and what follows it
    until the app is ``quiet`` for that many seconds."""
    import aiohttp

    drawn = b""
    while True:
        try:
            message = await ws.receive(timeout=30 if len(drawn) < FIRST_FRAME else quiet)
        except TimeoutError:
            return drawn
        assert message.type == aiohttp.WSMsgType.BINARY, message
        drawn += message.data


def screen_text(drawn: bytes) -> str:
    """The text of what an app drew, its control sequences taken out."""
    return CSI.sub(b"", drawn).decode("utf-8", "replace")


def screen_size(drawn: bytes) -> tuple[int, int]:
    """The furthest column and row an app drew at (1-based, as the terminal counts)."""
    moves = [(int(column), int(row)) for row, column in CURSOR.findall(drawn)]
    return max(c for c, _ in moves), max(r for _, r in moves)
