"""The web server: textual-serve with a page that loads nothing from outside the machine,
access checks (a token, the Host and Origin, ``access.py``), and a stop that ends every
app it started.

textual-serve starts one app process per browser tab and carries its terminal over a
websocket to xterm.js in the page. Its stock page asks an outside server for a font and
points the websocket at the host name the server was given; ours uses the fonts in the
package and the address the browser used, so it works offline and from another machine.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import signal
import sys
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server

from tui_backprop.web import access, addresses, processes

TEMPLATES = Path(__file__).resolve().parent / "templates"
STOP_GRACE = 0.5  # seconds an app has to quit before its group is killed
HANDLER_TIMEOUT = 0.5  # seconds open websockets get to close on a stop
EXIT_FAILURE = 1
PROG = "backprop-tui"


def app_command(app_args: list[str]) -> str:
    """The shell command textual-serve runs for each tab: the launcher, exec'd so the
    app is the server's own child."""
    argv = [sys.executable, "-m", "tui_backprop.web.launch", str(os.getpid()), *app_args]
    return "exec " + shlex.join(argv)


class AppServer(Server):
    """Serves ``backprop-tui APP_ARGS``, one process per tab."""

    def __init__(self, app_args: list[str], host: str, port: int, token: str | None) -> None:
        """``token`` None serves without one (``--no-token``)."""
        super().__init__(
            app_command(app_args), host=host, port=port, title=PROG, templates_path=TEMPLATES
        )
        self.access = access.Access(access.AllowList(host, port), token)

    async def _make_app(self) -> web.Application:
        """textual-serve's routes behind the access checks (``web/access.py``)."""
        app = await super()._make_app()
        app.middlewares.append(self.access.middleware)
        return app

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        size = request.query.get("fontsize", "16")
        return {"font_size": int(size) if size.isdigit() else 16}

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Refuse a page from another site: any page a browser shows could otherwise
        open an app on this server (textual-serve checks no origin)."""
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.host}":
            raise web.HTTPForbidden(text="a page from another site may not open an app\n")
        return await super().handle_websocket(request)

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: the address is announced once the server listens."""

    async def on_shutdown(self, app: web.Application) -> None:
        processes.end_groups(processes.children(os.getpid()), STOP_GRACE)

    def announce(self, *_: object) -> None:
        """The addresses to open, one per line, each with the token."""
        query = f"?token={self.access.token}" if self.access.token else ""
        lines = [f"    {url}{query}" for url in addresses.urls(self.host, self.port)]
        head = f"{PROG}: serving (each browser tab is its own run; Ctrl-C stops) on"
        print(head, *lines, sep="\n", flush=True)

    def run(self) -> None:
        """Serve until SIGINT or SIGTERM, then end every app and return."""
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            loop=loop,
            handle_signals=False,
            shutdown_timeout=HANDLER_TIMEOUT,
            print=self.announce,  # called once the server listens
        )


def serve(app_args: list[str], host: str, port: int, token: bool = True) -> int:
    """Serve the app with these arguments until stopped; the exit status. Without a
    token (``--no-token``, which the command line allows on loopback only) anyone on
    this machine can open the app, and a warning says so."""
    if not addresses.is_loopback(host) and addresses.resolve(host):  # else: the error
        warn(f"on {addresses.url_host(host)}, anyone with the address can open a run")
    if not token:
        warn("--no-token: anyone on this machine can open a run")
    try:
        AppServer(app_args, host, port, access.new_token() if token else None).run()
    except OSError as err:  # the port is taken, the address is not this machine's
        print(f"{PROG}: error: cannot serve on {host}:{port}: {err.strerror}", file=sys.stderr)
        return EXIT_FAILURE
    return 0


def warn(text: str) -> None:
    print(f"{PROG}: warning: {text}", file=sys.stderr, flush=True)
