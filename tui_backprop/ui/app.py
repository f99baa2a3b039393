"""The app: four panes on one experiment, trained one epoch per key or on a timer.

The trainer runs on the UI thread in time slices (see ``pacing``); after a slice the
app publishes one immutable ``TrainingView`` that every pane is bound to, and the next
slice waits until the screen has been drawn, so slices and frames take turns.
"""

from __future__ import annotations

import gc
import time
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Grid
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Footer

from tui_backprop.experiment import Experiment
from tui_backprop.ui.command_table import COMMANDS, bindings, next_rate
from tui_backprop.ui.commands import TrainingCommands
from tui_backprop.ui.main_screen import PlaygroundActions
from tui_backprop.ui.model.experiment_files import open_csv, run_info, save_paths
from tui_backprop.ui.model.pacing import FRAME, Pacer
from tui_backprop.ui.model.view import Network, TrainingView, describe_network, snapshot
from tui_backprop.ui.model.walk import Walk, follow, live, next_walk, phase_view
from tui_backprop.ui.panes.boundary import BoundaryPane
from tui_backprop.ui.panes.chart import MetricsChart
from tui_backprop.ui.panes.deltas import DeltasPane
from tui_backprop.ui.panes.network import NetworkDiagram, NetworkPane
from tui_backprop.ui.panes.neuron import NeuronDetail
from tui_backprop.ui.panes.status import RunInfo, RunState, StatusLine
from tui_backprop.ui.panes.weights import WeightsPane
from tui_backprop.ui.render import palette
from tui_backprop.ui.screens.gradcheck import GradientCheckScreen
from tui_backprop.ui.screens.help import HelpScreen
from tui_backprop.ui.screens.open_csv import OpenCsvScreen

PANE_TITLES = {
    "#network-pane": "Network",
    "#deltas": "Backward pass: δ and gradient size",
}
STATE_EVERY = 0.25  # seconds between updates of the measured speed
# Keys that change the run do nothing while a dialog or the help is open over it.
DIVERGED_ADVICE = "The run has diverged: lower the learning rate (l), then press r."
MAIN_SCREEN_ONLY = {c.action.split("(")[0] for c in COMMANDS} - {"help", "quit"}


class BackpropApp(PlaygroundActions, App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "backprop-tui"
    BINDINGS: ClassVar[list[BindingType]] = bindings()
    COMMANDS = App.COMMANDS | {TrainingCommands}
    # Textual's annotation makes a ClassVar here an error for mypy
    VERTICAL_BREAKPOINTS = [(0, "-tiny"), (20, "-short"), (32, "-tall")]  # noqa: RUF012
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]  # noqa: RUF012

    view: reactive[TrainingView | None] = reactive(None)
    info: reactive[RunInfo] = reactive(RunInfo("", ""))
    state: reactive[RunState] = reactive(RunState())

    def __init__(self, experiment: Experiment) -> None:
        super().__init__()
        self.experiment = experiment
        self.network: Network = self._network()
        self.sample: int | None = None
        self.walk: Walk | None = None  # an epoch being walked through phase by phase (n)
        self.pacer = Pacer()
        self._run = 0  # which run a scheduled frame belongs to; 0 = not running
        self._runs = 0
        self._state_at = 0.0

    def compose(self) -> ComposeResult:
        yield StatusLine(id="status").data_bind(
            BackpropApp.view, BackpropApp.info, BackpropApp.state
        )
        with Grid(id="panes"):
            with NetworkPane(id="network-pane").data_bind(BackpropApp.view):
                yield NetworkDiagram(id="diagram").data_bind(BackpropApp.view)
                yield NeuronDetail(id="neuron").data_bind(BackpropApp.view)
            yield BoundaryPane(id="boundary").data_bind(BackpropApp.view)
            yield MetricsChart(id="chart").data_bind(BackpropApp.view)
            yield WeightsPane(id="weights").data_bind(BackpropApp.view)
            yield DeltasPane(id="deltas").data_bind(BackpropApp.view)
        yield Footer()

    def on_mount(self) -> None:
        for selector, title in PANE_TITLES.items():
            self.query_one(selector).border_title = title
        self.query_one("#network-pane").border_subtitle = palette.legend()
        self.info = run_info(self.experiment)
        self.state = RunState(False, self.pacer.rate)
        self.show_scene()
        self.publish()
        self.query_one(NetworkDiagram).focus()
        # Start-up leaves ~10^5 long-lived objects whose full GC passes (30-40 ms) would
        # stall a frame now and then; freezing them keeps those passes short.
        self.call_after_refresh(gc.freeze)

    def _network(self) -> Network:
        ds = self.experiment.dataset
        return describe_network(
            self.experiment.trainer, ds.feature_names, ds.class_names, ds.label_name
        )

    def publish(self) -> None:
        """Hand every pane the trainer's latest state."""
        trainer = self.experiment.trainer
        past = self.past_view()  # an earlier epoch the user moved back to
        if past is not None:
            self.view = past
            return
        self.walk = live(self.walk, trainer)
        if self.walk is not None:
            self.view = phase_view(trainer, self.network, self.sample, self.walk)
            return
        self.view = snapshot(self.experiment.trainer, self.network, self.sample)

    # -- running ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._run != 0

    def _set_running(self, running: bool) -> None:
        if running and not self.running:
            self._runs += 1
            self._run = self._runs
            self.pacer.start()
            self._frame(self._run)
        elif not running:
            self._run = 0  # frames already scheduled see this and stop
        self.state = RunState(running, self.pacer.rate, 0.0)

    def _train_one(self) -> bool:
        # The epoch that diverges counts, so it is published; the next call stops.
        return self.experiment.trainer.train_epoch() is not None

    def _frame(self, run: int) -> None:
        """One slice of training, then (after the screen is drawn) the next."""
        if run != self._run:
            return
        started = time.perf_counter()
        if self.pacer.run(self._train_one):
            self.publish()
        if self.experiment.trainer.diverged:
            self._set_running(False)
            return
        if started - self._state_at >= STATE_EVERY:
            self._state_at = started
            self.state = RunState(True, self.pacer.rate, self.pacer.measured())
        self.call_after_refresh(self._after_draw, run, started)

    def _after_draw(self, run: int, started: float) -> None:
        wait = FRAME - (time.perf_counter() - started)
        if wait > 0.001:
            self.set_timer(wait, partial(self._frame, run))
        else:
            self._frame(run)

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action not in MAIN_SCREEN_ONLY or not isinstance(self.screen, ModalScreen)

    def action_step(self) -> None:
        if self.running:
            self._set_running(False)
        self.resume_present()
        if self.walk is not None and not self.walk.finished:
            self.walk = None  # the epoch is trained already: show all of it
            self.publish()
            return
        if self.experiment.trainer.diverged:
            self._warn_diverged()
            return
        self.experiment.trainer.train_epoch()
        self.publish()

    def action_phase(self) -> None:
        """One phase of backprop further inside the epoch (see ``phase_state``)."""
        if self.running:
            self._set_running(False)
        self.resume_present()
        walk = next_walk(self.walk, self.experiment.trainer)
        if walk is None:
            self._warn_diverged()
            return
        self.walk = walk
        diagram = self.query_one(NetworkDiagram)
        diagram.selected = follow(walk, diagram.selected, self.network.sizes)
        self.publish()

    def _warn_diverged(self) -> None:
        self.notify(DIVERGED_ADVICE, severity="warning")

    def action_gradient_check(self) -> None:
        """Check the latest network, or while looking back the earlier epoch's on screen
        (during a walk: the walked epoch's weights after its update, as the intro says)."""
        self._set_running(False)  # the check reads the weights: nothing may train meanwhile
        past = self.looking.state
        epoch, params = (past.epoch, past.params) if past is not None else (None, None)
        self.push_screen(GradientCheckScreen(self.experiment.trainer, self.network, epoch, params))

    def action_toggle_run(self) -> None:
        self.resume_present()
        if not self.running and self.experiment.trainer.diverged:
            self._warn_diverged()
            return
        self._set_running(not self.running)

    def action_faster(self) -> None:
        self.pacer.faster()
        self.state = RunState(self.running, self.pacer.rate, self.state.measured)

    def action_slower(self) -> None:
        self.pacer.slower()
        self.state = RunState(self.running, self.pacer.rate, self.state.measured)

    def action_reset(self) -> None:
        self.end_run("reset")
        self.experiment.trainer.reset()
        self.publish()

    def action_new_weights(self) -> None:
        self.end_run("new weights")
        self.experiment.trainer.reset(new_weights=True)
        self.publish()

    def action_learning_rate(self, direction: int) -> None:
        trainer = self.experiment.trainer
        lr = next_rate(trainer.config.lr, direction)
        trainer.set_lr(lr)
        self.experiment.settings = replace(self.experiment.settings, lr=lr)
        self.info = run_info(self.experiment)
        self._show_overlay()  # its caption says what differs, lr included
        self.notify(f"learning rate {lr:g}", timeout=2)

    def action_sample(self, step: int) -> None:
        """Cycle the row shown: the batch mean, then each row of the last batch."""
        view = self.view
        rows = view.batch_rows if view is not None else 0
        if rows == 0:
            return
        current = -1 if self.sample is None else self.sample
        nxt = (current + 1 + step) % (rows + 1) - 1
        self.sample = None if nxt < 0 else nxt
        self.publish()

    def action_open_csv(self) -> None:
        self._set_running(False)
        self.push_screen(OpenCsvScreen(Path.cwd(), self._open))

    def _open(self, path: str) -> str | None:
        """Switch to the CSV at ``path``, or say why not and change nothing."""
        try:
            experiment = open_csv(self.experiment, path)
        except (ValueError, OSError) as err:
            return str(err)
        self.switch_to(experiment, "new dataset")
        self.notify(f"opened {path}: {experiment.dataset.n_rows} rows", markup=False)
        return None

    def action_save(self) -> None:
        weights, log = save_paths(self.experiment)
        try:
            self.experiment.save_weights(weights)
            self.experiment.write_log(log)
        except OSError as err:
            self.notify(f"could not save: {err}", severity="error", markup=False)
            return
        self.notify(
            f"weights → {weights.resolve()}\nmetrics → {log.resolve()}", title="Saved", markup=False
        )

    def action_gradients(self) -> None:
        pane = self.query_one(WeightsPane)
        pane.gradients = not pane.gradients

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_zoom(self) -> None:
        if self.screen.maximized is not None:
            self.screen.minimize()
            return
        focused = self.focused
        if focused is not None:
            self.screen.maximize(focused)

    def on_network_diagram_selected(self, message: NetworkDiagram.Selected) -> None:
        self.query_one(NeuronDetail).selected = (message.layer, message.neuron)


def run_app(experiment: Experiment) -> int:
    result = BackpropApp(experiment).run()
    return 0 if result is None else result
