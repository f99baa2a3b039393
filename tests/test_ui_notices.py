"""Notices never give Textual a negative timer: a toast's timer is set from the time a
notification has left, which a burst of notices can take below zero by microseconds
(a Textual timer with a negative interval spins for ever, and the app froze)."""

from __future__ import annotations

import time

from textual.notifications import Notifications

from tests.helpers import SIZE, app_of, press, wait_until
from tui_backprop.ui.app import LEAST_TOAST, Notice


def test_a_notice_past_its_time_has_expired_yet_never_gives_a_negative_time() -> None:
    late = Notice("x", timeout=1.0, raised_at=time.time() - 1.000001)
    assert late.has_expired and late.time_left == LEAST_TOAST
    fresh = Notice("x", timeout=3.0)
    assert not fresh.has_expired and 2.9 < fresh.time_left <= 3.0
    kept = Notifications()
    kept.add(late)
    kept.add(fresh)
    assert list(kept) == [fresh]  # an expired notice is reaped as before


async def test_every_notice_of_the_app_is_one_and_a_burst_leaves_it_answering() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        for i in range(200):
            app.notify(f"point {i}", timeout=0.001 * (i % 5))
        await pilot.pause(0.2)
        assert all(isinstance(n, Notice) for n in app.notices)
        await press(pilot, "space")
        assert app.main.experiment.trainer.epoch == 1  # keys still answered


async def test_ctrl_c_says_how_to_quit_in_plain_words() -> None:
    """Textual's ctrl+c hint is markup, which notices never read: the learner saw
    "Press [b]ctrl+q[/b]"."""
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "ctrl+c")
        await wait_until(pilot, lambda: len(app.notices) > 0)
        notice = app.notices[-1]
        assert notice.title == "Do you want to quit?"
        assert notice.message == "Press ctrl+q to quit the app." and app.is_running
