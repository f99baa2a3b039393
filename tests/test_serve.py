"""``backprop-tui --serve`` as the real command, without a browser: its flags, what it
prints, and how it ends the apps it started (a tab is opened with a websocket client, as
the page's script does). Who may open an app: test_serve_access.py."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from tests.serving import (
    ROOT,
    Served,
    first_screen,
    refusal,
    screen_text,
    serving,
    wait_gone,
    ws_connect,
)
from tui_backprop.cli import serve_split
from tui_backprop.web import processes

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")


@asynccontextmanager
async def tab(served: Served) -> AsyncIterator[object]:
    """A browser tab's websocket to the server, once its app has drawn a first screen."""
    async with aiohttp.ClientSession() as session, ws_connect(session, served) as ws:
        drawn = 0
        while drawn < 2000:  # bytes of a first frame, not just the start of one
            message = await ws.receive(timeout=30)
            assert message.type == aiohttp.WSMsgType.BINARY, message
            drawn += len(message.data)
        yield ws


async def playing_tab_groups(served: Served, ws: object) -> list[int]:
    """Start the run playing and wait for its training process (one more process in the
    app's group); the process groups of the app and of the app forker (each leads its
    own), which the server must end."""
    apps = served.apps()
    assert len(apps) == 1
    before = len(processes.members(apps[0]))
    await ws.send_str(json.dumps(["stdin", "p"]))  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while len(processes.members(apps[0])) == before:
        assert time.monotonic() < deadline, "no training process started"
        await asyncio.sleep(0.02)
    return [*apps, served.forker()]


def run_cli(*args: str, hide: str = "") -> subprocess.CompletedProcess[str]:
    code = (
        f"import sys\nfor name in {hide.split()!r}: sys.modules[name] = None\n"
        "from tui_backprop.cli import main\nraise SystemExit(main(sys.argv[1:]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_without_textual_serve_it_exits_2_with_the_install_command() -> None:
    done = run_cli("--serve", hide="textual_serve")
    assert done.returncode == 2
    assert done.stderr == (
        "backprop-tui: error: --serve needs textual-serve: pip install 'backprop-tui[web]'\n"
    )


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--serve", "no-such.csv"], "no-such.csv: no such file"),
        (["--serve", "--layers", "0"], "--layers"),
        (["--serve", "--headless"], "--serve cannot be used with --headless"),
        (["--serve", "--log", "x.csv"], "--serve cannot be used with --log"),
        (["--port", "8000"], "--host and --port go with --serve"),
        (["--serve", "--port", "70000"], "from 1 to 65535"),
    ],
)
def test_a_bad_flag_is_one_line_before_anything_is_served(args: list[str], problem: str) -> None:
    done = refusal(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and problem in done.stderr, done.stderr


def test_each_app_gets_every_flag_but_the_servers_own() -> None:
    argv = ["--serve", "spiral", "--port", "9000", "--layers", "8,8", "--host=::1", "--no-token"]
    argv += ["--data-dir", "class", "--lr", "0.3"]
    assert serve_split(argv) == ["spiral", "--layers", "8,8", "--lr", "0.3"]


async def test_it_prints_the_url_and_serves_the_experiment_given() -> None:
    """On loopback, without a warning."""
    with serving("xor", "--layers", "3") as served:
        assert served.printed == (
            "backprop-tui: serving (each browser tab is its own run; Ctrl-C stops) on\n"
            f"    {served.url}\n"
        )
        async with aiohttp.ClientSession() as session, ws_connect(session, served) as ws:
            text = screen_text(await first_screen(ws))
        assert "xor 200×2" in text and "2-3-1" in text, text
    assert "warning" not in served.errors


async def test_a_lesson_is_served_to_every_tab() -> None:
    with serving("--lesson", "xor") as served:
        async with aiohttp.ClientSession() as session:
            for _ in range(2):
                async with ws_connect(session, served) as ws:
                    text = screen_text(await first_screen(ws))
                assert "Lesson" in text and "xor" in text, text


def test_another_host_than_loopback_warns_that_anyone_there_can_open_it() -> None:
    with serving(host_args=("--host", "0.0.0.0")) as served:
        served.proc.send_signal(signal.SIGTERM)
        _, err = served.proc.communicate(timeout=10)
    assert "backprop-tui: warning: on 0.0.0.0, anyone with the address can open a run\n" in err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_ends_the_server_and_its_apps_within_2_seconds(signum: int) -> None:
    with serving() as served:
        async with tab(served) as ws:
            groups = await playing_tab_groups(served, ws)
            started = time.monotonic()
            served.proc.send_signal(signum)
            served.proc.wait(timeout=2)
            wait_gone(groups, timeout=2 - (time.monotonic() - started))
    assert served.proc.returncode == 0


async def test_a_server_killed_outright_leaves_no_app_running() -> None:
    with serving() as served:
        async with tab(served) as ws:
            groups = await playing_tab_groups(served, ws)
            served.proc.kill()
            served.proc.wait(timeout=2)
            wait_gone(groups, timeout=5)


@pytest.mark.parametrize("args", [["--help"], ["xor", "--headless", "--epochs", "1"]])
def test_only_serve_loads_the_web_modules(args: list[str]) -> None:
    code = (
        "import sys, contextlib\nfrom tui_backprop.cli import main\n"
        f"with contextlib.suppress(SystemExit): main({args!r})\n"
        "print(' '.join(sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    loaded = {name.split(".")[0] for name in done.stderr.split()}
    assert "tui_backprop" in loaded  # the names were printed
    assert {"textual_serve", "aiohttp", "jinja2"}.isdisjoint(loaded)
    assert "tui_backprop.web" not in done.stderr.split()
