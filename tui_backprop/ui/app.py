"""The app: the main screen on one experiment, the help and the command palette.

Everything that drives the run lives on ``MainScreen``; the app holds what is shared by
every screen: the style sheet, the size breakpoints, help and quit.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import BindingType

from tui_backprop.experiment import Experiment
from tui_backprop.ui.command_table import app_bindings
from tui_backprop.ui.commands import Palette, TrainingCommands
from tui_backprop.ui.main_screen import MainScreen
from tui_backprop.ui.model.training_process import prepare
from tui_backprop.ui.screens.help import HelpScreen


class BackpropApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "backprop-tui"
    BINDINGS: ClassVar[list[BindingType]] = app_bindings()
    COMMANDS = App.COMMANDS | {TrainingCommands}
    # Textual's annotation makes a ClassVar here an error for mypy
    VERTICAL_BREAKPOINTS = [(0, "-tiny"), (20, "-short"), (32, "-tall")]  # noqa: RUF012
    HORIZONTAL_BREAKPOINTS = [(0, "-compact"), (100, "-narrow"), (150, "-wide")]  # noqa: RUF012

    def __init__(self, experiment: Experiment) -> None:
        super().__init__()
        prepare()  # the training process's server starts before the app owns the terminal
        self.main = MainScreen(experiment)

    def get_default_screen(self) -> MainScreen:
        return self.main

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_command_palette(self) -> None:
        if not isinstance(self.screen, Palette):
            self.push_screen(Palette(id="--command-palette"))


def run_app(experiment: Experiment) -> int:
    """Run the app; its exit status (1 when it ended on an error, which it has printed)."""
    app = BackpropApp(experiment)
    app.run()
    return app.return_code or 0
