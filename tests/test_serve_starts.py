"""How a served tab's app starts: forked from the server's app forker (NumPy, Textual
and the app already imported; started with the first tab under ``--ready-tabs 0``,
with the server otherwise), the server's own child leading its own group, with no
training helpers until it plays; as before (a Python of its own) when the forker is
gone; ready ahead of its tab (``--ready-tabs``), then resized to the tab. The flags
for several servers behind a proxy: ``--token-file``, ``--public-url``
(the proxy itself: test_serve_proxy.py)."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from tests.serving import (
    Served,
    first_screen,
    name,
    refusal,
    screen_size,
    screen_text,
    serving,
    wait_gone,
    ws_connect,
)
from tui_backprop.web import processes
from tui_backprop.web.behind_proxy import PublicUrl, read_public_url, read_token_file

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")


def stat(pid: int) -> list[str]:
    text = (Path("/proc") / str(pid) / "stat").read_text()
    return text[text.rfind(")") + 2 :].split()


def cmdline(pid: int) -> list[bytes]:
    return (Path("/proc") / str(pid) / "cmdline").read_bytes().split(b"\0")[:-1]


async def test_a_tab_is_forked_the_servers_child_leading_its_group_and_alone_until_it_plays() -> (
    None
):
    """And with the forker gone, the next tab starts as before, a Python of its own."""
    with serving("xor") as served:  # --ready-tabs 0: no forker until a tab needs one
        assert served.children() == []
        async with aiohttp.ClientSession() as session, ws_connect(session, served) as ws:
            assert "xor 200×2" in screen_text(await first_screen(ws))
            (app,) = served.apps()
            assert cmdline(app) == cmdline(served.forker())  # forked from it, no Python started
            assert stat(app)[1:3] == [str(served.proc.pid), str(app)]  # parent, group
            assert name(app) == "backprop-tui"
            assert processes.members(app) == [app]  # no forkserver, no resource tracker
            await ws.send_str(json.dumps(["stdin", "p"]))
            deadline = time.monotonic() + 15
            while len(processes.members(app)) < 3:  # tracker, forkserver, training
                assert time.monotonic() < deadline, processes.members(app)
                await ws.receive(timeout=15)
            await ws.send_str(json.dumps(["stdin", "p"]))
        processes.end_groups([served.forker()], grace=0)
        async with aiohttp.ClientSession() as session, ws_connect(session, served) as ws:
            assert "xor 200×2" in screen_text(await first_screen(ws))
            started = [cmdline(p)[1:] for p in served.apps() if p != app]
            assert started == [[b"-m", b"tui_backprop", b"xor"]]


# -- apps ready ahead of their tabs ------------------------------------------------------


def ready_apps(served: Served, count: int) -> list[int]:
    """The server's apps once there are ``count`` of them, idle (none using the CPU
    over a tenth of a second: their screens are built)."""
    deadline = time.monotonic() + 30
    while True:
        apps = served.apps()
        ticks = [int(stat(p)[11]) + int(stat(p)[12]) for p in apps]
        time.sleep(0.1)
        if len(apps) == count and ticks == [int(stat(p)[11]) + int(stat(p)[12]) for p in apps]:
            return apps
        assert time.monotonic() < deadline, f"{len(apps)} apps ready of {count}"


async def test_a_tab_takes_a_ready_app_and_sees_it_at_its_own_size() -> None:
    with serving("xor", host_args=("--max-tabs", "2"), ready=None) as served:
        ready = ready_apps(served, 2)
        async with aiohttp.ClientSession() as session:
            async with ws_connect(session, served, "width=110&height=33") as ws:
                drawn = await first_screen(ws)
                assert screen_size(drawn)[1] == 33  # resized from the ready 80x24
                assert "xor 200×2" in screen_text(drawn)
                assert served.apps() == ready  # taken, not forked; none more: the cap is 2
            wait_gone(ready[:1], timeout=5)
            refilled = ready_apps(served, 2)  # the closed tab's place is ready again
            assert refilled[0] == ready[1] and refilled[1] not in ready


async def test_ready_apps_are_kept_below_the_cap_and_a_dead_one_is_passed_over() -> None:
    with serving("xor", host_args=("--max-tabs", "3", "--ready-tabs", "2"), ready=None) as served:
        first, second = ready_apps(served, 2)
        processes.end_groups([first], grace=0)
        wait_gone([first], timeout=5)
        async with aiohttp.ClientSession() as session, ws_connect(session, served) as ws:
            assert "xor 200×2" in screen_text(await first_screen(ws))
            apps = ready_apps(served, 3)  # the tab's (the second), two ready again
            assert first not in apps and second in apps


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_ready_apps_and_the_forker_end_with_the_server(signum: int) -> None:
    with serving(host_args=("--max-tabs", "2"), ready=None) as served:
        ready = ready_apps(served, 2)
        forker = served.forker()
        served.proc.send_signal(signum)
        served.proc.wait(timeout=5)
        wait_gone([*ready, forker], timeout=2 if signum == signal.SIGTERM else 5)


async def test_a_forker_started_by_the_first_tab_ends_with_a_server_killed_outright() -> None:
    """Without ready apps the first tab starts the forker (on the server's event loop,
    whose thread its death-with-parent follows): SIGKILL of the server ends it too."""
    with serving("xor") as served:
        assert served.children() == []
        async with aiohttp.ClientSession() as session, ws_connect(session, served) as ws:
            assert "xor 200×2" in screen_text(await first_screen(ws))
            forker = served.forker()
            served.proc.send_signal(signal.SIGKILL)
            served.proc.wait(timeout=5)
        wait_gone([forker], timeout=5)


def test_ready_tabs_is_a_whole_number_and_goes_with_serve() -> None:
    for argv, says in (
        (["--serve", "--ready-tabs", "-1"], "--ready-tabs is a whole number from 0 to 99999"),
        (["--ready-tabs", "2"], "--ready-tabs goes with --serve"),
    ):
        done = refusal(*argv)
        assert done.returncode == 2 and says in done.stderr, done.stderr


# -- several servers: one token, the proxy's address --------------------------------------


def test_a_token_file_is_written_once_for_its_owner_then_read(tmp_path: Path) -> None:
    path = tmp_path / "token"
    token = read_token_file(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_token_file(path) == token == path.read_text().strip()
    path.write_text("class-of-2026-secret-word\nignored\n")
    assert read_token_file(path) == "class-of-2026-secret-word"


@pytest.mark.parametrize("text", ["", "short", "has spaces in it though long", "é" * 20])
def test_a_token_file_without_a_token_is_one_line_before_serving(tmp_path: Path, text: str) -> None:
    path = tmp_path / "token"
    path.write_text(text)
    done = refusal("--serve", "--token-file", str(path))
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert f"--token-file: {path}: its first line must be the token" in done.stderr


@pytest.mark.parametrize(
    ("text", "public"),
    [
        ("https://class.example.org/", PublicUrl("https", "class.example.org", 443)),
        ("http://Proxy.Local:8080", PublicUrl("http", "proxy.local", 8080)),
        ("http://[::1]:81/", PublicUrl("http", "::1", 81)),
    ],
)
def test_a_public_url_is_a_scheme_a_host_and_a_port(text: str, public: PublicUrl) -> None:
    assert read_public_url(text) == public
    assert read_public_url(str(public)) == public


@pytest.mark.parametrize(
    "text", ["class.example.org", "ftp://x/", "http://x/app/", "http://x/?a=1", "http://:80/"]
)
def test_a_public_url_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="--public-url"):
        read_public_url(text)


def test_the_proxy_flags_go_with_serve_and_the_token_file_not_with_no_token() -> None:
    for argv, says in (
        (["--public-url", "http://x/"], "--token-file and --public-url go with --serve"),
        (["--serve", "--no-token", "--token-file", "t"], "cannot be used together"),
    ):
        done = refusal(*argv)
        assert done.returncode == 2 and says in done.stderr, done.stderr
