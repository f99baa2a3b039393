"""Who may use the server: a token in the printed address, the ``Host`` a request names,
and the ``Origin`` of a websocket. One aiohttp middleware checks all three, in that
order, before any handler runs, so a refused request never starts an app.

- **Host.** Every request must name one of the server's own addresses with its port
  (``AllowList``), or the proxy's public address when one was given
  (``behind_proxy``). A web page whose name was rebound to this machine (DNS rebinding)
  sends its own name, and is refused.
- **Origin.** A websocket must come from a page of one of those same addresses; a
  client that sends no ``Origin`` is refused too.
- **Token.** The page (``/``), the websocket (``/ws``) and downloads need the token,
  given as ``?token=`` or by the cookie the page sets when it is opened with it
  (HttpOnly, SameSite=Strict, path /, named with the port since cookies ignore ports).
  The page is answered where it was asked, not redirected: a SameSite=Strict cookie is
  not sent on a redirect that follows a link from another site, so a student who
  clicked the address in a course page would be refused. The page's own script takes
  the token out of the address bar instead. ``/static`` (xterm.js, fonts) is public.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Awaitable, Callable

from aiohttp import hdrs, web
from yarl import URL

from tui_backprop.web import addresses

# No look-alike characters (0 O 1 l i): the address is often read off a projector.
TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOKEN_LENGTH = 16  # 31**16 ≈ 2**79: no guessing it over a network
PUBLIC, WEBSOCKET = "static", "websocket"  # textual-serve's names for those routes
# An IPv6 address only in brackets; ASCII digits only (str.isdigit takes others).
HOST_PORT = re.compile(r"(\[[0-9a-fA-F:.]+\]|[^:\[\]]+)(?::([0-9]{1,5}))?")
HTTP_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

NO_TOKEN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>backprop-tui: token needed</title></head>
<body style="font: 18px sans-serif; margin: 3em">
<p>This address needs the token the server printed.</p>
<p>Open the whole address it printed, the part after <code>?token=</code> included.</p>
</body></html>
"""


def new_token() -> str:
    """A random token from ``secrets``, four groups of four for reading aloud."""
    chars = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    return "-".join(chars[i : i + 4] for i in range(0, TOKEN_LENGTH, 4))


def same_token(given: str | None, token: str) -> bool:
    """Constant-time comparison (bytes: any text a client sends compares safely)."""
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def split_host(text: str, default_port: int) -> tuple[str, int] | None:
    """``host[:port]`` (``[v6]:port`` for IPv6) as a canonical host and a port; None if
    it is not one."""
    found = HOST_PORT.fullmatch(text)
    if found is None:
        return None
    host, port = found.group(1), found.group(2)
    if host.startswith("[") and addresses.address(host) is None:
        return None
    return addresses.canonical(host), int(port) if port else default_port


class AllowList:
    """The host and port pairs a request may name: the server's addresses, the name
    ``--host`` gave, ``localhost`` on loopback, the machine's own names and addresses
    for a wildcard."""

    def __init__(self, host: str, port: int, public: tuple[str, int] | None = None) -> None:
        """``public``: a proxy's host and port the server answers to as well
        (``--public-url``)."""
        self.public = public
        names = {str(ip) for ip in addresses.listening(host)}
        if addresses.is_wildcard(host):  # no page may name 0.0.0.0: it is no address
            names.update([addresses.LOCALHOST, *addresses.machine_names()])
        else:
            names.add(host)
        if addresses.is_loopback(host):
            names.add(addresses.LOCALHOST)
        self.port = port
        self.hosts = frozenset(addresses.canonical(name) for name in names)

    def allows(self, host: str, port: int) -> bool:
        return (port == self.port and host in self.hosts) or (host, port) == self.public

    def allows_header(self, value: str | None, default_port: int) -> bool:
        """Whether a ``Host`` header's value names this server."""
        found = split_host(value, default_port) if value else None
        return found is not None and self.allows(*found)

    def allows_origin(self, value: str | None) -> bool:
        """Whether an ``Origin`` is a page of this server (``null`` or none is not)."""
        if not value:
            return False
        try:
            url = URL(value)
        except ValueError:
            return False
        default = HTTP_PORTS.get(url.scheme)
        if default is None or url.raw_host is None:
            return False
        return self.allows_header(url.raw_authority, default)


class Access:
    """The server's access rules: an allow-list and a token (None: no token asked)."""

    def __init__(self, allowed: AllowList, token: str | None) -> None:
        self.allowed, self.token = allowed, token
        self.cookie = f"backprop-tui-{allowed.port}"

    def refusal(self, request: web.Request) -> web.HTTPException | None:
        """Why ``request`` may not go on, or None if it may."""
        default = HTTP_PORTS.get(request.scheme, 80)
        if not self.allowed.allows_header(request.headers.get(hdrs.HOST), default):
            return web.HTTPForbidden(text="this server answers only to its own addresses\n")
        route = request.match_info.route.name  # the route matched, whatever the spelling
        upgrade = request.headers.get(hdrs.UPGRADE, "").lower() == "websocket"
        if (upgrade or route == WEBSOCKET) and not self.allowed.allows_origin(
            request.headers.get(hdrs.ORIGIN)
        ):
            return web.HTTPForbidden(text="only this server's own page may open an app\n")
        if self.token is None or route == PUBLIC or self.has_token(request):
            return None
        return web.HTTPForbidden(text=NO_TOKEN_PAGE, content_type="text/html")

    def has_token(self, request: web.Request) -> bool:
        assert self.token is not None
        return same_token(request.query.get("token"), self.token) or same_token(
            request.cookies.get(self.cookie), self.token
        )

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        refused = self.refusal(request)
        if refused is not None:
            raise refused
        response = await handler(request)
        if self.token and self.remember(request) and not response.prepared:
            response.set_cookie(self.cookie, self.token, path="/", httponly=True, samesite="Strict")
        return response

    def remember(self, request: web.Request) -> bool:
        """A token given in the address, not yet in the cookie: set the cookie."""
        assert self.token is not None
        given = request.query.get("token")
        return same_token(given, self.token) and request.cookies.get(self.cookie) != given
