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

from tui_backprop.machine import available_memory, usable_cores
from tui_backprop.web import (
    access,
    addresses,
    forked_apps,
    limits,
    page_script,
    processes,
    server_log,
)
from tui_backprop.web.behind_proxy import PublicUrl
from tui_backprop.web.server_log import log
from tui_backprop.web.tab import Tab

TEMPLATES = Path(__file__).resolve().parent / "templates"
STOP_GRACE = 0.5  # seconds an app has to quit before its group is killed
HANDLER_TIMEOUT = 0.5  # seconds open websockets get to close on a stop
HEARTBEAT = 15.0  # seconds between pings that find a websocket whose browser vanished
# seconds a tab past the cap waits for a place: a reload's new page comes while its old
# tab is still closing (well under a second), and found a full class
RELOAD_GRACE = 2.0
IDLE_TIMEOUT = 5.0  # seconds a connection may send nothing (aiohttp's keep-alive timeout)
EXIT_FAILURE = 1
PROG = "backprop-tui"


def app_command(app_args: list[str]) -> str:
    """The shell command textual-serve runs for each tab: the launcher, exec'd so the
    app is the server's own child."""
    argv = [sys.executable, "-m", "tui_backprop.web.launch", str(os.getpid()), *app_args]
    return "exec " + shlex.join(argv)


class AppServer(Server):
    """Serves ``backprop-tui APP_ARGS``, one process per tab."""

    max_tabs = 1  # set by ``serve``
    ready_tabs = 0  # apps kept ready ahead of their tabs, at most; set by ``serve``
    tabs = 0  # tabs with an app now

    def __init__(
        self,
        app_args: list[str],
        host: str,
        port: int,
        token: str | None,
        public: PublicUrl | None = None,
    ) -> None:
        """``token`` None serves without one (``--no-token``); ``public``: the address
        of a proxy in front (``--public-url``)."""
        super().__init__(
            app_command(app_args), host=host, port=port, title=PROG, templates_path=TEMPLATES
        )
        front = None if public is None else (public.host, public.port)
        self.access = access.Access(access.AllowList(host, port, front), token)
        self.public = public
        self.app_args = app_args
        self.forker = forked_apps.AppForker()
        self._reaper: asyncio.Task[None] | None = None

    async def _make_app(self) -> web.Application:
        """textual-serve's routes behind the access checks (``web/access.py``). Private:
        textual-serve builds its application here and offers no public hook to add a
        route or a middleware."""
        app = await super()._make_app()
        app.router.add_get(page_script.PATH, self.handle_script, name="script")
        app.middlewares.append(self.access.middleware)
        return app

    async def handle_script(self, request: web.Request) -> web.Response:
        """textual.js with the WebGL or DOM renderer (``page_script``)."""
        return web.Response(body=page_script.page_script(), content_type="text/javascript")

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any] | web.Response:
        """The page, or the "class full" page (503) at the tab cap; a font size that is
        not a number is a 400."""
        try:
            font_size = limits.query_font_size(request.query)
        except limits.BadQuery as err:
            raise web.HTTPBadRequest(text=f"{err}\n") from None
        if not await self._room():
            context = {"tabs": self.tabs}
            return aiohttp_jinja2.render_template("class_full.html", request, context, status=503)
        return {"font_size": font_size}

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Start a tab's app and carry it until either side ends (``tab.Tab``). Refused
        before any app starts: a request the access checks turned away (a page from
        another site, no token), a request that is no websocket, figures that are not
        sizes (400), a tab past the cap (503)."""
        websocket = web.WebSocketResponse(
            heartbeat=HEARTBEAT, max_msg_size=limits.MAX_MESSAGE_BYTES
        )
        if not websocket.can_prepare(request).ok:
            log.warning("%s asked for /ws without a websocket upgrade: 400", request.remote)
            raise web.HTTPBadRequest(text="/ws is the page's websocket: open / in a browser\n")
        try:
            width, height = limits.query_size(request.query)
        except limits.BadQuery as err:
            raise web.HTTPBadRequest(text=f"{err}\n") from None
        if not await self._room():
            log.warning("a tab was refused: %d of %d open (--max-tabs)", self.tabs, self.max_tabs)
            raise web.HTTPServiceUnavailable(text="the class is full: try again later\n")
        self.tabs += 1
        try:
            await self._run_tab(request, websocket, width, height)
        finally:
            self.tabs -= 1
            self.keep_ready()
        return websocket

    async def _room(self) -> bool:
        """Whether another tab may open now, or within ``RELOAD_GRACE`` once a closing
        tab has ended."""
        deadline = asyncio.get_running_loop().time() + RELOAD_GRACE
        while self.tabs >= self.max_tabs:
            if asyncio.get_running_loop().time() >= deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    def keep_ready(self) -> None:
        """``ready_tabs`` apps ready ahead of their tabs (``forked_apps``), never more than
        tabs may still open: apps never outnumber the tab cap."""
        count = min(self.ready_tabs, self.max_tabs - self.tabs)
        self.forker.keep_ready(count, self.app_args)

    async def _run_tab(
        self, request: web.Request, websocket: web.WebSocketResponse, width: int, height: int
    ) -> None:
        await websocket.prepare(request)
        tab = Tab(self.command, websocket, self.download_manager, (self.forker, self.app_args))
        try:
            await tab.start(width, height)
            self.keep_ready()  # one that ended while it waited is replaced
            log.info("a tab opened: %d of %d", self.tabs, self.max_tabs)
            await tab.relay()
        except OSError as err:  # no process or pipe to be had: this tab ends, not the server
            log.error("a tab's app could not start (%s)", server_log.describe(err))
        finally:
            await tab.stop()
            await websocket.close()
            log.info("a tab ended: %d open", self.tabs - 1)

    async def on_startup(self, app: web.Application) -> None:
        """Collect ended orphans now and then and have apps ready ahead of their tabs
        (``forked_apps``); the address is announced once the server listens."""
        self._reaper = asyncio.create_task(self._reap())
        self.keep_ready()

    async def _reap(self) -> None:
        while True:
            await asyncio.sleep(forked_apps.REAP_EVERY)
            await asyncio.to_thread(forked_apps.reap)

    async def on_shutdown(self, app: web.Application) -> None:
        self.forker.close()
        if self._reaper is not None:
            self._reaper.cancel()
        processes.end_groups(processes.children(os.getpid()), STOP_GRACE)

    def announce(self, *_: object) -> None:
        """The addresses to open, one per line, each with the token."""
        query = f"?token={self.access.token}" if self.access.token else ""
        found = addresses.urls(self.host, self.port)
        if self.public is not None:  # the proxy's first: the one to hand out
            found.insert(0, str(self.public))
        lines = [f"    {url}{query}" for url in found]
        head = f"{PROG}: serving (each browser tab is its own run; Ctrl-C stops) on"
        print(head, *lines, sep="\n", flush=True)

    def initialize_logging(self) -> None:
        """One plain line per event on stderr (``server_log``)."""
        server_log.setup(self.debug)

    def run(self) -> None:
        """Serve until SIGINT or SIGTERM, then end every app and return. The open-file
        limit is raised first; an error the loop survives is one log line; a connection
        that sends nothing is closed after ``IDLE_TIMEOUT`` seconds."""
        self.initialize_logging()
        limits.raise_open_files()
        if self.ready_tabs:  # else the first tab starts it (``forked_apps``)
            self.forker.start()
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(server_log.LoopErrors())
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            loop=loop,
            handle_signals=False,
            shutdown_timeout=HANDLER_TIMEOUT,
            keepalive_timeout=IDLE_TIMEOUT,
            access_log=None,  # a line per event, not per file the page loads
            print=self.announce,  # called once the server listens
        )


def serve(
    app_args: list[str],
    host: str,
    port: int,
    token: bool | str = True,
    max_tabs: int | None = None,
    ready_tabs: int | None = None,
    public: PublicUrl | None = None,
) -> int:
    """Serve the app with these arguments until stopped, at most ``max_tabs`` tabs at
    once (``limits.default_max_tabs`` when None); the exit status. ``token``: True for
    a new one, or the one to use (``--token-file``). ``ready_tabs``: apps started
    ahead of their tabs (``forked_apps``; None: as many as ``max_tabs``; 0: none, and
    no app forker until the first tab). Without a
    token (``--no-token``, which the command line allows on loopback only) anyone on
    this machine can open the app, and a warning says so. ``public``: a proxy's
    address (``--public-url``)."""
    if not addresses.is_loopback(host) and addresses.resolve(host):  # else: the error
        warn(f"on {addresses.url_host(host)}, anyone with the address can open a run")
    if not token:
        warn("--no-token: anyone on this machine can open a run")
    try:
        chosen = token if isinstance(token, str) else access.new_token() if token else None
        server = AppServer(app_args, host, port, chosen, public)
        server.max_tabs = max_tabs or limits.default_max_tabs(usable_cores(), available_memory())
        server.ready_tabs = server.max_tabs if ready_tabs is None else ready_tabs
        server.run()
    except OSError as err:  # the port is taken, the address is not this machine's
        print(f"{PROG}: error: cannot serve on {host}:{port}: {err.strerror}", file=sys.stderr)
        return EXIT_FAILURE
    return 0


def warn(text: str) -> None:
    print(f"{PROG}: warning: {text}", file=sys.stderr, flush=True)
