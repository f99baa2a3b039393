"""Every form dialog keeps one rule: the app's callback answers a one-line reason, which
shows while the dialog stays open, or None, and the dialog closes with True; escape
closes it with False and calls nothing."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Input, Label

from tests.helpers import SIZE, app_of, wait_until
from tui_backprop.settings import resolve
from tui_backprop.ui import app as app_module
from tui_backprop.ui import screens
from tui_backprop.ui.screens.dataset_dialog import DatasetDialog
from tui_backprop.ui.screens.dialog import Dialog, FormDialog
from tui_backprop.ui.screens.help_dialog import HelpDialog
from tui_backprop.ui.screens.open_csv_dialog import OpenCsvDialog
from tui_backprop.ui.screens.settings_dialog import SettingsDialog

REFUSED = "refused: try again"


class Answers:
    """A callback for any dialog: answers from a script, and remembers each call."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, *args: Any) -> str | None:
        self.calls.append(args)
        return self.answers.pop(0)


class Host(App[None]):
    """Shows one dialog with the real app's style sheet and keeps what it returns."""

    CSS_PATH = Path(app_module.__file__).with_name("app.tcss")

    def __init__(self, dialog: FormDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[bool | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


def open_dialog(callback: Answers) -> FormDialog:
    return OpenCsvDialog(Path.cwd(), callback)


def dataset_dialog(callback: Answers) -> FormDialog:
    return DatasetDialog("moons", 200, 0.1, callback, open_csv=lambda: None)


def settings_dialog(callback: Answers) -> FormDialog:
    return SettingsDialog(resolve("xor", {}), callback)


# each form, a text field where enter submits, and what it fills in before that
FORMS: list[tuple[Callable[[Answers], FormDialog], str, str]] = [
    (open_dialog, "#open-path", "some.csv"),
    (dataset_dialog, "#data-points", "200"),
    (settings_dialog, "#set-lr", "0.5"),
]


@pytest.mark.parametrize(("make", "field", "value"), FORMS)
async def test_a_refusal_shows_and_a_success_closes(
    make: Callable[[Answers], FormDialog], field: str, value: str
) -> None:
    callback = Answers(REFUSED, None)
    host = Host(make(callback))
    async with host.run_test(size=SIZE) as pilot:
        dialog = host.dialog
        dialog.query_one(field, Input).value = value
        dialog.query_one(field, Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert host.screen is dialog and host.results == []
        error = dialog.query_one(f"#{dialog.part_id('error')}", Label)
        assert str(error.render()) == REFUSED
        await pilot.click(f"#{dialog.part_id('ok')}")
        await pilot.pause()
        assert host.screen is not dialog and host.results == [True]
        assert len(callback.calls) == 2


@pytest.mark.parametrize(("make", "field", "value"), FORMS)
async def test_escape_cancels_without_calling_back(
    make: Callable[[Answers], FormDialog], field: str, value: str
) -> None:
    callback = Answers()
    host = Host(make(callback))
    async with host.run_test(size=SIZE) as pilot:
        host.dialog.query_one(field, Input).value = value
        await pilot.press("escape")
        await pilot.pause()
        assert host.screen is not host.dialog and host.results == [False]
        assert callback.calls == []


def test_each_dialog_keeps_its_size_in_the_style_sheet() -> None:
    # dialog.py styles the frame they share; a dialog's own size and fields are in app.tcss.
    for found in pkgutil.iter_modules(screens.__path__, f"{screens.__name__}."):
        importlib.import_module(found.name)
    todo, seen = [Dialog], []
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__ != Dialog.__module__:  # not the shared frame itself
                seen.append(sub)
                assert "DEFAULT_CSS" not in vars(sub), f"{sub.__name__} styles itself"
    assert {"EditValueDialog", "GradientCheckDialog", "RowsLogDialog"} <= {c.__name__ for c in seen}


async def test_closing_the_help_twice_faster_than_a_frame_keeps_the_app() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpDialog))
        first, second = app.pop_screen(), app.pop_screen()  # the second finds only the main
        await first
        await second
        await pilot.press("question_mark", "escape", "escape")  # the binding, twice at once
        await pilot.pause()
        assert app.screen is app.main and app.is_running
