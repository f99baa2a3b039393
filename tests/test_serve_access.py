"""Who may open an app on ``backprop-tui --serve``: the token in the printed address
(or its cookie), a ``Host`` among the server's own addresses, a websocket ``Origin``
from its own page, and the addresses it prints. Against the real server, with aiohttp
as the client; a refusal must leave no app started."""

from __future__ import annotations

import ipaddress
import signal
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.serving import Served, refusal, serving, ws_connect
from tui_backprop.web import access, addresses

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")

NOT_HERE = "evil.example"  # a name an attacker rebinds to 127.0.0.1


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """One server for the refusals: no test using it starts an app, and once they are
    done it has started nothing, not even its app forker (``--ready-tabs 0``)."""
    with serving() as served:
        yield served
        assert served.children() == []


def jar() -> aiohttp.CookieJar:
    return aiohttp.CookieJar(unsafe=True)  # aiohttp keeps no cookie of an IP otherwise


async def first_frame(ws: aiohttp.ClientWebSocketResponse) -> None:
    message = await ws.receive(timeout=30)
    assert message.type == aiohttp.WSMsgType.BINARY, message


async def refused_ws(served: Served, **kwargs: object) -> int:
    """The status a websocket handshake is refused with; fails if it opened."""
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            async with ws_connect(session, served, **kwargs):  # type: ignore[arg-type]
                pass
    return refused.value.status


async def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, await response.text()


@pytest.mark.parametrize("host", [f"{NOT_HERE}:{{port}}", "127.0.0.1:1", "127.0.0.1"])
async def test_a_rebound_name_is_refused_before_any_app_starts(served: Served, host: str) -> None:
    forged = host.format(port=served.port)
    status = await refused_ws(served, headers={"Host": forged, "Origin": f"http://{forged}"})
    assert status == 403
    assert (await get(served.url, {"Host": forged}))[0] == 403
    assert served.apps() == []


async def test_localhost_names_a_loopback_server(served: Served) -> None:
    status, page = await get(served.url, {"Host": f"LocalHost.:{served.port}"})
    assert status == 200 and "textual-terminal" in page


@pytest.mark.parametrize(
    "origin", [None, "null", f"http://{NOT_HERE}", "http://127.0.0.1", "file://", "http://[::"]
)
async def test_a_websocket_from_no_page_or_another_site_is_refused(
    served: Served, origin: str | None
) -> None:
    assert await refused_ws(served, headers={"Origin": origin}) == 403
    assert served.apps() == []


@pytest.mark.parametrize("token", [None, "", "wrong", "é", "{token}x"])
async def test_without_the_right_token_page_websocket_and_downloads_are_refused(
    served: Served, token: str | None
) -> None:
    query = "" if token is None else f"?token={token.format(token=served.token)}"
    status, page = await get(f"{served.base}/{query}")
    assert status == 403 and "needs the token the server printed" in page
    assert (await get(f"{served.base}/download/some-key{query}"))[0] == 403
    assert await refused_ws(served, query=f"width=80&height=24&{query[1:]}", token=False) == 403
    assert served.apps() == []


async def test_downloads_pass_with_the_token_and_static_files_need_none(served: Served) -> None:
    assert (await get(f"{served.base}/download/no-such-key?token={served.token}"))[0] == 404
    assert (await get(f"{served.base}/static/js/textual.js"))[0] == 200


async def test_the_token_sets_a_cookie_that_opens_the_page_and_a_tab_alone() -> None:
    with serving() as served:
        async with aiohttp.ClientSession(cookie_jar=jar()) as session:
            async with session.get(served.url) as response:
                assert response.status == 200
                cookie = response.cookies[f"backprop-tui-{served.port}"]
            assert cookie.value == served.token
            assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
            async with session.get(f"{served.base}/") as again:  # a reload, no token
                assert again.status == 200 and "textual-terminal" in await again.text()
                assert f"backprop-tui-{served.port}" not in again.cookies  # no new cookie
            async with ws_connect(session, served, token=False) as ws:
                await first_frame(ws)
                assert len(served.apps()) == 1


async def test_no_token_serves_loopback_without_one_and_says_so() -> None:
    with serving("--no-token") as served:
        assert served.token is None and served.urls == [f"{served.base}/"]
        assert (await get(served.url))[0] == 200
        async with aiohttp.ClientSession() as session, ws_connect(session, served) as ws:
            await first_frame(ws)
        assert await refused_ws(served, headers={"Origin": None}) == 403  # the rest still holds
        served.proc.send_signal(signal.SIGTERM)
        _, err = served.proc.communicate(timeout=10)
    assert "backprop-tui: warning: --no-token: anyone on this machine can open a run\n" in err


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--serve", "--no-token", "--host", "0.0.0.0"], "--no-token is for a loopback --host"),
        (["--no-token"], "--no-token goes with --serve"),
    ],
)
def test_no_token_off_loopback_is_refused_in_one_line(args: list[str], problem: str) -> None:
    done = refusal(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and problem in done.stderr, done.stderr


def routed_ipv4() -> str | None:
    """The address this machine's default route leaves from, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        found = probe.getsockname()[0]
    return None if ipaddress.ip_address(found).is_loopback else str(found)


async def test_a_wildcard_prints_each_lan_address_with_the_token_and_each_works() -> None:
    lan = routed_ipv4()
    if lan is None:
        pytest.skip("this machine has no network address but loopback")
    with serving(host_args=("--host", "0.0.0.0")) as served:
        hosts = [urlsplit(url).hostname for url in served.urls]
        assert lan in hosts and "0.0.0.0" not in hosts and "127.0.0.1" not in hosts
        for url in served.urls:
            assert url.endswith(f":{served.port}/?token={served.token}")
            status, page = await get(url)
            assert status == 200 and "textual-terminal" in page, url
        forged = {"Host": f"{NOT_HERE}:{served.port}"}
        assert (await get(served.urls[0], forged))[0] == 403


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback here")
async def test_an_ipv6_address_is_printed_in_brackets_and_works() -> None:
    with serving(host_args=("--host", "::1")) as served:
        assert served.urls == [f"http://[::1]:{served.port}/?token={served.token}"]
        assert (await get(served.urls[0]))[0] == 200
        served.proc.send_signal(signal.SIGTERM)
        _, err = served.proc.communicate(timeout=10)
    assert "warning" not in err


def test_any_spelling_of_loopback_is_loopback_and_printed_as_browsers_write_it() -> None:
    with serving(host_args=("--host", "127.1")) as served:
        assert served.urls == [f"http://127.0.0.1:{served.port}/?token={served.token}"]
        served.proc.send_signal(signal.SIGTERM)
        _, err = served.proc.communicate(timeout=10)
    assert "warning" not in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("127.1:8000", ("127.0.0.1", 8000)),
        ("0x7f.0.0.1", ("127.0.0.1", 80)),
        ("[0:0:0:0:0:0:0:1]:8000", ("::1", 8000)),
        ("LocalHost.:8000", ("localhost", 8000)),
        ("[::1]x", None),
        ("::1:8000", None),  # an IPv6 address without brackets
        ("host:80x", None),
        ("host:٨٠", None),  # Arabic-Indic digits are digits to str.isdigit
        (":8000", None),
    ],
)
def test_a_host_header_is_read_in_one_spelling(text: str, expected: tuple[str, int] | None) -> None:
    assert access.split_host(text, 80) == expected


def test_tokens_are_random_and_readable() -> None:
    tokens = {access.new_token() for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        groups = token.split("-")
        assert [len(group) for group in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set(access.TOKEN_ALPHABET)


@pytest.mark.parametrize("wildcard", ["0.0.0.0", "::"])
def test_a_wildcard_allows_the_machines_addresses_and_nothing_else(wildcard: str) -> None:
    allowed = access.AllowList(wildcard, 8000)
    assert addresses.listening(wildcard)
    for ip in addresses.listening(wildcard):
        assert allowed.allows(str(ip), 8000)
        assert not allowed.allows(str(ip), 8001)
    assert allowed.allows("localhost", 8000)
    assert allowed.allows(addresses.canonical(socket.gethostname()), 8000)
    for other in (NOT_HERE, addresses.canonical(wildcard)):
        assert not allowed.allows(other, 8000)
