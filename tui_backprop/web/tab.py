"""One browser tab's run: its app process and the websocket to the page, bounded.

textual-serve's ``AppService`` starts the app (here one the app forker made ready
ahead of the tab, resized to the tab's size, or else one forked for it now:
``forked_apps``) and carries its frames to the page; this subclass adds what a served
classroom needs:

- the page's messages are read here, not by textual-serve: a malformed one is ignored,
  a resize is clamped (``limits.clamp_size``), a ``stdin`` message of more than
  ``limits.MAX_KEYS`` keys is dropped whole, and while more than
  ``limits.MAX_QUEUED_INPUT`` bytes wait for the app, new keys and sizes are dropped
  (the page is never blocked, and a tab cannot queue hours of work);
- the websocket is closed as soon as the app ends, however it ends (``q``, a crash, a
  kill), so the page shows that the run has ended;
- when the tab closes, the app is asked to quit, and after ``QUIT_GRACE`` seconds its
  process group is sent SIGTERM, and SIGKILL ``STOP_GRACE`` seconds later, so even an
  app busy with queued keys is gone within a few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
from asyncio.subprocess import Process
from typing import Any, cast

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from tui_backprop.web import limits, processes
from tui_backprop.web.forked_apps import READY_SIZE, AppForker
from tui_backprop.web.server_log import log

QUIT_GRACE = 1.0  # seconds an app has to quit by itself once its tab closed
STOP_GRACE = 1.0  # seconds between SIGTERM and SIGKILL to its group
F_SETPIPE_SZ = 1031  # from <linux/fcntl.h>
ERROR_TAIL = 4096  # bytes of an app's standard error kept
LINE_CHARS = 200  # of its last line, logged


async def last_line(stream: asyncio.StreamReader) -> str:
    """The last non-blank line of ``stream``, read to its end, shortened."""
    tail = b""
    while chunk := await stream.read(65536):
        tail = (tail + chunk)[-ERROR_TAIL:]
    lines = [line.strip() for line in tail.decode("utf-8", "replace").splitlines()]
    found = next((line for line in reversed(lines) if line), "")
    return found[:LINE_CHARS]


class Tab(AppService):
    """The app process of one websocket, with bounded input. textual-serve offers no
    public hook to start an app another way or to read its process, so this overrides
    its private ``_open_app_process`` and sets ``_process`` and ``_stdin`` as it does."""

    def __init__(
        self,
        command: str,
        websocket: web.WebSocketResponse,
        downloads: DownloadManager,
        forker: tuple[AppForker, list[str]] | None = None,
    ) -> None:
        """``forker``: the app forker and the app's arguments, to fork the app from it
        rather than run ``command`` (which remains the way when it gives none)."""
        super().__init__(
            command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=self._close,
            download_manager=downloads,
        )
        self.websocket = websocket
        self.forker = forker
        self.size = (80, 24)
        self._watch: asyncio.Task[None] | None = None
        self._errors: asyncio.Task[str] | None = None
        self._ready_size: tuple[int, int] | None = None  # a ready app's: resized at start

    async def start(self, width: int, height: int) -> None:
        """Start the app at this size, and watch for its end."""
        self.size = (width, height)
        await super().start(width, height)
        if self._ready_size is not None and self._ready_size != self.size:
            await self.set_terminal_size(*self.size)
        pipe = self.stdin.transport.get_extra_info("pipe")
        with contextlib.suppress(OSError, AttributeError):  # not Linux: the default pipe
            fcntl.fcntl(pipe.fileno(), F_SETPIPE_SZ, limits.PIPE_BYTES)
        self._watch = asyncio.create_task(self._close_when_ended())

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        """The app's process, its standard error read here: textual-serve keeps all of
        it and copies it to the server's stdout, where a crash's report of 100 KB
        blocked the server on a full pipe. Here the last ``ERROR_TAIL`` bytes are kept,
        and their last line is logged when the app ends."""
        forked = None
        if self.forker is not None:
            forked = self.forker[0].take_ready()
            if forked is not None:
                self._ready_size = READY_SIZE
            else:
                environment = self._build_environment(width=width, height=height)
                forked = await self.forker[0].open_app(self.forker[1], environment)
        if forked is None:
            process = await super()._open_app_process(width, height)
        else:
            self._process = process = cast(Process, forked)
            self._stdin = forked.stdin
        assert process.stderr is not None
        self._errors = asyncio.create_task(last_line(process.stderr))
        process.stderr = asyncio.StreamReader()  # for textual-serve: empty
        process.stderr.feed_eof()
        return process

    async def _close(self) -> None:  # the app said it exits
        await self.websocket.close()

    async def _close_when_ended(self) -> None:
        assert self._process is not None
        status = await self._process.wait()
        said = "" if self._errors is None else await self._errors
        if status:
            log.warning("a tab's app ended with status %s%s", status, f": {said}" if said else "")
        if not self.websocket.closed:
            await self.websocket.close(message=b"the run has ended")

    def _put(self, packet: bytes) -> bool:
        """Hand a packet to the app unless too much already waits for it."""
        transport = self.stdin.transport
        if transport.is_closing():
            return False
        if transport.get_write_buffer_size() + len(packet) > limits.MAX_QUEUED_INPUT:
            return False
        self.stdin.write(packet)
        return True

    async def send_bytes(self, data: bytes) -> bool:
        return self._put(self.encode_packet(b"D", data))

    async def send_meta(self, data: dict[str, str | int | bool | None]) -> bool:
        return self._put(self.encode_packet(b"M", json.dumps(data).encode()))

    async def relay(self) -> None:
        """Carry the page's messages to the app until the websocket closes."""
        async for message in self.websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if isinstance(envelope, list) and envelope and isinstance(envelope[0], str):
                await self._handle(envelope[0], envelope[1:])

    async def _handle(self, kind: str, args: list[Any]) -> None:
        data = args[0] if args else None
        if kind == "stdin" and isinstance(data, str) and len(data) <= limits.MAX_KEYS:
            await self.send_bytes(data.encode("utf-8", "replace"))
        elif kind == "resize" and isinstance(data, dict):
            self.size = limits.clamp_size(data.get("width"), data.get("height"), self.size)
            await self.set_terminal_size(*self.size)
        elif kind == "ping" and isinstance(data, str) and len(data) <= 32:
            await self.websocket.send_json(["pong", data])
        elif kind == "blur":
            await self.blur()
        elif kind == "focus":
            await self.focus()

    async def stop(self) -> None:
        """End the app: ask it to quit, then end its group (see the module's note)."""
        process, task = self._process, self._task
        if process is None or task is None:
            return
        self._task = None
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        await self.send_meta({"type": "quit"})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(process.wait()), QUIT_GRACE)
        if process.returncode is None:
            await asyncio.to_thread(processes.end_groups, [process.pid], STOP_GRACE)
        else:  # reaped: only what is left of its group may be signalled
            await asyncio.to_thread(processes.end_group, process.pid, STOP_GRACE)
        with contextlib.suppress(TimeoutError):  # the frames' reader ends at their end
            await asyncio.wait_for(asyncio.shield(task), STOP_GRACE)
        for waiting in (task, self._watch):
            if waiting is not None:
                waiting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiting
