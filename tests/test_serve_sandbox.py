"""A served tab writes nothing on the server: the real ``backprop-tui --serve``, a tab
opened with a websocket client as the page does, its saves fetched as the page fetches
them; and the command line's refusals of every output path before anything is served."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.serving import Served, http_get, refusal, serving, ws_connect
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


@pytest.fixture(scope="module")
def workplace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Path]]:
    """One server for the tabs that save, started in an empty folder of its own: each
    test's tab is a run of its own, and the folder must stay empty through them all."""
    work = tmp_path_factory.mktemp("server")
    with serving("xor", "--layers", "3", cwd=work) as served:
        yield served, work


async def test_a_save_is_a_browser_download_and_nothing_is_written(
    workplace: tuple[Served, Path], tmp_path: Path
) -> None:
    served, work = workplace
    async with aiohttp.ClientSession() as session, ws_connect(session, served) as ws:
        await drawn(ws)
        await type_keys(ws, " s")
        weights_key, metrics_key = await delivery_key(ws), await delivery_key(ws)
        disposition, npz = await fetched(session, served, ws, weights_key)
        _, metrics = await fetched(session, served, ws, metrics_key)
    assert disposition == "attachment; filename=xor-epoch0-weights.npz"
    (tmp_path / "w.npz").write_bytes(npz)
    params, _ = load_weights(tmp_path / "w.npz")
    assert [w.shape for w in params.weights] == [(2, 3), (3, 1)]
    assert metrics.decode().splitlines()[0].startswith("epoch,")
    assert len(metrics.decode().splitlines()) == 2  # the header and epoch 0
    assert list(work.iterdir()) == []  # nothing in the server's working folder


async def test_textuals_own_screenshot_goes_to_the_browser_too(
    workplace: tuple[Served, Path],
) -> None:
    served, work = workplace
    async with aiohttp.ClientSession() as session, ws_connect(session, served) as ws:
        await drawn(ws)
        await type_keys(ws, "\x10")  # ctrl+p: the command palette
        await shown(ws, "Search for commands")
        await type_keys(ws, "Screenshot")
        await shown(ws, "Save an SVG")  # the entry's help: the search found it
        await type_keys(ws, "\r")
        disposition, svg = await fetched(session, served, ws, await delivery_key(ws))
    assert disposition.startswith("inline; filename=") and svg.startswith(b"<svg")
    assert list(work.iterdir()) == []


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
    done = refusal("--serve", "--config", str(config))
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
    done = refusal(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and problem in done.stderr, done.stderr


def test_a_lesson_cannot_name_an_output_either(tmp_path: Path) -> None:
    lesson = tmp_path / "l.toml"
    lesson.write_text(
        'title = "t"\n[experiment]\ndataset = "xor"\nlog = "x.csv"\n[[step]]\ntext = "a"\n',
        encoding="utf-8",
    )
    done = refusal("--serve", "--lesson", str(lesson))
    assert done.returncode == 2 and "unknown experiment key 'log'" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.toml"]
