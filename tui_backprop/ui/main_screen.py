"""The playground's controls, mixed into the app: looking back through a run's history,
the dataset menu, the settings screen, comparing with earlier runs, export, and the
decision-boundary pane.

The app calls three hooks: ``past_view`` when it draws (the panes show the epoch being
looked at), ``resume_present`` before it trains (training from an earlier epoch forks
the run there) and ``end_run`` before a run restarts (the run is kept to compare with).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui_backprop.engine import Trainer
from tui_backprop.experiment import Experiment
from tui_backprop.settings import Settings
from tui_backprop.ui.model.dataset_menu import menu_defaults, open_builtin
from tui_backprop.ui.model.experiment_files import run_info
from tui_backprop.ui.model.export import export_paths, write_data
from tui_backprop.ui.model.kept_runs import Session, effective_settings, settings_diff
from tui_backprop.ui.model.looking_back import HistoryCursor, jump
from tui_backprop.ui.model.reconfigure import apply
from tui_backprop.ui.model.scene import scene_of
from tui_backprop.ui.model.settings_form import label_of, needs_reset
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.panes.boundary import BoundaryPane
from tui_backprop.ui.panes.chart import MetricsChart, Overlay
from tui_backprop.ui.screens.datasets import DatasetScreen
from tui_backprop.ui.screens.settings import SettingsScreen

if TYPE_CHECKING:  # what the app provides, for the type checker only
    from textual.app import App
    from textual.reactive import reactive

    from tui_backprop.ui.model.view import Network
    from tui_backprop.ui.model.walk import Walk
    from tui_backprop.ui.panes.status import RunInfo

    _Base = App[int]
else:
    _Base = object

# Actions that change the run: not while a dialog is open over the main screen.
SHOWING_BOUNDARY = "-boundary"  # class of #panes: the boundary in the chart's place


class PlaygroundActions(_Base):
    experiment: Experiment
    network: Network
    sample: int | None
    walk: Walk | None
    if TYPE_CHECKING:
        info = reactive(RunInfo("", ""))

        def publish(self) -> None: ...
        def _network(self) -> Network: ...
        def _set_running(self, running: bool) -> None: ...
        def action_open_csv(self) -> None: ...

    def __init__(self) -> None:
        super().__init__()
        self.looking = HistoryCursor()
        self.session = Session()

    # -- hooks the app calls -------------------------------------------------------------

    def past_view(self) -> TrainingView | None:
        """The view of the epoch being looked at, or None at the present."""
        state = self.looking.state
        if state is None:
            return None
        first = state.last_records[0] if state.last_records else None
        trainer = self.experiment.trainer
        return TrainingView(
            network=self.network,
            epoch=state.epoch,
            params=state.params,
            record=state.last_record,
            first=first,
            history=state.history,
            diverged=state.diverged,
            sample=self.sample,
            config=trainer.config,
            present=trainer.epoch,
        )

    def resume_present(self) -> None:
        """Before training: from an earlier epoch, fork the run there."""
        looked_at = self.looking.epoch
        if looked_at is None:
            return
        self.session.keep(self.experiment, f"fork at {looked_at}")
        self.looking.fork(self.experiment.trainer)
        self.walk = None  # a walk through a later epoch no longer exists
        self.notify(f"forked at epoch {looked_at}; later epochs discarded", timeout=4)
        self._show_overlay()

    def end_run(self, why: str) -> None:
        """Before the run restarts: keep it to compare with, and stop looking back."""
        self.session.keep(self.experiment, why)
        self.looking.leave()
        self.call_later(self._show_overlay)  # its caption compares with the next run

    def switch_to(self, experiment: Experiment, why: str) -> None:
        """Make ``experiment`` the one every pane shows."""
        self.end_run(why)
        self.experiment = experiment
        self.network = self._network()
        self.sample = None
        self.info = run_info(experiment)
        self.show_scene()
        self.publish()

    def show_scene(self) -> None:
        self.query_one(BoundaryPane).scene = scene_of(self.experiment)

    # -- history ---------------------------------------------------------------------------

    def action_history(self, step: int) -> None:
        """Show the epoch ``step`` epochs before (negative) or after the one shown."""
        self._look(self.looking.move_by, step)

    def action_history_jump(self, direction: int) -> None:
        step = direction * jump(self.experiment.trainer.epoch)
        self._look(self.looking.move_by, step)

    def action_history_edge(self, end: int) -> None:
        """The first epoch (``end`` 0) or the latest (1)."""
        self._look(self.looking.move_to, end * self.experiment.trainer.epoch)

    def _look(self, move: Callable[[Trainer, int], int], value: int) -> None:
        self._set_running(False)
        trainer = self.experiment.trainer
        if trainer.epoch == 0:
            self.notify("No history yet: train some epochs first (space or p).", timeout=3)
            return
        move(trainer, value)
        self.publish()

    # -- dataset and settings --------------------------------------------------------------

    def action_datasets(self) -> None:
        self._set_running(False)
        points, noise = menu_defaults(self.experiment)
        self.push_screen(
            DatasetScreen(
                self.experiment.dataset.name,
                points,
                noise,
                self._choose_dataset,
                self.action_open_csv,
            )
        )

    def _choose_dataset(self, name: str, points: int, noise: float) -> str | None:
        try:
            experiment = open_builtin(self.experiment, name, points, noise)
        except ValueError as err:
            return str(err)
        self.switch_to(experiment, "new dataset")
        self.notify(f"dataset {name}: {experiment.dataset.n_rows} rows", timeout=3)
        return None

    def action_settings(self) -> None:
        self._set_running(False)
        self.push_screen(SettingsScreen(effective_settings(self.experiment), self._apply_settings))

    def _apply_settings(self, new: Settings) -> str | None:
        try:
            experiment, names = apply(self.experiment, new)
        except (ValueError, OSError) as err:
            return str(err)
        changes = ", ".join(map(label_of, names))
        if experiment is not self.experiment:
            self.switch_to(experiment, "new settings")
            reset = ", ".join(map(label_of, needs_reset(names)))
            self.notify(f"reset to epoch 0 for {reset}", title="Settings", timeout=4)
        elif names:
            self.info = run_info(experiment)
            self._show_overlay()
            self.notify(f"applied live: {changes}", title="Settings", timeout=3)
        return None

    # -- comparing, exporting, the boundary ----------------------------------------------

    def action_compare(self) -> None:
        run = self.session.cycle()
        if run is None:
            self.notify(
                "comparison off"
                if self.session.runs
                else "No earlier run yet: runs are kept when you reset, reseed, or "
                "change the data or settings.",
                timeout=3,
            )
        self.screen.minimize()
        self.query_one("#panes").remove_class(SHOWING_BOUNDARY)
        self._show_overlay()

    def _show_overlay(self) -> None:
        run = self.session.shown
        chart = self.query_one(MetricsChart)
        if run is None:
            chart.overlay = None
            return
        caption = settings_diff(run, self.experiment)
        if run.ended.startswith("fork"):  # the epochs a fork discarded
            caption += f" (before the {run.ended})"
        chart.overlay = Overlay(f"run {run.number}", caption, run.loss, run.test_loss)

    def action_export(self) -> None:
        epoch = self.looking.epoch
        paths = export_paths(
            self.experiment, self.experiment.trainer.epoch if epoch is None else epoch, Path.cwd()
        )
        try:
            self.save_screenshot(paths.screen.name, str(paths.screen.parent))
            write_data(self.experiment, self.looking.state, paths)
        except OSError as err:
            self.notify(f"could not export: {err}", severity="error", markup=False)
            return
        self.notify(paths.lines(), title="Exported", markup=False)

    def action_boundary(self) -> None:
        if self.screen.has_class("-wide"):
            self.notify("At this width the boundary and the chart are both shown.", timeout=3)
            return
        self.screen.minimize()  # a zoomed chart or boundary would be hidden, not swapped
        self.query_one("#panes").toggle_class(SHOWING_BOUNDARY)
