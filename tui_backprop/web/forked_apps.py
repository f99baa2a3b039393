"""The server's side of the app forker (``app_forker``): starting it, asking it for a
tab's app, and the app as the tab sees it (``ForkedApp``, what an asyncio subprocess
offers textual-serve).

Decisions:

- The server claims the orphans of its family (``PR_SET_CHILD_SUBREAPER``), so a
  forked app becomes its child. Other orphans come to it too (an ended app's training
  helpers): ``reap`` collects those that end, never a process that leads its own group
  (an app or the forker, whose end their owners wait for).
- If the forker cannot start, dies or fails to answer, a tab starts as before
  (``launch``, a Python of its own): slower, never refused.
- A server that keeps ready apps starts the forker as it starts; one that keeps none
  (``--ready-tabs 0``) starts it for its first tab, which then waits for its imports
  about as long as a Python of its own would have taken. Such a server costs no forker
  (its imports, ~0.8 s of CPU, and its memory) until a tab opens, if one ever does.
- Apps are forked ahead of the tabs (``AppForker.keep_ready``): a ready app has built
  its screen at ``READY_SIZE`` and waits; a tab that takes one only resizes it, which
  costs a fraction of building a screen, so a class that opens together sees its first
  frames in a fraction of the time. The server keeps ``--ready-tabs`` ready (by
  default the tab cap), never more than tabs may still open (``--max-tabs`` less the
  open ones), so apps never outnumber the cap it already sized for the machine's
  memory. A ready app that ends while it waits is dropped, and a tab finding none
  ready starts its app as before.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ctypes
import json
import os
import socket
import subprocess
import sys
from types import SimpleNamespace
from typing import IO, cast

from textual_serve.app_service import AppService

from tui_backprop.web import processes

PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>
ANSWER_TIMEOUT = 30.0  # seconds a request may wait (the forker's first imports included)
REAP_EVERY = 2.0  # seconds between collections of ended orphans
# The size a ready app builds its screen at: small, so what it drew before its tab
# came is cheap and never wider than the tab's terminal (which it then resizes to).
READY_SIZE = (80, 24)


def become_subreaper() -> bool:
    """Have orphans of this process's descendants become its children (Linux 3.4+)."""
    if not sys.platform.startswith("linux"):
        return False
    return int(ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0


def tab_environment(width: int = 80, height: int = 24) -> dict[str, str]:
    """The environment textual-serve gives every tab's app at this size: the forker's
    too, so Textual's settings read as it loads are an app's."""
    service = cast(AppService, SimpleNamespace(debug=False))
    # private: textual-serve has no public reading of the environment it gives an app
    return AppService._build_environment(service, width, height)


def reap() -> None:
    """Collect this process's ended children that lead no group (see the note)."""
    for pid in processes.zombies(os.getpid()):
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


class ForkedApp:
    """A forked app, as ``asyncio.subprocess.Process`` shows one: its pipes, its
    number, ``wait`` and ``returncode`` (read through a pidfd: asyncio did not start
    it, so its child watcher does not know it)."""

    def __init__(self, pid: int, pidfd: int, pipes: list[int]) -> None:
        """``pidfd`` was opened on the app as soon as it was known, so no one else
        collects it first; ``pipes``: the server's ends of its input, output, error."""
        self.pid, self._pidfd, self._pipes = pid, pidfd, pipes
        self.returncode: int | None = None
        self._ended: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().add_reader(pidfd, self._on_end)

    async def connect(self) -> ForkedApp:
        """Its pipes as asyncio streams."""
        loop = asyncio.get_running_loop()
        self.stdin = await _writer(loop, self._pipes[0])
        self.stdout = await _reader(loop, self._pipes[1])
        self.stderr = await _reader(loop, self._pipes[2])
        return self

    def _on_end(self) -> None:
        asyncio.get_running_loop().remove_reader(self._pidfd)
        os.close(self._pidfd)
        try:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        except ChildProcessError:  # collected elsewhere: its status is lost
            self.returncode = 1
        self._ended.set_result(self.returncode)

    async def wait(self) -> int:
        return await asyncio.shield(self._ended)

    @property
    def ended(self) -> bool:
        """Whether it has ended or is ending, even if the loop has not yet heard. Read
        in ``/proc``: a killed app with threads still exiting is a zombie there before
        ``waitid`` may collect it."""
        return self.returncode is not None or not processes.alive(self.pid)


async def _reader(loop: asyncio.AbstractEventLoop, fd: int) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), open(fd, "rb", 0))  # noqa: SIM115 (the transport owns it)
    return reader


async def _writer(loop: asyncio.AbstractEventLoop, fd: int) -> asyncio.StreamWriter:
    pipe: IO[bytes] = open(fd, "wb", 0)  # noqa: SIM115 (the transport owns it)
    transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, pipe)
    return asyncio.StreamWriter(transport, protocol, None, loop)


class AppForker:
    """The server's handle on its app forker."""

    def __init__(self) -> None:
        self._control: socket.socket | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = asyncio.Lock()
        self._ready: collections.deque[ForkedApp] = collections.deque()
        self._wanted = 0  # ready apps to keep (``keep_ready``)
        self._filling: asyncio.Task[None] | None = None
        self._started = False

    def start(self) -> None:
        """Start the forker (it imports the app in the background), the first time only;
        without a subreaper (not Linux) there is none, and tabs start as before. Called
        from the event loop's thread: the forker's death with the server
        (``PR_SET_PDEATHSIG``) follows the thread that started it."""
        if self._started:
            return
        self._started = True
        if not become_subreaper() or not hasattr(os, "pidfd_open"):
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [sys.executable, "-m", "tui_backprop.web.app_forker", str(os.getpid())]
        try:
            self._process = subprocess.Popen(
                [*command, str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                env=tab_environment(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
        except OSError:
            ours.close()
            return
        finally:
            theirs.close()
        ours.setblocking(False)
        self._control = ours

    async def open_app(self, args: list[str], environment: dict[str, str]) -> ForkedApp | None:
        """A tab's app forked with these arguments and environment (the one
        textual-serve would start it with), or None if the forker gives none. The
        first call starts the forker if the server has not (see the module's note)."""
        self.start()
        if self._control is None:
            return None
        ends = [os.pipe() for _ in range(3)]
        theirs = [ends[0][0], ends[1][1], ends[2][1]]
        request = json.dumps({"args": args, "env": environment})
        loop = asyncio.get_running_loop()
        pid = pidfd = 0
        try:
            async with self._lock:
                socket.send_fds(self._control, [request.encode()], theirs)
                answer = await asyncio.wait_for(loop.sock_recv(self._control, 64), ANSWER_TIMEOUT)
                if answer.isdigit():
                    pid, pidfd = int(answer), os.pidfd_open(int(answer))
        except (OSError, TimeoutError):
            pid = 0
        finally:
            for fd in theirs:
                os.close(fd)
        ours = [ends[0][1], ends[1][0], ends[2][0]]
        if not pid:
            self.close()  # no answer, or a failed fork: tabs start as before from now on
            for fd in ours:
                os.close(fd)
            return None
        return await ForkedApp(pid, pidfd, ours).connect()

    def keep_ready(self, count: int, args: list[str]) -> None:
        """Keep ``count`` apps with these arguments forked ahead of their tabs (see the
        module's note): the missing ones are forked in the background, one at a time;
        ready ones beyond ``count`` are ended, ended ones forgotten."""
        self._wanted = max(0, count)
        self._ready = collections.deque(app for app in self._ready if not app.ended)
        while len(self._ready) > self._wanted:
            processes.end_groups([self._ready.pop().pid], grace=0)
        if self._control is not None and (self._filling is None or self._filling.done()):
            self._filling = asyncio.create_task(self._fill(args))

    async def _fill(self, args: list[str]) -> None:
        while self._control is not None and len(self._ready) < self._wanted:
            app = await self.open_app(args, tab_environment(*READY_SIZE))
            if app is None:
                return
            self._ready.append(app)

    def take_ready(self) -> ForkedApp | None:
        """A ready app for a tab (it is no longer counted ready), or None."""
        while self._ready:
            app = self._ready.popleft()
            if not app.ended:
                return app
        return None

    def close(self) -> None:
        """Stop using the forker (it ends when its socket closes) and end the ready apps."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._filling is not None:
            self._filling.cancel()
        processes.end_groups([app.pid for app in self._ready], grace=0)
        self._ready.clear()
