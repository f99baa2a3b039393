"""What a lesson step sets on entering it (settings, a view, a zoom), and the lesson
pane at a projector's 80×24: one line until ``i``, so the network, the weights and the
δ pane keep their rows."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from tests.helpers import SIZE, app_of, press, text_of, wait_until
from tui_backprop.cli import lesson_settings
from tui_backprop.lesson import load_lesson, parse_lesson
from tui_backprop.settings import resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.command_table import LESSON_COMMANDS
from tui_backprop.ui.model.lesson_steps import LOCKED, STEP_SETTINGS
from tui_backprop.ui.model.map_choice import GALLERY
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.confusion_pane import ConfusionPane
from tui_backprop.ui.panes.deltas_pane import DeltasPane
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram
from tui_backprop.ui.panes.lesson_pane import LessonPane
from tui_backprop.ui.panes.weights_pane import WeightsPane

PROJECTOR = (80, 24)
EVERY_KEY = """
title = "Every step key"

[[step]]
text = "Five epochs on the reference network."
run_to_epoch = 5

[[step]]
text = "A faster rate, live: the run goes on."
lr = 0.3

[[step]]
text = "Three tanh hidden neurons: a new run, then two epochs and the boundary."
layers = [3]
activation = "tanh"
run_to_epoch = 2
view = "boundary"

[[step]]
text = "The confusion matrix, and the weights zoomed."
view = "confusion"
zoom = "weights"

[[step]]
text = "The hidden layer's gallery, zoomed."
zoom = "gallery"

[[step]]
text = "Nothing zoomed, the chart again."
zoom = "none"
view = "chart"
"""


def lesson_app(text: str) -> BackpropApp:
    return app_of(lesson=parse_lesson(text, "test.toml", LESSON_COMMANDS, None, STEP_SETTINGS))


async def next_step(pilot, app: BackpropApp) -> None:
    await press(pilot, "greater_than_sign")
    await wait_until(pilot, lambda: not (app.main.stepping or app.main.running), timeout=30)
    await pilot.pause()


async def test_a_step_sets_the_network_the_view_and_the_zoom() -> None:
    app = lesson_app(EVERY_KEY)
    async with app.run_test(size=SIZE) as pilot:
        main = app.main
        await wait_until(pilot, lambda: not (main.stepping or main.running), timeout=30)  # step 1
        trainer = main.experiment.trainer
        assert trainer.epoch == 5
        await next_step(pilot, app)  # lr applies live: same run, same epoch
        assert main.experiment.trainer is trainer and trainer.epoch == 5
        assert trainer.config.lr == 0.3 and main.experiment.settings.lr == 0.3
        await next_step(pilot, app)  # a new network: a new run from epoch 0, then 2 epochs
        trainer = main.experiment.trainer
        assert trainer.sizes == (2, 3, 1) and trainer.config.activation == "tanh"
        assert trainer.epoch == 2 and trainer.config.lr == 0.3
        assert [run.ended for run in main.session.kept.runs] == ["new settings"]  # c compares
        assert main.query_one(BoundaryPane).display and main.maximized is None
        await next_step(pilot, app)
        assert main.query_one(ConfusionPane).display and not main.query_one(BoundaryPane).display
        assert main.maximized is main.query_one(WeightsPane)
        assert main.query_one(LessonPane).display  # a zoomed pane keeps the step in view
        await next_step(pilot, app)
        boundary = main.query_one(BoundaryPane)
        assert main.maximized is boundary and boundary.display
        assert boundary.maps is not None and boundary.maps.kind == GALLERY
        await next_step(pilot, app)
        assert main.maximized is None and boundary.maps is None
        assert main.query_one("#chart").display and not boundary.display


async def test_going_back_and_forth_keeps_a_run_whose_settings_hold() -> None:
    app = lesson_app(EVERY_KEY)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(2):
            await next_step(pilot, app)
        trainer = app.main.experiment.trainer
        await press(pilot, "space", "less_than_sign")
        await next_step(pilot, app)
        assert app.main.experiment.trainer is trainer and trainer.epoch == 3


async def test_a_setting_the_lesson_locks_is_refused_and_said() -> None:
    text = 'title = "t"\nlock = ["lr"]\n[[step]]\ntext = "a"\n[[step]]\ntext = "b"\nlr = 1\n'
    app = lesson_app(text)
    async with app.run_test(size=SIZE) as pilot:
        await next_step(pilot, app)
        assert app.main.experiment.trainer.config.lr == 0.1
        assert [n.message for n in app.notices] == [f"learning rate: {LOCKED}"]


def no_summarised_layer(app: BackpropApp) -> bool:
    """Every neuron of the network is drawn: no layer is cut to a ``⋮ +k`` row."""
    return "⋮" not in text_of(app.main.query_one(NetworkDiagram))


@pytest.mark.parametrize("name", ["reference", "xor", "circles"])
async def test_at_80x24_a_lesson_is_one_line_and_the_panes_keep_their_rows(name: str) -> None:
    lesson = load_lesson(name, LESSON_COMMANDS, STEP_SETTINGS)
    dataset, overrides = lesson_settings(lesson)
    app = app_of(resolve(dataset, overrides), lesson)
    async with app.run_test(size=PROJECTOR) as pilot:
        main = app.main
        pane = main.query_one(LessonPane)
        for number in range(1, len(lesson.steps) + 1):
            if number > 1:
                await next_step(pilot, app)
            await pilot.pause()
            assert pane.outer_size.height == 1 and text_of(pane).strip().startswith(
                f"Lesson {number}/{len(lesson.steps)} (i: all, >: next) "
            )
            if main.maximized is None:
                assert no_summarised_layer(app), (name, number)
                assert main.query_one(NetworkDiagram).size.height >= 5
                assert main.query_one(DeltasPane).size.height >= 5  # δ lines and the verdict
                assert main.query_one(WeightsPane).size.height >= 5
        await press(pilot, "i")  # the whole text, in the bordered pane
        await pilot.pause()
        assert pane.outer_size.height > 3 and "next step" in str(pane.border_subtitle)
        assert f"{len(lesson.steps)}. {lesson.steps[-1].text[:30]}" in text_of(pane)
        await press(pilot, "i")
        await pilot.pause()
        assert pane.outer_size.height == 1


async def test_a_wide_lesson_shows_its_text_and_i_folds_it() -> None:
    lesson = load_lesson("reference", LESSON_COMMANDS, STEP_SETTINGS)
    app = app_of(lesson=lesson)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.main.query_one(LessonPane)
        assert pane.outer_size.height > 3 and "1. This is the reference" in text_of(pane)
        await wait_until(pilot, lambda: app.screen.query(FooterKey))
        assert "i" in {key.key for key in app.screen.query(FooterKey)}
        await press(pilot, "i")
        await pilot.pause()
        assert pane.outer_size.height == 1


async def test_without_a_lesson_i_is_not_a_key() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.screen.query(FooterKey))
        assert "i" not in {key.key for key in app.screen.query(FooterKey)}
        await press(pilot, "i")
        assert not app.main.query(LessonPane)
