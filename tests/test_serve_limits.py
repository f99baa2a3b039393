"""``backprop-tui --serve`` against a hostile tab: the real server, an aiohttp client.

Each test is an attack that once hurt: a huge terminal, megabytes of keys, more tabs
than the machine holds, bad figures in an address, a flood of silent connections under
a low open-file limit, a plain GET of the websocket, an app killed under its tab, a
run too big for a served app's memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import socket
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import SIZE, app_of, settings_refusal
from tests.serving import (
    Served,
    first_screen,
    refusal,
    screen_size,
    serving,
    wait_gone,
    ws_connect,
)
from tui_backprop.cli import serve_split
from tui_backprop.web import launch, limits

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")

FIRST_FRAME = 2000  # bytes of a first frame, not just the start of one


@asynccontextmanager
async def tab(served: Served, query: str = "width=100&height=30") -> AsyncIterator[Any]:
    """A tab whose app has drawn its first screen."""
    async with aiohttp.ClientSession() as session, ws_connect(session, served, query) as ws:
        drawn = 0
        while drawn < FIRST_FRAME:
            message = await ws.receive(timeout=30)
            assert message.type == aiohttp.WSMsgType.BINARY, message
            drawn += len(message.data)
        yield ws


def environment(pid: int) -> dict[str, str]:
    raw = (Path("/proc") / str(pid) / "environ").read_bytes().split(b"\0")
    pairs = (item.decode().partition("=") for item in raw if item)
    return {name: value for name, _, value in pairs}


def resident_mb(pid: int) -> float:
    for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def closed_within(ws: Any, seconds: float) -> float:
    """Seconds until the server closes ``ws`` (frames before it are read and dropped)."""
    started = time.monotonic()
    while True:
        left = seconds - (time.monotonic() - started)
        assert left > 0, f"the websocket is still open after {seconds} s"
        message = await ws.receive(timeout=left)
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            return time.monotonic() - started


async def get(served: Served, path: str) -> tuple[int, str]:
    timeout = aiohttp.ClientTimeout(total=10)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(served.address(path), headers={"Origin": served.origin}) as response,
    ):
        return response.status, await response.text()


# -- bounded per tab ------------------------------------------------------------------


async def test_a_huge_terminal_is_clamped_in_the_address_and_in_every_resize() -> None:
    with serving() as served:
        query = "width=100000&height=100000"
        async with aiohttp.ClientSession() as session, ws_connect(session, served, query) as ws:
            columns, rows = screen_size(await first_screen(ws))
            assert rows == 200 and 250 < columns <= 500  # 500 wide: panes start past 250
            app = served.apps()[0]
            before = resident_mb(app)
            for _ in range(3):
                await ws.send_str(json.dumps(["resize", {"width": 10**5, "height": 10**5}]))
            await asyncio.sleep(5)  # unclamped, the app grew by ~100 MB a second
            assert resident_mb(app) < before + 100, (before, resident_mb(app))


@pytest.fixture(scope="module")
def refusing() -> Iterator[Served]:
    """One server for the requests it must refuse: none of them starts an app or changes
    the server, so the cases share it; once they are done it has started nothing and
    has printed no traceback."""
    with serving() as served:
        yield served
        assert served.children() == []
    assert "Traceback" not in served.errors


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("?fontsize=²", "fontsize"),
        ("?fontsize=" + "9" * 5000, "fontsize"),
        ("ws?width=²&height=30", "width"),
        ("ws?width=100&height=-5", "height"),
        ("ws?width=" + "1" * 40, "width"),
    ],
)
async def test_a_figure_that_is_no_size_is_a_400_with_a_short_text(
    refusing: Served, path: str, says: str
) -> None:
    headers = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13"}
    headers |= {"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": refusing.origin}
    async with (
        aiohttp.ClientSession() as session,
        session.get(refusing.address(path), headers=headers) as response,
    ):
        text = await response.text()
    assert response.status == 400 and says in text and len(text) < 100, text
    assert refusing.apps() == []


async def test_a_huge_key_message_closes_the_tab_and_its_app_is_gone_within_seconds() -> None:
    with serving() as served:
        async with tab(served) as ws:
            group = served.apps()
            await ws.send_str(json.dumps(["stdin", " " * 3_000_000]))
            await closed_within(ws, 5)
        wait_gone(group, timeout=5)


async def test_queued_keys_are_bounded_and_a_closed_tab_ends_its_busy_app() -> None:
    with serving() as served:
        async with tab(served) as ws:
            group = served.apps()
            for _ in range(200):  # 200 × 4,000 spaces: an epoch each, hours of work
                await ws.send_str(json.dumps(["stdin", " " * limits.MAX_KEYS]))
            ping = json.dumps(["ping", "1"])
            await ws.send_str(ping)
            while (message := await ws.receive(timeout=10)).type != aiohttp.WSMsgType.TEXT:
                pass  # frames; the pong shows the page is still answered at once
            assert json.loads(message.data) == ["pong", "1"]
        wait_gone(group, timeout=5)


# -- the tab cap ----------------------------------------------------------------------


async def test_at_the_tab_cap_the_page_says_the_class_is_full_and_the_websocket_is_refused() -> (
    None
):
    with serving("--max-tabs", "1") as served:
        async with tab(served):
            status, page = await get(served, "")
            assert status == 503 and "The class is full" in page
            async with aiohttp.ClientSession() as session:
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    async with ws_connect(session, served):
                        pass
            assert refused.value.status == 503
            assert len(served.apps()) == 1
        deadline = time.monotonic() + 10  # the tab closed: its place is free again
        while (await get(served, ""))[0] != 200:
            assert time.monotonic() < deadline, "the closed tab's place was not freed"
            await asyncio.sleep(0.1)


def test_the_default_tab_cap_follows_cores_and_memory() -> None:
    gb = 2**30
    assert limits.default_max_tabs(cores=2, memory=16 * gb) == 2 * limits.TABS_PER_CORE
    assert limits.default_max_tabs(cores=64, memory=gb) == gb // limits.TAB_MEMORY
    assert limits.default_max_tabs(cores=1, memory=0) == 1


# -- memory per app -------------------------------------------------------------------


async def test_each_app_runs_under_the_address_space_limit_with_the_array_budget() -> None:
    with serving() as served:
        async with tab(served):
            app = served.apps()[0]
            text = (Path("/proc") / str(app) / "limits").read_text()
            row = next(line for line in text.splitlines() if line.startswith("Max address"))
            assert row.split()[3:5] == [str(limits.APP_ADDRESS_SPACE)] * 2
            budget = environment(app)[launch.BUDGET_VARIABLE]
            assert budget == str(limits.ARRAY_BUDGET)


def test_max_tabs_is_the_servers_own_flag() -> None:
    assert serve_split(["--serve", "--max-tabs", "3", "xor", "--max-tabs=2"]) == ["xor"]
    for argv, says in (
        (["--serve", "--max-tabs", "0"], "--max-tabs is a whole number from 1"),
        (["--max-tabs", "3"], "--max-tabs goes with --serve"),
    ):
        done = refusal(*argv)
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert says in done.stderr


def test_the_budget_variable_is_the_engines() -> None:
    from tui_backprop.engine import footprint

    assert launch.BUDGET_VARIABLE == footprint.BUDGET_VARIABLE


def test_a_run_too_large_for_a_served_app_is_refused_before_serving() -> None:
    done = refusal("--serve", "xor", "--layers", "3000,3000")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "this run needs about" in done.stderr, done.stderr


async def test_a_settings_change_past_the_budget_is_one_line_in_the_dialog(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(launch.BUDGET_VARIABLE, str(limits.ARRAY_BUDGET))
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        trainer = app.main.experiment.trainer
        error = await settings_refusal(pilot, app, "3000,3000")
        assert error.startswith("this run needs about") and "500 MB" in error
        assert app.main.experiment.trainer is trainer


async def test_an_app_out_of_memory_ends_alone_and_its_tab_says_so() -> None:
    # no budget: the run is let past the app's address space (unbounded, 8 GB on a step)
    env = {launch.BUDGET_VARIABLE: str(10**15)}
    with serving("xor", "--points", "50000", "--layers", "2000,2000", env=env) as served:
        async with tab(served) as ws:
            app = served.apps()
            await ws.send_str(json.dumps(["stdin", " "]))
            await closed_within(ws, 60)
            wait_gone(app, timeout=5)
        assert (await get(served, ""))[0] == 200 and served.proc.poll() is None
    ended = [line for line in served.errors.splitlines() if "ended with status" in line]
    assert len(ended) == 1 and "MemoryError" in ended[0] and len(ended[0]) < 300, served.errors


# -- the server stands ----------------------------------------------------------------


def low_open_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128))


async def test_silent_connections_past_the_open_file_limit_leave_the_server_serving() -> None:
    with serving(preexec_fn=low_open_files) as served:
        silent = []
        for _ in range(300):  # more than the server's 128 descriptors
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", served.port))
            silent.append(s)
        await asyncio.sleep(0.5)
        asked = 0  # pages asked for while the descriptors ran out: each may log a line
        try:
            deadline = time.monotonic() + 15  # a silent connection is closed after 5 s
            while True:
                asked += 1
                try:
                    if (await asyncio.wait_for(get(served, ""), 3))[0] == 200:
                        break
                except (aiohttp.ClientError, TimeoutError):
                    pass
                assert time.monotonic() < deadline, "the server stopped answering"
        finally:
            for s in silent:
                s.close()
        async with tab(served):
            assert served.proc.poll() is None
    # one line per event, the accept errors once: no flood, no traceback
    assert served.errors.count("Too many open files") <= asked + 1, served.errors
    assert served.errors.count("socket.accept()") == 1, served.errors
    assert "Traceback" not in served.errors
    assert all(len(line) < 300 for line in served.errors.splitlines()), served.errors


async def test_a_plain_get_of_the_websocket_is_a_400_and_one_log_line() -> None:
    with serving() as served:
        for _ in range(5):
            status, text = await get(served, "ws")
            assert status == 400 and len(text) < 100
    lines = [line for line in served.errors.splitlines() if "/ws" in line]
    assert len(lines) == 5 and all(len(line) < 200 for line in lines), served.errors
    assert len(served.errors) < 2000


async def test_a_killed_app_closes_its_websocket_within_seconds() -> None:
    with serving() as served:
        async with tab(served) as ws:
            app = served.apps()[0]
            os.kill(app, signal.SIGKILL)
            assert await closed_within(ws, 5) < 5
            wait_gone([app], timeout=5)
        async with tab(served):  # the server goes on
            pass


async def test_a_reload_in_a_full_class_gets_its_place_back() -> None:
    """A student reloading their tab in a full class was told the class is full: the new
    page came while the old tab was still closing. A page waits a moment for a place."""
    with serving("--max-tabs", "1") as served:
        async with tab(served) as ws:
            closing = asyncio.create_task(ws.close())  # the old page goes as the new one comes
            status, page = await get(served, "")
            await closing
        assert status == 200 and "The class is full" not in page
