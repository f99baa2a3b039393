"""A lesson's locks on the screen: a locked field is shut and a preset keeps its value;
hints name no hidden key. (That every road keeps a locked rate and locked input features,
or refuses with the lesson's reason: ``test_session_settings``, ``test_session_data``.)"""

from __future__ import annotations

from textual.widgets import Input, Label, Select

from tests.helpers import SIZE, app_of, press, wait_until
from tests.test_ui_playground import open_settings
from tui_backprop.lesson import parse_lesson
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.command_table import LESSON_COMMANDS
from tui_backprop.ui.model.lesson_steps import LOCKED
from tui_backprop.ui.panes.chart_pane import MetricsChart
from tui_backprop.ui.panes.hidden_space_pane import HiddenSpacePane
from tui_backprop.ui.screens.rows_log_dialog import RowsLogDialog

LESSON = """
title = "Locks"
hide = [{hide}]
lock = ["lr", "feature"]

[[step]]
text = "Look."
"""
FEATURES = ("x1", "x2", "x1x2")


def locked_app(hide: str = "", **settings: object) -> BackpropApp:
    lesson = parse_lesson(LESSON.format(hide=hide), "locks.toml", LESSON_COMMANDS)
    return app_of(lesson=lesson, lr=1.0, **settings)


def rate(app: BackpropApp) -> tuple[float, float]:
    """The rate the trainer uses and the one the settings say."""
    experiment = app.main.experiment
    return experiment.trainer.config.lr, experiment.settings.lr


async def test_a_preset_keeps_a_locked_rate_whose_field_is_shut() -> None:
    app = locked_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, app)
        field = screen.query_one("#set-lr", Input)
        assert field.disabled and not field.has_focus
        # the focus is on the first field that may be edited, ready for typing
        editable = [w for w in screen.query(".settings-editor") if not w.disabled]
        assert screen.focused is editable[0] and editable[0] is not field
        assert field.parent is not None
        assert str(field.parent.query(Label).last().render()) == LOCKED  # its hint says why
        screen.query_one("#set-preset", Select).value = "standard"
        await pilot.pause()
        assert field.value == "1" and screen.query_one("#set-hidden", Input).value == "8"
        await pilot.click("#settings-ok")
        await pilot.pause()
        assert app.main.experiment.settings.preset == "standard"
        assert app.main.experiment.trainer.sizes == (2, 8, 1) and rate(app) == (1.0, 1.0)


async def test_hints_name_no_hidden_key() -> None:
    app = locked_app(
        '"boundary", "compare", "datasets", "settings", "step", "history", "hidden_axes"'
    )
    async with app.run_test(size=SIZE) as pilot:
        assert str(app.main.query_one(MetricsChart).border_subtitle) == ""
        await press(pilot, "H")
        pane = app.main.query_one(HiddenSpacePane)
        await wait_until(pilot, lambda: "train" in str(pane.border_subtitle))
        assert "x/X" not in str(pane.border_subtitle)
        await press(pilot, "t")
        await wait_until(pilot, lambda: isinstance(app.screen, RowsLogDialog))
        hint = str(app.screen.query_one("#rows-body").border_subtitle)
        assert hint == "tab rows or log · ← → ↑ ↓ scroll · p train · esc or t close"
        await press(pilot, "space", "left_square_bracket")  # hidden here too
        assert app.main.experiment.trainer.epoch == 0


async def test_hints_name_every_key_without_a_lesson() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        chart = str(app.main.query_one(MetricsChart).border_subtitle)
        assert chart == "b boundary · c compare · d data · S settings"
        await press(pilot, "t")
        await wait_until(pilot, lambda: isinstance(app.screen, RowsLogDialog))
        hint = str(app.screen.query_one("#rows-body").border_subtitle)
        assert hint == (
            "tab rows or log · ← → ↑ ↓ scroll · [ ] look back · space, p train · esc or t close"
        )
