"""The app forker: ``python -m tui_backprop.web.app_forker SERVER_PID SOCKET_FD``.

The server starts one at its start (with ``--ready-tabs 0``, as its first tab opens). It
imports NumPy, Textual, its web driver and the
app once, then waits on its socket; each request (a tab's arguments, window size and
the three ends of its pipes) becomes an app forked from it, already imported, so a tab
starts without a Python of its own (``docs/architecture.md``, "web").

Each app is forked twice over (the forker's child forks the app and ends), so the app
is handed to the server, which claims orphans of its family
(``PR_SET_CHILD_SUBREAPER``): the server waits on it, signals its group and finds it
among its children exactly as one it started itself. Once the server is its parent,
the app keeps what ``launch`` guarantees: a process group of its own, death with the
server, the app's address space and array budget (set in this process's environment
before NumPy loads), its environment marking it served (inherited from the server).

The forker leads a group of its own (a Ctrl-C at the server's terminal is the
server's), dies with the server and ends when the server closes its socket.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import runpy
import signal
import socket
import sys
import time
from typing import Any

from tui_backprop.web import launch, processes

FORKER_NAME = processes.FORKER_NAME.encode()  # the name ps shows (an app takes back its own)
APP_NAME = b"backprop-tui"
PR_SET_NAME = 15  # from <linux/prctl.h>
REQUEST_BYTES = 65536
PIPES = 3  # the app's standard input, output and error
PARENT_WAIT = 2.0  # seconds an app waits to be handed to the server
# numpy.ma: np.unique imports it on first use; textual.pilot: App.run imports it
PRELOADED = (
    "numpy",
    "numpy.ma",
    "textual.drivers.web_driver",
    "textual.pilot",
    "tui_backprop.ui.app",
)


def set_name(name: bytes) -> None:
    """The process's name in ``ps`` and ``/proc/PID/stat`` (Linux; elsewhere nothing)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(PR_SET_NAME, ctypes.c_char_p(name), 0, 0, 0)


def preload() -> None:
    """Import what every app imports, with the environment an app starts with."""
    launch.set_app_environment()
    for name in PRELOADED:
        __import__(name)
    gc.collect()
    gc.freeze()  # what is loaded stays shared with the apps: no collection writes to it


def serve(server: int, control: socket.socket) -> None:
    """Fork an app for each request until the server closes the socket. Returns in the
    forked app, ready to run it; the forker itself leaves by ``SystemExit``."""
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, REQUEST_BYTES, PIPES)
        except InterruptedError:
            continue
        if not data:
            raise SystemExit(0)
        if fork_app(server, control, json.loads(data), fds):
            return
        for fd in fds:
            os.close(fd)


def fork_app(server: int, control: socket.socket, request: dict[str, Any], fds: list[int]) -> bool:
    """Fork, and in the child fork the app, send its number to the server and end.
    True in the app (set up to run), False in the forker."""
    try:
        child = os.fork()
    except OSError as err:
        control.send(f"!{err.strerror}".encode())
        return False
    if child:
        os.waitpid(child, 0)
        return False
    try:  # the child between the forker and the app
        app = os.fork()
    except OSError as err:
        with contextlib.suppress(OSError):
            control.send(f"!{err.strerror}".encode())
        os._exit(1)
    if app:
        with contextlib.suppress(OSError):
            control.send(str(app).encode())
        os._exit(0)
    become_app(server, control, request, fds)
    return True


def become_app(
    server: int, control: socket.socket, request: dict[str, Any], fds: list[int]
) -> None:
    """Set up the forked app as ``launch`` sets up an exec'd one (see the module's note)."""
    control.close()
    os.setpgrp()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    deadline = time.monotonic() + PARENT_WAIT
    while os.getppid() != server and time.monotonic() < deadline:
        time.sleep(0.001)  # the child that forked it is ending
    launch.die_with_parent()
    if os.getppid() != server:  # not handed to the server, or the server has ended
        os._exit(1)
    launch.limit_address_space()
    set_name(APP_NAME)
    os.environ.clear()  # the tab's environment, as an exec'd app would have it
    os.environ.update({str(k): str(v) for k, v in request["env"].items()})
    launch.set_app_environment()
    sys.argv = ["backprop-tui", *map(str, request["args"])]
    signal.signal(signal.SIGINT, signal.default_int_handler)


def main(argv: list[str]) -> None:
    server, fd = int(argv[0]), int(argv[1])
    os.setpgrp()
    launch.die_with_parent()
    if os.getppid() != server:
        raise SystemExit(1)
    set_name(FORKER_NAME)
    control = socket.socket(fileno=fd)
    preload()
    serve(server, control)
    runpy.run_module("tui_backprop", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
