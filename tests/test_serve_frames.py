"""A served tab sends frames only when there is news: none while paused and idle, and
while playing at 10 epochs a second about one an epoch (and the status line's measured
speed), not one every screen tick."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.serving import serving, ws_connect
from tui_backprop.ui.model.pacing import (
    DEFAULT_SPEED,
    LEAST_FRAMES,
    MOST_FRAMES,
    SPEEDS,
    Contention,
    frame_rate,
    runnable_now,
)
from tui_backprop.ui.session.runner import STATE_EVERY

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")


async def frames_within(ws: Any, seconds: float) -> int:
    """The binary messages (terminal output) the tab gets in ``seconds``."""
    count, end = 0, time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        try:
            message = await ws.receive(timeout=left)
        except TimeoutError:
            break
        count += message.type == aiohttp.WSMsgType.BINARY
    return count


async def test_a_paused_tab_sends_nothing_and_a_playing_one_about_a_frame_an_epoch() -> None:
    with serving("spiral", "--layers", "8,8") as served:
        async with aiohttp.ClientSession() as session, ws_connect(session, served) as ws:
            drawn = 0
            while drawn < 2000:  # bytes of a first screen, not just the start of one
                drawn += len((await ws.receive(timeout=30)).data)
            await frames_within(ws, 1.0)  # the rest of it
            assert await frames_within(ws, 1.0) == 0
            await ws.send_str(json.dumps(["stdin", "p"]))
            await frames_within(ws, 1.0)  # the training process starts
            seconds = 3.0
            news = SPEEDS[DEFAULT_SPEED] + 1 / STATE_EVERY  # epochs and speed updates
            assert 0 < await frames_within(ws, seconds) <= news * seconds


@pytest.mark.parametrize(
    ("load", "cores", "rate"),
    [
        (0.0, 2, MOST_FRAMES),
        (2.0, 2, MOST_FRAMES),
        (4.0, 2, MOST_FRAMES / 2),
        (30.0, 2, LEAST_FRAMES),
    ],
)
def test_the_frame_rate_is_the_cores_share_of_24_never_below_8(
    load: float, cores: int, rate: float
) -> None:
    assert frame_rate(load, cores) == rate


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_load_follows_a_class_starting_to_play_within_two_seconds() -> None:
    """Twenty processes become runnable at once: sampled a frame at a time, the load
    reaches most of it within two seconds (a one-minute average would read ~1), and
    the rate is back at its most within three once they pause."""
    clock, count = Clock(), [0.0]
    contention = Contention(lambda: count[0], clock)
    contention.load()
    count[0] = 20.0
    for _ in range(16):  # two seconds at 8 frames a second
        clock.now += 1 / 8
        load = contention.load()
    assert load > 17
    assert frame_rate(load, 2) == LEAST_FRAMES
    count[0] = 0.0
    for _ in range(72):
        clock.now += 1 / 24
        load = contention.load()
    assert frame_rate(load, 2) == MOST_FRAMES


def test_one_odd_sample_moves_the_load_by_its_share_of_a_second_only() -> None:
    clock, count = Clock(), [2.0]
    contention = Contention(lambda: count[0], clock)
    contention.load()
    clock.now, count[0] = 1 / 24, 40.0
    assert contention.load() < 4


def test_without_an_instant_count_the_load_average_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.getloadavg", lambda: (6.0, 1.0, 1.0))
    assert Contention(lambda: None).load() == 6.0


def test_the_instant_count_leaves_out_the_process_asking() -> None:
    count = runnable_now()
    assert count is not None and count >= 0  # this machine's /proc/loadavg is read
