"""A lesson's locks hold on every road: the dataset menu, a new draw of the data, a CSV
file, a preset and the fields of the settings screen keep a locked learning rate and
locked input features, or refuse with the lesson's reason; hints name no hidden key."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.widgets import Input, Label, Select

from tests.helpers import SIZE, app_of, press, wait_until
from tests.test_ui_app import _open
from tests.test_ui_playground import choose_dataset, open_settings
from tui_backprop.lesson import parse_lesson
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.command_table import LESSON_COMMANDS
from tui_backprop.ui.model.lesson_steps import LOCKED
from tui_backprop.ui.panes.chart_pane import MetricsChart
from tui_backprop.ui.panes.hidden_space_pane import HiddenSpacePane
from tui_backprop.ui.screens.open_csv_dialog import OpenCsvDialog
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
        assert field.parent is not None
        assert str(field.parent.query(Label).last().render()) == LOCKED  # its hint says why
        screen.query_one("#set-preset", Select).value = "standard"
        await pilot.pause()
        assert field.value == "1" and screen.query_one("#set-hidden", Input).value == "8"
        await pilot.click("#settings-ok")
        await pilot.pause()
        assert app.main.experiment.settings.preset == "standard"
        assert app.main.experiment.trainer.sizes == (2, 8, 1) and rate(app) == (1.0, 1.0)


async def test_locked_features_stay_or_the_new_data_is_refused(tmp_path: Path) -> None:
    app = locked_app(features=FEATURES)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, app)
        assert screen.query_one("#set-features", Input).disabled
        features = replace(app.main.session.settings, features=("x1",))
        assert app.main.session.apply_settings(features).refused == f"input features: {LOCKED}"
        await press(pilot, "escape")
        await choose_dataset(pilot, app, "circles")  # the seed preset would drop them
        assert app.main.experiment.settings.features == FEATURES
        assert app.main.experiment.trainer.sizes[0] == 3
        three = tmp_path / "three.csv"
        three.write_text("a,b,c,y\n1,2,3,0\n4,5,6,1\n7,8,9,0\n2,1,0,1\n", "utf-8")
        await _open(pilot, app, three)  # three columns: no x1, x2 to make them of
        assert isinstance(app.screen, OpenCsvDialog)
        error = str(app.screen.query_one("#open-error", Label).render())
        assert error == f"input features: {LOCKED}"
        assert app.main.experiment.dataset.name == "circles"


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
