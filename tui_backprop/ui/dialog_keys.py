"""The keys that open a dialog over the run: help, the rows view, the gradient check,
the dataset menu, a CSV file, the settings. Each dialog gets what it needs handed in:
callbacks that end in ``show`` of a session operation; the rows view, which follows the
screen's view, sees it only through a protocol (``rows_log_dialog.ShownRun``).
"""

from __future__ import annotations

from pathlib import Path

from tui_backprop.data import Progress
from tui_backprop.ui.run_screen import RunScreen
from tui_backprop.ui.screens.dataset_dialog import DatasetDialog
from tui_backprop.ui.screens.gradcheck_dialog import GradientCheckDialog
from tui_backprop.ui.screens.help_dialog import show_help
from tui_backprop.ui.screens.open_csv_dialog import OpenCsvDialog, Opened
from tui_backprop.ui.screens.rows_log_dialog import RowsLogDialog
from tui_backprop.ui.screens.settings_dialog import SettingsDialog


class DialogKeys(RunScreen):
    """The main screen's keys that push a dialog."""

    def action_help(self) -> None:
        show_help(self.app, self.session.hidden_commands)

    def action_rows_log(self) -> None:
        """The epoch's rows and the per-epoch log; a playing run plays on."""
        self.app.push_screen(RowsLogDialog(self.session, self))

    def action_gradient_check(self) -> None:
        """Check the latest network, or while looking back the earlier epoch's on screen
        (during a walk: the walked epoch's weights after its update, as the intro says)."""
        self.runner.take_back()  # the check reads the weights: nothing may train meanwhile
        past = self.session.looking.state
        epoch, params = (past.epoch, past.params) if past is not None else (None, None)
        trainer = self.experiment.trainer
        self.app.push_screen(GradientCheckDialog(trainer, self.network, epoch, params))

    def action_open_csv(self) -> None:
        if self.session.tab.served:  # hidden there; the dataset menu lists the data folder
            return
        self.runner.take_back()
        self.app.push_screen(OpenCsvDialog(Path.cwd(), self._open, self._load))

    def _open(self, path: str) -> str | None:
        """Switch to the CSV at ``path``, or say why not and change nothing."""
        return self._load(path, None)()

    def _load(self, path: str, progress: Progress | None) -> Opened:
        """Read the CSV (in the dialog's worker thread); what it returns switches to it
        on the UI thread, or answers why not (``Session.load``)."""
        switch = self.session.load(path, progress)
        return lambda: self.show(switch())

    def action_datasets(self) -> None:
        self.runner.take_back()
        s = self.session
        menu = s.dataset_menu()
        if menu.files is not None:  # a served tab: the data folder's files by name
            screen = DatasetDialog(
                menu.name,
                menu.points,
                menu.noise,
                self._choose_dataset,
                None,
                menu.files,
                lambda name: self.show(s.open_data_file(name)),
            )
        else:
            screen = DatasetDialog(
                menu.name, menu.points, menu.noise, self._choose_dataset, self.action_open_csv
            )
        self.app.push_screen(screen)

    def _choose_dataset(self, name: str, points: int, noise: float) -> str | None:
        return self.show(self.session.choose_dataset(name, points, noise))

    def action_settings(self) -> None:
        self.runner.take_back()
        s = self.session
        locked = s.lesson.locked_settings  # shown, not editable
        left_out = s.tab.hidden_settings  # a served tab names no file of the server's
        apply = lambda new: self.show(s.apply_settings(new))  # noqa: E731
        self.app.push_screen(SettingsDialog(s.settings, apply, locked, left_out))
