"""The loss landscape in the chart's place (V, A): keys, help and palette, the epoch
shown followed while looking back, walking and playing, a slow landscape computed in
a worker, earlier runs drawn when comparable, 80×24, the light theme, a snapshot."""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.helpers import DEEP, SIZE, SnapCompare, app_of, press, pressing, text_of, wait_until
from tests.serving import first_screen, screen_text, serving, ws_connect
from tui_backprop.cli import lesson_settings
from tui_backprop.engine.landscape import PCA, RANDOM
from tui_backprop.lesson import load_lesson
from tui_backprop.settings import resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.command_table import COMMANDS, LESSON_COMMANDS
from tui_backprop.ui.model.lesson_steps import STEP_SETTINGS
from tui_backprop.ui.panes.chart_pane import MetricsChart
from tui_backprop.ui.panes.landscape_pane import LandscapePane
from tui_backprop.ui.render.landscape_draw import PRESENT, band_rgb, bands, scale_of
from tui_backprop.ui.render.numbers import short


def _shows_view(pane: LandscapePane) -> bool:
    view, picture = pane.view, pane.picture
    return (
        view is not None
        and picture is not None
        and picture.request.params is view.params
        and picture.request.kind == pane.kind
    )


async def test_v_shows_the_landscape_of_the_weights_shown_and_a_switches_its_plane() -> None:
    app = app_of(DEEP)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 6)
        pane, chart = app.query_one(LandscapePane), app.query_one(MetricsChart)
        assert not pane.display and pane.picture is None  # hidden: nothing computed
        await press(pilot, "V")
        assert pane.display and not chart.display
        await wait_until(pilot, lambda: _shows_view(pane))
        assert pane.picture is not None
        ls = pane.picture.landscape
        trainer = app.main.experiment.trainer
        x, y = trainer.training_arrays()
        assert ls.centre_loss == trainer.evaluate(trainer.params, x, y)[0]
        title = str(pane.border_title)
        share = ls.directions.share
        assert share is not None and f"PCA, {100 * share:.1f}% of the path" in title
        assert "epoch 5" in title and PRESENT in text_of(pane)
        await press(pilot, "A")
        await wait_until(pilot, lambda: _shows_view(pane))
        assert pane.kind == RANDOM and "random directions" in str(pane.border_title)
        await press(pilot, "left_square_bracket", "left_square_bracket")
        await wait_until(pilot, lambda: _shows_view(pane) and pane.picture.request.epoch == 4)
        assert "epoch 3" in str(pane.border_title)
        assert list(pane.picture.landscape.path_epochs) == [0, 1, 2, 3, 4]
        await press(pilot, "A")
        assert pane.display and pane.kind == PCA  # A switches, and leaves it shown
        await press(pilot, "V")
        assert chart.display and not pane.display


async def test_the_walk_and_a_playing_run_move_the_plane() -> None:
    app = app_of(DEEP)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "V")
        pane = app.query_one(LandscapePane)
        await wait_until(pilot, lambda: _shows_view(pane))
        before = pane.draws
        await press(pilot, *["n"] * 8)  # through the epoch to its update
        await wait_until(pilot, lambda: _shows_view(pane))
        assert pane.draws > before
        await pilot.press("p")
        await wait_until(pilot, lambda: app.main.view is not None and app.main.view.epoch > 8)
        await pilot.press("p")
        await wait_until(pilot, lambda: not app.main.running and _shows_view(pane))
        assert pane.picture is not None
        assert pane.picture.request.epoch == app.main.experiment.trainer.epoch


async def test_a_slow_landscape_is_computed_in_a_worker() -> None:
    app = app_of(DEEP)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "V")
        pane = app.query_one(LandscapePane)
        await wait_until(pilot, lambda: _shows_view(pane))
        shown = pane.picture
        pane.slow = True  # as after a landscape that took longer than a frame
        await press(pilot, "space")
        await wait_until(pilot, lambda: _shows_view(pane))
        assert pane.picture is not shown and pane.picture.off_thread
        assert shown is not None and not shown.off_thread


async def test_earlier_runs_from_the_same_start_are_drawn() -> None:
    app = app_of(DEEP)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 5, "r", *["space"] * 3, "V")
        pane = app.query_one(LandscapePane)
        await wait_until(pilot, lambda: _shows_view(pane))
        assert pane.picture is not None and len(pane.picture.earlier) == 1
        assert pane.picture.not_comparable == 0
        await press(pilot, "R", "space")  # new weights: another start
        await wait_until(pilot, lambda: _shows_view(pane) and pane.picture.not_comparable == 2)
        assert "2 earlier run(s) not comparable" in str(pane.border_title)


def test_help_and_palette_name_both_keys() -> None:
    keys = {c.keys: c.action for c in COMMANDS}
    assert keys["V"] == "landscape(0)" and keys["A"] == "landscape(1)"


async def test_80x24_and_the_light_theme() -> None:
    app = app_of()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "space", "space", "V")
        pane = app.query_one(LandscapePane)
        await wait_until(pilot, lambda: _shows_view(pane))
        ls = pane.picture.landscape
        text = text_of(pane, inside=True)
        assert PRESENT in text and short(float(ls.loss.max())) in text.splitlines()[-1]
        dark = [strip.text for strip in pane.render_lines(pane.region.reset_offset)]
        app.theme = "textual-light"
        await pilot.pause()
        picture = pane.picture
        assert picture is not None
        lines = pane.render_lines(pane.region.reset_offset)
        assert [strip.text for strip in lines] == dark
        ls = picture.landscape
        lowest = band_rgb(int(bands(ls.loss, scale_of(ls.loss)).min()))
        colours = {
            seg.style.color.get_truecolor()[:3]
            for strip in lines
            for seg in strip
            if seg.style and seg.style.color and seg.text == "▀"
        }
        assert tuple(lowest) in colours  # the bands keep their colours on a light theme
        small = pane.size
        pane.focus()
        await press(pilot, "z")
        await wait_until(
            pilot, lambda: pane.size.width > 2 * small.width and pane.size.height > 2 * small.height
        )
        await wait_until(pilot, lambda: PRESENT in text_of(pane, inside=True))


class TestSnapshot:
    def test_landscape_120x40(self, snap_compare: SnapCompare) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await pressing(*["space"] * 8, "V")(pilot)
            pane = pilot.app.query_one(LandscapePane)
            await wait_until(pilot, lambda: _shows_view(pane))

        assert snap_compare(app_of(), terminal_size=SIZE, run_before=run_before)


def _lesson_app(name: str) -> BackpropApp:
    lesson = load_lesson(name, LESSON_COMMANDS, STEP_SETTINGS)
    return app_of(resolve(*lesson_settings(lesson)), lesson)


async def _trained_to(pilot: Pilot[Any], app: BackpropApp, epochs: int) -> None:
    await wait_until(
        pilot, lambda: not app.main.running and app.main.experiment.trainer.epoch == epochs, 60
    )


async def test_the_optimizers_lesson_draws_three_runs_from_one_start() -> None:
    app = _lesson_app("optimizers")
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(LandscapePane)
        losses = []
        for number in range(3):
            if number:
                await press(pilot, "r", "greater_than_sign")
            await _trained_to(pilot, app, 80)
            await wait_until(pilot, lambda: pane.display and _shows_view(pane))
            assert pane.picture is not None and len(pane.picture.earlier) == number
            losses.append(pane.picture.landscape.centre_loss)
        assert app.main.experiment.trainer.config.optimizer == "adam"
        assert losses[2] < losses[1] < losses[0]  # Adam, then momentum, below SGD
        assert "runs 1, 2" in str(pane.border_subtitle)


async def test_lr_too_high_shows_its_path_on_the_landscape() -> None:
    app = _lesson_app("lr-too-high")
    async with app.run_test(size=SIZE) as pilot:
        await _trained_to(pilot, app, 20)
        await press(pilot, "greater_than_sign")
        pane = app.query_one(LandscapePane)
        await wait_until(pilot, lambda: pane.display and _shows_view(pane))
        assert pane.picture is not None and len(pane.picture.landscape.path) == 21


async def test_a_served_tab_shows_the_landscape() -> None:
    """The real server and a websocket tab: V draws the landscape in the browser's app."""
    aiohttp = pytest.importorskip("aiohttp")
    pytest.importorskip("textual_serve")
    with serving("seed") as served:
        async with (
            aiohttp.ClientSession() as session,
            ws_connect(session, served, "width=120&height=40") as ws,
        ):
            await first_screen(ws)
            for key in "   V":
                await ws.send_str(json.dumps(["stdin", key]))
            drawn = b""
            deadline = time.monotonic() + 30
            while not all(mark in screen_text(drawn) for mark in ("PCA,", PRESENT, "epoch 2")):
                assert time.monotonic() < deadline, screen_text(drawn)[-500:]
                with contextlib.suppress(TimeoutError):
                    drawn += (await ws.receive(timeout=1)).data


async def test_a_new_network_shape_with_the_landscape_shown_redraws_it() -> None:
    """The landscape shown, settings making the hidden layer narrower: the pane was handed
    the new run's scene before its view and stacked the new run's snapshots onto the old
    weights (the app ended on a traceback)."""
    app = app_of(resolve("xor", {"hidden": (4,)}))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "space", "V")
        pane = app.query_one(LandscapePane)
        await wait_until(pilot, lambda: pane.picture is not None)
        await press(pilot, "S")
        app.screen.query_one("#set-hidden", Input).value = "2"
        await pilot.click("#settings-ok")
        await press(pilot, "space")
        assert app.is_running and app.main.experiment.trainer.sizes == (2, 2, 1)
        await wait_until(
            pilot, lambda: pane.picture is not None and pane.picture.request.epoch == 1
        )


async def test_a_run_on_other_data_is_not_drawn_on_this_landscape() -> None:
    """An xor run kept, then spiral from the same start (same network, same seed): the
    xor run's path was drawn across the spiral's loss surface, which it never walked."""
    app = app_of(resolve("xor", {}))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "space")
        outcome = app.main.session.choose_dataset("spiral", 200, 0.1)
        assert outcome.refused is None
        app.main.show(outcome)
        await press(pilot, "space", "space", "V")
        pane = app.query_one(LandscapePane)
        await wait_until(
            pilot, lambda: pane.picture is not None and pane.picture.request.epoch == 2
        )
        assert pane.picture.earlier == () and pane.picture.not_comparable == 1
