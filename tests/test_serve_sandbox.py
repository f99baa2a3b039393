"""A served tab writes nothing on the server: the real ``backprop-tui --serve``, a tab
opened with a websocket client as the page does, its saves fetched as the page fetches
them; and the command line's refusals of every output path before anything is served."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from tests.serving import Served, http_get, serving, ws_connect
from tests.test_serve import run_cli
from tui_backprop.engine.weights_io import load_weights

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")

FIRST_FRAME = 2000  # bytes of a first frame, not just the start of one


async def drawn(ws: Any) -> None:
    """Wait for the tab's first frame."""
    got = 0
    while got < FIRST_FRAME:
        message = await ws.receive(timeout=30)
        assert message.type == aiohttp.WSMsgType.BINARY, message
        got += len(message.data)


async def shown(ws: Any, text: str) -> None:
    """Wait until the tab's frames write ``text`` (in one run of characters)."""
    screen = b""
    while text.encode() not in screen:
        message = await ws.receive(timeout=30)
        if message.type == aiohttp.WSMsgType.BINARY:
            screen += message.data


async def type_keys(ws: Any, keys: str) -> None:
    await ws.send_str(json.dumps(["stdin", keys]))


async def delivery_key(ws: Any) -> str:
    """The key of the next file the app delivers, as the page hears of it."""
    while True:
        message = await ws.receive(timeout=30)
        assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
        if message.type == aiohttp.WSMsgType.TEXT:
            kind, *rest = json.loads(message.data)
            if kind == "deliver_file_start":
                return str(rest[0])


async def fetched(session: Any, served: Served, ws: Any, key: str) -> tuple[str, bytes]:
    """The delivered file as the page downloads it: its Content-Disposition and bytes.
    The tab's websocket is read meanwhile, as the page reads it: the file comes through
    the app's output, which an unread websocket holds up (a large one then breaks off)."""
    reading = asyncio.create_task(_read_all(ws))
    try:
        async with http_get(session, served, f"/download/{key}") as response:
            assert response.status == 200
            return response.headers["Content-Disposition"], await response.read()
    finally:
        reading.cancel()


async def _read_all(ws: Any) -> None:
    while not ws.closed:
        await ws.receive()


async def test_a_save_is_a_browser_download_and_nothing_is_written(tmp_path: Path) -> None:
    work, out = tmp_path / "server", tmp_path / "browser"
    work.mkdir()
    out.mkdir()
    with serving("xor", "--layers", "3", cwd=work) as served:
        async with aiohttp.ClientSession() as session, ws_connect(session, served) as ws:
            await drawn(ws)
            await type_keys(ws, " s")
            weights_key, metrics_key = await delivery_key(ws), await delivery_key(ws)
            disposition, npz = await fetched(session, served, ws, weights_key)
            _, metrics = await fetched(session, served, ws, metrics_key)
    assert disposition == "attachment; filename=xor-epoch0-weights.npz"
    (out / "w.npz").write_bytes(npz)
    params, _ = load_weights(out / "w.npz")
    assert [w.shape for w in params.weights] == [(2, 3), (3, 1)]
    assert metrics.decode().splitlines()[0].startswith("epoch,")
    assert len(metrics.decode().splitlines()) == 2  # the header and epoch 0
    assert list(work.iterdir()) == []  # nothing in the server's working folder


async def test_textuals_own_screenshot_goes_to_the_browser_too(tmp_path: Path) -> None:
    with serving(cwd=tmp_path) as served:
        async with aiohttp.ClientSession() as session, ws_connect(session, served) as ws:
            await drawn(ws)
            await type_keys(ws, "\x10")  # ctrl+p: the command palette
            await shown(ws, "Search for commands")
            await type_keys(ws, "Screenshot")
            await shown(ws, "Save an SVG")  # the entry's help: the search found it
            await type_keys(ws, "\r")
            disposition, svg = await fetched(session, served, ws, await delivery_key(ws))
    assert disposition.startswith("inline; filename=") and svg.startswith(b"<svg")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("setup", "problem"),
    [
        ('log = "shared-log.csv"', "x.toml: log names a file to write"),
        ('save-weights = "w.npz"', "x.toml: save-weights names a file to write"),
    ],
)
def test_serve_refuses_an_output_path_from_a_setup_file(
    tmp_path: Path, setup: str, problem: str
) -> None:
    config = tmp_path / "x.toml"
    config.write_text(f'dataset = "xor"\n{setup}\n', encoding="utf-8")
    done = run_cli("--serve", "--config", str(config))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and problem in done.stderr, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.toml"]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--serve", "--save-weights", "w.npz"], "--serve cannot be used with --save-weights"),
        (["--data-dir", "."], "--data-dir goes with --serve"),
        (["--serve", "--data-dir", "no-such-folder"], "--data-dir: no-such-folder: not a folder"),
    ],
)
def test_serve_flags_are_checked_before_anything_is_served(args: list[str], problem: str) -> None:
    done = run_cli(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and problem in done.stderr, done.stderr


def test_a_lesson_cannot_name_an_output_either(tmp_path: Path) -> None:
    lesson = tmp_path / "l.toml"
    lesson.write_text(
        'title = "t"\n[experiment]\ndataset = "xor"\nlog = "x.csv"\n[[step]]\ntext = "a"\n',
        encoding="utf-8",
    )
    done = run_cli("--serve", "--lesson", str(lesson))
    assert done.returncode == 2 and "unknown experiment key 'log'" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.toml"]


def test_in_chromium_a_save_lands_in_the_browsers_downloads(tmp_path: Path) -> None:
    browser_test = pytest.importorskip("tests.test_serve_browser")
    if not browser_test.CHROMIUM.exists():
        pytest.skip(f"no Chromium at {browser_test.CHROMIUM}")
    work = tmp_path / "server"
    work.mkdir()
    sync_api = browser_test.sync_api
    with (
        serving("xor", "--layers", "3", cwd=work) as served,
        sync_api.sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=str(browser_test.CHROMIUM), args=[browser_test.OFFLINE]
        )
        tab = browser_test.Tab(browser.new_context(accept_downloads=True).new_page())
        tab.open(served.url)
        tab.press(" ")
        tab.wait(lambda t: t.epoch() == 0, "epoch 0")
        downloads: list[Any] = []  # s saves the weights and the log: two, in either order
        # a lambda: Playwright takes a Python function, not a builtin method
        tab.page.on("download", lambda download: downloads.append(download))
        tab.press("s")
        tab.wait(lambda _: len(downloads) == 2, "two downloads")
        names = {download.suggested_filename: download for download in downloads}
        assert sorted(names) == ["xor-epoch0-metrics.csv", "xor-epoch0-weights.npz"]
        saved = tmp_path / "xor-epoch0-weights.npz"
        names[saved.name].save_as(saved)
        browser.close()
    params, _ = load_weights(saved)
    assert [w.shape for w in params.weights] == [(2, 3), (3, 1)]
    assert list(work.iterdir()) == []
