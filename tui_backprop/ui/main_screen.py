"""The main screen: the panes on one experiment, and every action that drives its run.

The screen owns the run: the experiment, the epoch being walked through (``n``), the
epoch being looked back at, the runs kept to compare with and the speed of a playing
run. After anything changes it publishes one immutable ``TrainingView``, which it hands
to the status line and the panes (see ``watch_view``); the panes only draw what the view
holds.

A playing run trains in its own process (see ``model.training_process``): the screen
asks it for the latest epoch at most ``1 / FRAME`` times a second, one request at a
time, publishes what comes back, and takes the whole run back on pause. Frames are
read off the pipe in a thread, a large one less often (``model.frame_reader``), so a
big network's step records never hold the keys. Every other key works on the run in
this process, paused.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import io
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer

from tui_backprop.data import Progress
from tui_backprop.data.folder import csv_in, csv_names
from tui_backprop.engine import Trainer
from tui_backprop.engine.config import parameter_count
from tui_backprop.experiment import Experiment
from tui_backprop.lesson import VIEWS, Lesson, Step
from tui_backprop.output_files import claim, release
from tui_backprop.served_tab import LOCAL, TabPolicy
from tui_backprop.settings import Settings, next_rate
from tui_backprop.setup_file import SetupError, command_line, write_setup
from tui_backprop.ui.checked_file import CheckedFile
from tui_backprop.ui.hand_made import HandMade
from tui_backprop.ui.key_bindings import screen_bindings
from tui_backprop.ui.model.dataset_menu import data_seed_of, menu_defaults, open_builtin, regenerate
from tui_backprop.ui.model.downloads import Download, exported_files, saved_files, setup_file
from tui_backprop.ui.model.experiment_files import open_csv, run_info, save_run
from tui_backprop.ui.model.export import export
from tui_backprop.ui.model.frame_reader import FrameReader
from tui_backprop.ui.model.hand_edits import diverged_advice
from tui_backprop.ui.model.input_features import toggled
from tui_backprop.ui.model.kept_runs import (
    KeptRuns,
    earlier_boundary,
    effective_settings,
    settings_diff,
)
from tui_backprop.ui.model.key_gate import KeySituation, Refusal, refusal
from tui_backprop.ui.model.lesson_answers import revealed
from tui_backprop.ui.model.lesson_steps import (
    LessonState,
    step_settings,
    walk_to,
)
from tui_backprop.ui.model.live_run import LiveRun
from tui_backprop.ui.model.looking_back import HistoryCursor, PastView, discarded, fork_hint, jump
from tui_backprop.ui.model.map_choice import (
    DELTAS,
    GALLERY,
    MAP,
    MapChoice,
    follow_selection,
    next_choice,
)
from tui_backprop.ui.model.numbering import file_tag, named
from tui_backprop.ui.model.pacing import Pacer
from tui_backprop.ui.model.reconfigure import apply
from tui_backprop.ui.model.run_info import PlayState, RunInfo
from tui_backprop.ui.model.scene import Scene, scene_of
from tui_backprop.ui.model.settings_form import label_of, needs_reset
from tui_backprop.ui.model.training_process import (
    Frame,
    TrainingLost,
    TrainingProcess,
)
from tui_backprop.ui.model.view import Network, TrainingView, describe_network, snapshot
from tui_backprop.ui.model.walk import Walk, follow, live, next_walk, phase_view, walk_of
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.chart_pane import MetricsChart, Overlay
from tui_backprop.ui.panes.confusion_pane import ConfusionPane
from tui_backprop.ui.panes.deltas_pane import DeltasPane
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram, NetworkPane
from tui_backprop.ui.panes.footer_pane import KeyFooter
from tui_backprop.ui.panes.hidden_space_pane import HiddenSpacePane
from tui_backprop.ui.panes.landscape_pane import LandscapePane
from tui_backprop.ui.panes.lesson_pane import LessonPane
from tui_backprop.ui.panes.neuron_pane import NeuronDetail
from tui_backprop.ui.panes.question_pane import QuestionPane
from tui_backprop.ui.panes.status_pane import StatusLine
from tui_backprop.ui.panes.view_pane import ScenePane, ViewPane
from tui_backprop.ui.panes.weights_pane import WeightsPane
from tui_backprop.ui.screens.dataset_dialog import DatasetDialog
from tui_backprop.ui.screens.gradcheck_dialog import GradientCheckDialog
from tui_backprop.ui.screens.help_dialog import show_help
from tui_backprop.ui.screens.open_csv_dialog import OpenCsvDialog, Opened
from tui_backprop.ui.screens.rows_log_dialog import RowsLogDialog
from tui_backprop.ui.screens.settings_dialog import SettingsDialog

PANE_TITLES = {
    "#network-pane": "Network",
    "#deltas": "Backward pass: δ and gradient size",
}
STATE_EVERY = 0.25  # seconds between updates of the measured speed
FRAME = 1 / 24  # seconds between frame requests while a run plays
PANE_PERIOD = 0.2  # seconds between redraws of one pane while a run plays
STEP_THREAD = "step"  # the thread a slow step trains in (see ui.app.run_app on quitting)
SLOW_EPOCH = 0.05  # seconds: a step that took longer runs off the UI thread next time
# Multiply-adds of one epoch's forward pass (rows × weights) above which even a run's
# first, untimed step trains off the UI thread (~10 ms of NumPy at this size).
SLOW_WORK = 5_000_000
PANES_PER_FRAME = 2
DIVERGED_ADVICE = "The run has diverged: {advice}."
SHOWING_BOUNDARY = "-boundary"  # class of #panes: the boundary in the chart's place
# Classes of #panes for the views shown in the chart's place (C, H): one at a time.
IN_CHART_PLACE = ("-confusion", "-hidden", "-landscape")
# A lesson step's views (lesson.VIEWS): the class of #panes that shows each, the pane it
# is drawn in, and the boundary pane's maps.
VIEW_CLASSES = {"confusion": "-confusion", "hidden-space": "-hidden", "landscape": "-landscape"}
VIEW_PANES = {
    "chart": "#chart",
    "confusion": "#confusion",
    "hidden-space": "#hidden-space",
    "landscape": "#landscape",
}
VIEW_MAPS = {"map": MAP, "gallery": GALLERY, "delta-gallery": DELTAS}
ZOOM_PANES = {"network": "#network-pane", "weights": "#weights", "deltas": "#deltas"}
T = TypeVar("T")


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings()
    # A zoomed pane keeps the lesson's step in view (below it): a step may zoom a pane.
    ALLOW_IN_MAXIMIZED_VIEW: ClassVar[str | None] = "Footer, LessonPane, QuestionPane"

    # The screen only hands these on (to the status line and the panes): repainting the
    # screen itself on every change would redraw the whole terminal every frame.
    view: reactive[TrainingView | None] = reactive(None, repaint=False)
    info: reactive[RunInfo] = reactive(RunInfo("", ""), repaint=False)
    state: reactive[PlayState] = reactive(PlayState(), repaint=False)

    def __init__(
        self,
        experiment: Experiment,
        lesson: Lesson | None = None,
        tab: TabPolicy = LOCAL,
        check: Path | None = None,
    ) -> None:
        super().__init__()
        self.experiment = experiment
        self.lesson = LessonState(lesson)  # a teacher's steps, hidden and locked commands
        self.tab = tab  # a served tab reaches no file of the server's
        self.network: Network = self._network()
        self.sample: int | None = 0  # row 1 (see action_sample)
        self.walk: Walk | None = None  # an epoch being walked through phase by phase (n)
        self.looking = HistoryCursor()  # an earlier epoch being looked at
        self.kept = KeptRuns()  # earlier runs, to compare with
        self.pacer = Pacer()
        self.process = TrainingProcess()  # trains the run while it plays
        self._live: LiveRun | None = None  # what the process has shown of a playing run
        self._until: int | None = None  # the epoch count a lesson step plays to
        self._ticker: Timer | None = None
        self.frames = FrameReader(self.process)  # reads its frames in a thread
        self._state_at = 0.0
        self._epoch_seconds = _first_guess(experiment)  # how long the last step took
        self._stepping = False  # a slow step is training in a thread
        self._forwarding = False  # another screen does a key of this one's (the rows view)
        self._after_step: list[Callable[[], None]] = []  # writes asked for meanwhile
        self._panes: dict[ViewPane, float] = {}  # each pane: when it was last handed a view
        self._viewed_at = 0.0  # when the last view was handed on
        self.hand = HandMade(self)  # weights edited and points added by hand
        # the student's own backprop (--check), graded on the step on screen
        self.checked = None if check is None else CheckedFile(self, check)

    def compose(self) -> ComposeResult:
        yield StatusLine(id="status").data_bind(MainScreen.view, MainScreen.info, MainScreen.state)
        if self.lesson.lesson is not None:
            yield LessonPane(id="lesson")
        with Grid(id="panes"):
            with NetworkPane(id="network-pane"):
                yield NetworkDiagram(id="diagram")
                yield NeuronDetail(id="neuron")
            yield BoundaryPane(id="boundary")
            yield MetricsChart(id="chart")
            yield ConfusionPane(id="confusion")
            yield HiddenSpacePane(id="hidden-space")
            yield LandscapePane(id="landscape")
            yield WeightsPane(id="weights")
            yield DeltasPane(id="deltas")
        if self.lesson.lesson is not None:  # a step's question, in the footer's row
            yield QuestionPane(self.lesson, id="question")
        yield KeyFooter()

    def on_mount(self) -> None:
        # Every pane that draws the view but the status line, which is bound to it
        # (``compose``) and shows every frame.
        # (By class, not a type selector: that names a widget's first bases only.)
        panes = (p for p in self.query().results(ViewPane) if not isinstance(p, StatusLine))
        self._panes = dict.fromkeys(panes, 0.0)
        for selector, title in PANE_TITLES.items():
            self.query_one(selector).border_title = title
        self.info = run_info(self.experiment)
        self.state = PlayState(False, self.pacer.rate)
        self.show_scene()
        self.publish()
        self._say_image()
        self.query_one(NetworkDiagram).focus()
        if self.checked is not None:
            self.checked.start()
        if self.lesson.step is not None:
            self._enter_step(self.lesson.step)
        # Start-up leaves ~10^5 long-lived objects whose full GC passes (30-40 ms) would
        # stall a frame now and then; freezing them keeps those passes short.
        self.call_after_refresh(gc.freeze)

    def _network(self) -> Network:
        ds, image = self.experiment.dataset, self.experiment.image
        return describe_network(
            self.experiment.trainer,
            ds.feature_names,
            ds.class_names,
            ds.label_name,
            None if image is None else (image.width, image.height),
        )

    @property
    def hidden_commands(self) -> frozenset[str]:
        """Commands the lesson hides, and those a served tab leaves out."""
        return self.lesson.hidden | self.tab.hidden_commands

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Textual's question for the footer and each key; the gate answers it. A locked
        key stays offered: the app says why it refuses (``BackpropApp.run_action``)."""
        refused = self.refusal(action)
        return refused is None or refused.offered

    def refusal(self, action: str) -> Refusal | None:
        """Why ``action`` may not run now (see ``model.key_gate``), or None if it may."""
        covered = not (self.is_active or self._forwarding)
        now = KeySituation(self.hidden_commands, self.lesson.locked, covered, self._stepping)
        return refusal(action, now)

    @contextmanager
    def forwarded(self) -> Iterator[None]:
        """Keys another screen does on this one's behalf (the rows view's) pass the gate
        as if this screen were on top."""
        self._forwarding = True
        try:
            yield
        finally:
            self._forwarding = False

    # -- what the panes show ----------------------------------------------------------------

    def publish(self) -> None:
        """Hand every pane the run as it is now, or as it was at the epoch looked at."""
        trainer = self.experiment.trainer
        if self._live is None:
            self.hand.show_edits()
        past = self._past_view()
        if past is not None:
            self.view = past
            return
        if self._live is not None:
            self.view = self._live.view(self.network, self.sample) or self.view
            return
        self.walk = live(self.walk, trainer)
        if self.walk is not None:
            self.view = phase_view(trainer, self.network, self.sample, self.walk)
            return
        self.view = snapshot(trainer, self.network, self.sample)

    def validate_view(self, view: TrainingView | None) -> TrainingView | None:
        """Every view, with the check of the student's file on its step (``--check``)."""
        return view if self.checked is None else self.checked.marked(view)

    def watch_view(self, view: TrainingView | None) -> None:
        """Hand the view to the panes. While a run plays the status line shows every
        frame, and each pane at most every ``PANE_PERIOD`` seconds, the stalest
        ``PANES_PER_FRAME`` first, so no frame redraws every pane. When frames come
        further apart than that (a large network's), every pane takes each one, still
        ``PANES_PER_FRAME`` a screen refresh, so a key never waits for all of them."""
        now = time.perf_counter()
        panes = sorted(self._panes, key=self._panes.__getitem__)
        if self.running:
            due = [p for p in panes if p.display and now - self._panes[p] >= PANE_PERIOD]
            panes, rest = due[:PANES_PER_FRAME], due[PANES_PER_FRAME:]
            if rest and now - self._viewed_at >= PANE_PERIOD:
                self.call_after_refresh(self._hand_on, view, rest)
        self._viewed_at = now
        self._hand(view, panes)

    def _hand(self, view: TrainingView | None, panes: list[ViewPane]) -> None:
        now = time.perf_counter()
        for pane in panes:
            pane.view = view
            self._panes[pane] = now

    def _hand_on(self, view: TrainingView | None, panes: list[ViewPane]) -> None:
        """The next few panes take ``view`` after a refresh, unless a newer one came."""
        if view is not self.view:
            return
        self._hand(view, panes[:PANES_PER_FRAME])
        if panes[PANES_PER_FRAME:]:
            self.call_after_refresh(self._hand_on, view, panes[PANES_PER_FRAME:])

    def _past_view(self) -> TrainingView | None:
        state = self.looking.state
        if state is None:
            return None
        first = state.last_records[0] if state.last_records else None
        trainer = self.experiment.trainer
        return PastView(
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
            fork_asked=self.looking.asked,
        )

    def show_scene(self, scene: Scene | None = None) -> None:
        scene = scene or scene_of(self.experiment)
        for pane in self.query().results(ScenePane):
            pane.scene = scene

    def switch_to(self, experiment: Experiment, why: str, scene: Scene | None = None) -> str | None:
        """Make ``experiment`` the one every pane shows (``scene``: its boundary's, if made),
        with the settings the lesson locks kept; why not, when they cannot be kept."""
        kept = self.lesson.keeping_locks(experiment, self.settings_now)
        if isinstance(kept, str):
            return kept
        if kept is not experiment:
            experiment, scene = kept, None  # other features: another plane
        self.end_run(why)
        self.experiment = experiment
        self._epoch_seconds = _first_guess(experiment)
        self.network = self._network()
        self.sample = 0
        self.info = run_info(experiment)
        self.show_scene(scene)
        self.publish()
        self._say_image()
        return None

    def _say_image(self) -> None:
        """The one line that says the features were found to be a picture."""
        for line in self.experiment.image_notes():
            self.notify(line, title="Pictures", markup=False, timeout=6)

    @property
    def settings_now(self) -> Settings:
        return effective_settings(self.experiment)

    def resume_present(self, keys: str = "space, n or p") -> bool:
        """Before training (or an edit, with its ``keys``): from an earlier epoch the
        first training key only asks (the later epochs would be lost, see
        ``model.looking_back``), the second forks the run there. False while asking:
        nothing may train yet."""
        looked_at = self.looking.epoch
        if looked_at is None:
            return True
        if not self.looking.may_train():
            self.publish()
            hint = fork_hint(looked_at, self.experiment.trainer.epoch)
            self.notify(f"Press {keys} again to {hint}; end keeps them.", timeout=6)
            return False
        gone = discarded(looked_at, self.experiment.trainer.epoch)
        self.kept.keep(self.experiment, f"fork from {named(looked_at)}")
        self.looking.fork(self.experiment.trainer)
        self.walk = None  # a walk through a later epoch no longer exists
        self.notify(f"forked at {named(looked_at)}: {gone} discarded (c overlays them)", timeout=4)
        self._show_overlay()
        return True

    def end_run(self, why: str) -> None:
        """Before the run restarts: keep it to compare with, and stop looking back."""
        self.kept.keep(self.experiment, why)
        self.looking.leave()
        self.call_later(self._show_overlay)  # its caption compares with the next run

    # -- running ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.process.playing

    @property
    def stepping(self) -> bool:
        """A slow epoch trains in a thread: keys that read or change the run wait."""
        return self._stepping

    def _set_running(self, running: bool) -> None:
        if running and not self.running:
            self._play()
        elif not running and self.running:
            self._pause()
        lost = "" if self.running else self.state.lost  # said until the run plays again
        self.state = PlayState(self.running, self.pacer.rate, 0.0, lost=lost, until=self._until)

    def _play(self) -> None:
        trainer = self.experiment.trainer
        self._live = LiveRun(trainer)
        until = self._until  # a lesson step's epoch: as fast as it goes, then stop there
        rate = self.pacer.rate if until is None else math.inf
        try:
            pipe = self.process.play(trainer, rate, until)
        except TrainingLost as err:
            self._live = None
            self.notify(f"Could not start training: {err}.", severity="error", markup=False)
            return
        self.frames.start(pipe, self._frame_arrived, self._lost)
        self._ticker = self.set_interval(FRAME, self._ask_frame)
        self._ask_frame()

    def _pause(self) -> None:
        """Take the run back from the training process; the screen shows where it got."""
        self._until = None  # a pause ends a lesson step's run too, wherever it got
        self._stop_ticking()
        try:
            back = self.process.stop(self.frames.patience())
            assert self._live is not None
            self.experiment.trainer.continue_from(self._live.taken_back(back))
        except TrainingLost as err:
            self._go_on_without_process(err)
        self._live = None
        self._took_back()

    def _took_back(self) -> None:
        """The run is back in this process: the rate it really has (one chosen while it
        played is lost with a lost process), and every pane shows it."""
        lr = self.experiment.trainer.config.lr
        self.experiment.settings = replace(self.experiment.settings, lr=lr)
        self.info = run_info(self.experiment)
        self._show_overlay()
        self.publish()

    def _stop_ticking(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self.frames.stop()

    def _ask_frame(self) -> None:
        try:
            self.frames.ask()
        except TrainingLost as err:
            self._lost(err)

    def _frame_arrived(self, frame: Frame) -> None:
        live = self._live
        if live is None:
            return
        if live.add(frame):  # a frame of an epoch already shown repaints nothing
            self.publish()
        now = time.perf_counter()
        if now - self._state_at >= STATE_EVERY:
            self._state_at = now
            self.state = PlayState(True, self.pacer.rate, frame.measured, until=self._until)
        if frame.diverged or frame.stopped:
            self._set_running(False)
            self._say_stopped()
        elif self._until is not None and frame.epoch >= self._until:
            self._set_running(False)
            step = self.lesson.step
            self._walk_to(step.run_to_phase if step is not None else None)

    def _lost(self, err: TrainingLost) -> None:
        """The process died or stopped answering mid-run: go on from its last frame."""
        self._stop_ticking()
        self.process.forget()
        self._go_on_without_process(err)
        self._live = None
        self._took_back()

    def _go_on_without_process(self, err: TrainingLost) -> None:
        """The run goes on from the last epoch a frame delivered (from the run as it was
        at ``p`` when none came); the status line and a notice say so."""
        live = self._live
        from_frames = live is not None and live.resume(self.experiment.trainer)
        where = named(self.experiment.trainer.epoch)
        said = "the last it sent" if from_frames else "where it started playing"
        why = str(err)
        self.state = PlayState(False, self.pacer.rate, lost=f"{why}; went on from {where}")
        self.notify(
            f"{why[:1].upper()}{why[1:]}: the run goes on from {where}, {said}.",
            severity="error",
            timeout=8,
            markup=False,
        )

    def on_unmount(self) -> None:
        if self.checked is not None:
            self.checked.close()
        self._stop_ticking()
        self.process.close()
        self.frames.close()

    # -- training keys ----------------------------------------------------------------------

    def action_step(self) -> None:
        if self.running:
            self._set_running(False)
        if not self.resume_present():
            return
        if self.walk is not None and not self.walk.finished:
            self.walk = None  # the epoch is trained already: show all of it
            self.publish()
            return
        if self.experiment.trainer.diverged:
            self._warn_diverged()
            return
        self._train(lambda: self.experiment.trainer.train_epoch(), lambda _: self._stepped())

    def _stepped(self) -> None:
        self.publish()
        self._say_stopped()

    def _say_stopped(self) -> None:
        """The status line says why a stop rule paused the run at the epoch just trained."""
        trainer = self.experiment.trainer
        reason = trainer.stopped if trainer.stopped_now and trainer.stopped else ""
        if reason != self.state.stopped:
            self.state = replace(self.state, stopped=reason)

    def action_phase(self) -> None:
        """One phase of backprop further inside the epoch (see ``model.walk``)."""
        if self.running:
            self._set_running(False)
        if not self.resume_present():
            return
        walk = live(self.walk, self.experiment.trainer)
        nxt = walk.advanced() if walk is not None else None
        if nxt is not None:  # a phase of the epoch already trained
            self._walked(nxt)
        else:  # the first phase trains the next epoch
            self._train(lambda: next_walk(walk, self.experiment.trainer), self._walked)

    def _walked(self, walk: Walk | None) -> None:
        if walk is None:
            self._warn_diverged()
            return
        self.walk = walk
        diagram = self.query_one(NetworkDiagram)
        diagram.selected = follow(walk, diagram.selected, self.network.sizes)
        self.publish()

    def _train(self, epoch: Callable[[], T], then: Callable[[T], None]) -> None:
        """Train one epoch by ``epoch()``, then ``then(its result)``. An epoch measured
        slower than ``SLOW_EPOCH`` trains in a thread: NumPy's matrix products at that
        size release the GIL, so keys are answered meanwhile; keys that change the run
        wait (see ``model.key_gate``) until it is done."""
        if self._epoch_seconds <= SLOW_EPOCH:
            started = time.perf_counter()
            result = epoch()
            self._epoch_seconds = time.perf_counter() - started
            then(result)
            return
        self._set_stepping(True)
        self._train_in_thread(epoch, then)

    def _train_in_thread(self, epoch: Callable[[], T], then: Callable[[T], None]) -> None:
        """Train in a daemon thread: quitting mid-step (a large network's, a lesson's run
        of epochs) does not wait for it, as a worker on asyncio's executor would (see
        ``ui.app.run_app``)."""
        loop = asyncio.get_running_loop()
        here = contextvars.copy_context()  # the app's, for what ``then`` starts

        def train() -> None:
            started = time.perf_counter()
            try:
                result = epoch()
            except Exception as err:  # raised on the screen's side: the app reports it
                done: Callable[[], None] = partial(_raise, err)
            else:
                self._epoch_seconds = time.perf_counter() - started
                done = partial(self._trained, then, result)
            with suppress(RuntimeError):  # the app has closed meanwhile
                loop.call_soon_threadsafe(self.call_next, done, context=here)

        threading.Thread(target=train, name=STEP_THREAD, daemon=True).start()

    def _trained(self, then: Callable[[T], None], result: T) -> None:
        self._set_stepping(False)
        then(result)
        waiting, self._after_step = self._after_step, []
        for write in waiting:
            write()

    def _waits_for_step(self, write: Callable[[], None]) -> bool:
        """While a slow step trains, a file key (``s``, ``e``, ``W``) writes once it is
        done, of the epoch it trained; said now, so the key is not thought lost."""
        if not self._stepping:
            return False
        if write not in self._after_step:
            self._after_step.append(write)
            self.notify("Writing once the epoch being trained is done.", timeout=3)
        return True

    def _set_stepping(self, stepping: bool) -> None:
        """The status line says a slow step is training. The footer stays as it is:
        ``check_action`` refuses the keys that wait, and recomposing the footer twice
        a step cost the keys answered meanwhile ~20 ms each time."""
        self._stepping = stepping
        self.state = replace(self.state, training=stepping)

    def _warn_diverged(self) -> None:
        edit = self.experiment.trainer.diverged_by_edit()
        advice = diverged_advice(self.network, edit)
        self.notify(DIVERGED_ADVICE.format(advice=advice), severity="warning", markup=False)

    def action_gradient_check(self) -> None:
        """Check the latest network, or while looking back the earlier epoch's on screen
        (during a walk: the walked epoch's weights after its update, as the intro says)."""
        self._set_running(False)  # the check reads the weights: nothing may train meanwhile
        past = self.looking.state
        epoch, params = (past.epoch, past.params) if past is not None else (None, None)
        trainer = self.experiment.trainer
        self.app.push_screen(GradientCheckDialog(trainer, self.network, epoch, params))

    def action_toggle_run(self) -> None:
        if not self.resume_present():
            return
        if not self.running and self.experiment.trainer.diverged:
            self._warn_diverged()
            return
        self._set_running(not self.running)

    def action_faster(self) -> None:
        self.pacer.faster()
        self._new_rate()

    def action_slower(self) -> None:
        self.pacer.slower()
        self._new_rate()

    def action_max_speed(self) -> None:
        self.pacer.toggle_max()
        self._new_rate()

    def _new_rate(self) -> None:
        if self.running:
            try:
                self.process.set_rate(self.pacer.rate)
            except TrainingLost as err:
                self._lost(err)
        self.state = PlayState(self.running, self.pacer.rate, self.state.measured)

    def action_reset(self) -> None:
        self._restart("reset", new_weights=False)

    def action_new_weights(self) -> None:
        self._restart("new weights", new_weights=True)

    def _restart(self, why: str, new_weights: bool) -> None:
        """Back to epoch 0; a playing run takes the run back first and plays on."""
        playing = self.running
        self._set_running(False)
        self.end_run(why)
        self.experiment.trainer.reset(new_weights=new_weights)
        self.publish()
        self._set_running(playing)

    def action_learning_rate(self, direction: int) -> None:
        lr = next_rate(self.experiment.settings.lr, direction)
        if self.running:  # the playing copy changes, and hands the change back on pause
            try:
                self.process.set_lr(lr)
            except TrainingLost as err:
                self._lost(err)
                return
            assert self._live is not None
            self._live.set_lr(lr)
        else:
            self.experiment.trainer.set_lr(lr)
        self.experiment.settings = replace(self.experiment.settings, lr=lr)
        self.info = run_info(self.experiment)
        self._show_overlay()  # its caption says what differs, lr included
        self.notify(f"learning rate {lr:g}", timeout=2)

    def action_sample(self, step: int) -> None:
        """Cycle the row shown: row 1 (the default), each further row of the last
        batch, then the batch mean. One row is the default because its equations close
        by hand; the mean's do not (the mean of σ(zᵢ) is not σ of the mean z). Before
        the first step the choice holds for the step to come."""
        view = self.view
        rows = view.batch_rows if view is not None and view.record is not None else 0
        rows = rows or self.experiment.trainer.batch_rows
        current = -1 if self.sample is None else self.sample
        nxt = (current + 1 + step) % (rows + 1) - 1
        self.sample = None if nxt < 0 else nxt
        self.publish()

    # -- panes ------------------------------------------------------------------------------

    def action_help(self) -> None:
        show_help(self.app, self.hidden_commands)

    def action_rows_log(self) -> None:
        """The epoch's rows and the per-epoch log; a playing run plays on."""
        self.app.push_screen(RowsLogDialog(self))

    def action_gradients(self) -> None:
        pane = self.query_one(WeightsPane)
        pane.gradients = not pane.gradients

    def action_weights_moment(self) -> None:
        """The weights the forward pass used, or those after the update (a walk's
        phase decides while one is shown)."""
        if walk_of(self.view) is not None:
            self.notify("In a walk the weights follow its phase: the new ones from the update.")
            return
        pane = self.query_one(WeightsPane)
        pane.used = self.query_one(NetworkDiagram).used = not pane.used
        pane.gradients = False

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        focused = self.focused
        if focused is not None:
            self.maximize(focused)

    def on_weights_pane_edit_cell(self, message: WeightsPane.EditCell) -> None:
        self.hand.edit_cell(message.layer - 1, message.row, message.column, message.value)

    def action_undo_edit(self) -> None:
        self.hand.undo_edit()

    def on_boundary_pane_point_asked(self, message: BoundaryPane.PointAsked) -> None:
        self.hand.point(message)

    def on_network_diagram_selected(self, message: NetworkDiagram.Selected) -> None:
        self.query_one(NeuronDetail).selected = (message.layer, message.neuron)
        self.query_one(WeightsPane).neuron = (message.layer, message.neuron)
        pane = self.query_one(BoundaryPane)
        pane.maps = follow_selection(pane.maps, (message.layer, message.neuron))

    def action_neuron_map(self, kinds: str) -> None:
        """Show the selected neuron's map or its layer's galleries (``kinds``, in turn)."""
        pane = self.query_one(BoundaryPane)
        pane.maps = next_choice(pane.maps, kinds, self.query_one(NetworkDiagram).selected)
        if pane.maps is not None and not self.has_class("-wide"):
            self.query_one("#panes").add_class(SHOWING_BOUNDARY)

    def action_map_page(self, step: int) -> None:
        pane = self.query_one(BoundaryPane)
        if pane.maps is not None:
            pane.maps = pane.maps.paged(step)

    def action_boundary(self) -> None:
        if self.has_class("-wide"):
            self.notify("At this width the boundary and the chart are both shown.", timeout=3)
            return
        self.minimize()  # a zoomed chart or boundary would be hidden, not swapped
        self.query_one("#panes").remove_class(*IN_CHART_PLACE).toggle_class(SHOWING_BOUNDARY)

    def show_view(self, name: str) -> None:
        """Show a view a lesson step names (one of ``lesson.VIEWS``) in the chart's place
        (the boundary and its maps: in their own pane from 150 columns)."""
        self.minimize()
        panes = self.query_one("#panes")
        panes.remove_class(SHOWING_BOUNDARY, *IN_CHART_PLACE)
        boundary = self.query_one(BoundaryPane)
        kind = VIEW_MAPS.get(name)
        boundary.maps = (
            None if kind is None else MapChoice(kind, *self.query_one(NetworkDiagram).selected)
        )
        if name in VIEW_CLASSES:
            panes.add_class(VIEW_CLASSES[name])
        elif name not in VIEW_PANES and not self.has_class("-wide"):
            panes.add_class(SHOWING_BOUNDARY)

    def zoom_to(self, name: str) -> None:
        """Zoom the pane a lesson step names (one of ``lesson.ZOOMS``: a pane, or the
        pane a view is drawn in); "none" zooms nothing."""
        self.minimize()
        if name != "none":
            self.maximize(self.query_one(ZOOM_PANES.get(name) or VIEW_PANES.get(name, "#boundary")))

    def action_confusion(self) -> None:
        self._in_chart_place("-confusion")

    def action_hidden_space(self) -> None:
        self._in_chart_place("-hidden")

    def action_landscape(self, switch: int) -> None:
        """Show the loss landscape in the chart's place, or the chart again (0); switch
        its plane between PCA and random directions, showing it (1)."""
        pane = self.query_one(LandscapePane)
        if switch:
            pane.switch_directions()
        if not (switch and pane.display):
            self._in_chart_place("-landscape")

    def _in_chart_place(self, view: str) -> None:
        """Show ``view`` (a class of IN_CHART_PLACE) where the chart is, or the chart again."""
        self.minimize()
        panes = self.query_one("#panes")
        showing = panes.has_class(view)
        panes.remove_class(SHOWING_BOUNDARY, *IN_CHART_PLACE)
        if not showing:
            panes.add_class(view)

    def action_hidden_axes(self, layer: int) -> None:
        """The hidden space's next pair of neurons (0), or its next hidden layer (1)."""
        pane = self.query_one(HiddenSpacePane)
        choice = pane.choice
        pane.choice = choice.next_layer(self.network.sizes) if layer else choice.next_pair()
        if not pane.display:
            self._in_chart_place("-hidden")

    # -- history ----------------------------------------------------------------------------

    def action_history(self, step: int) -> None:
        """Show the epoch ``step`` epochs before (negative) or after the one shown."""
        self._look(self.looking.move_by, step)

    def action_history_jump(self, direction: int) -> None:
        self._set_running(False)  # the run's length is known once it is back
        step = direction * jump(self.experiment.trainer.epoch)
        self._look(self.looking.move_by, step)

    def action_history_edge(self, end: int) -> None:
        """The first epoch (``end`` 0) or the latest (1)."""
        self._set_running(False)
        self._look(self.looking.move_to, end * self.experiment.trainer.epoch)

    def _look(self, move: Callable[[Trainer, int], int], value: int) -> None:
        self._set_running(False)
        trainer = self.experiment.trainer
        if trainer.epoch == 0:
            self.notify("No history yet: train some epochs first (space or p).", timeout=3)
            return
        move(trainer, value)
        self.publish()

    # -- data, settings and files -----------------------------------------------------------

    def action_open_csv(self) -> None:
        if self.tab.served:  # hidden there; the dataset menu lists the data folder instead
            return
        self._set_running(False)
        self.app.push_screen(OpenCsvDialog(Path.cwd(), self._open, self._load))

    def _open(self, path: str) -> str | None:
        """Switch to the CSV at ``path``, or say why not and change nothing."""
        return self._load(path, None)()

    def _load(self, path: str, progress: Progress | None, name: str | None = None) -> Opened:
        """Read the CSV at ``path`` and prepare its experiment without touching the
        screen's (safe in a worker thread while the dialog covers the screen); what it
        returns switches to it on the UI thread, or answers why not. The note says
        ``name`` (a served tab's file, without the server's folder) or the path."""
        try:
            experiment = open_csv(self.experiment, path, progress)
            scene = scene_of(experiment)  # a large file's projection takes seconds
        except (ValueError, OSError) as err:
            return partial(str, err)

        def switch() -> str | None:
            why = self.switch_to(experiment, "new dataset", scene)
            if why is None:
                rows = experiment.dataset.n_rows
                self.notify(f"opened {name or path}: {rows} rows", markup=False)
            return why  # the dialog stays open and says it

        return switch

    def action_datasets(self) -> None:
        self._set_running(False)
        points, noise = menu_defaults(self.experiment)
        name = self.experiment.dataset.name
        if self.tab.served:  # the data folder's files by name, no file dialog
            folder = self.tab.data_dir
            files = csv_names(folder) if folder else ()
            screen = DatasetDialog(
                name, points, noise, self._choose_dataset, None, files, self._open_data_file
            )
        else:
            screen = DatasetDialog(name, points, noise, self._choose_dataset, self.action_open_csv)
        self.app.push_screen(screen)

    def _open_data_file(self, name: str) -> str | None:
        """Switch to the data folder's CSV called ``name``; a name it does not list is
        refused."""
        if self.tab.data_dir is None:
            return "no data folder: the server was started without --data-dir"
        try:
            path = csv_in(self.tab.data_dir, name)
        except ValueError as err:
            return str(err)
        return self._load(str(path), None, name)()

    def _choose_dataset(self, name: str, points: int, noise: float) -> str | None:
        try:
            experiment = open_builtin(self.experiment, name, points, noise)
        except ValueError as err:
            return str(err)
        why = self.switch_to(experiment, "new dataset")
        if why is None:
            self.notify(f"dataset {name}: {self.experiment.dataset.n_rows} rows", timeout=3)
        return why

    def action_new_data(self) -> None:
        self._set_running(False)
        try:
            experiment = regenerate(self.experiment)
        except ValueError as err:
            self.notify(str(err), severity="warning", timeout=4)
            return
        why = self.switch_to(experiment, "new data")
        if why is not None:
            self.notify(why, severity="warning", timeout=4)
            return
        seed = data_seed_of(experiment)
        self.notify(f"new data (data seed {seed}): the run restarts", timeout=3)

    def action_feature(self, direction: int) -> None:
        """Drop the selected input's feature (-1) or add the next unused one (1)."""
        self._set_running(False)
        layer, neuron = self.query_one(NetworkDiagram).selected
        try:
            features = toggled(self.experiment, direction, neuron if layer == 0 else None)
        except ValueError as err:
            self.notify(str(err), severity="warning", timeout=4)
            return
        why = self._apply_settings(replace(effective_settings(self.experiment), features=features))
        if why:
            self.notify(why, severity="warning", timeout=4)

    def action_settings(self) -> None:
        self._set_running(False)
        locked = self.lesson.locked_settings  # shown, not editable
        left_out = self.tab.hidden_settings  # a served tab names no file of the server's
        screen = SettingsDialog(self.settings_now, self._apply_settings, locked, left_out)
        self.app.push_screen(screen)

    def _apply_settings(self, new: Settings) -> str | None:
        locked = self.lesson.refusal(self.settings_now, new)
        if locked is not None:
            return locked
        try:
            experiment, names = apply(self.experiment, new)
        except (ValueError, OSError) as err:
            return str(err)
        changes = ", ".join(map(label_of, names))
        if experiment is not self.experiment:
            self.switch_to(experiment, "new settings")
            reset = ", ".join(map(label_of, needs_reset(names)))
            self.notify(f"back to the initial weights for {reset}", title="Settings", timeout=4)
        elif names:
            self.info = run_info(experiment)
            self._show_overlay()
            self.notify(f"applied live: {changes}", title="Settings", timeout=3)
        return None

    def action_save(self) -> None:
        if self._waits_for_step(self.action_save):
            return
        self._set_running(False)  # saves the latest epoch, which the app holds once paused
        if self.tab.served:
            self._deliver(saved_files(self.experiment), "Saved")
            return
        try:
            weights, log = save_run(self.experiment)
        except OSError as err:
            self.notify(f"could not save: {_in_words(err)}", severity="error", markup=False)
            return
        self.notify(
            f"weights → {weights.resolve()}\nmetrics → {log.resolve()}", title="Saved", markup=False
        )

    def action_export(self) -> None:
        if self._waits_for_step(self.action_export):
            return
        self._set_running(False)
        epoch = self.looking.epoch
        shown = self.experiment.trainer.epoch if epoch is None else epoch
        svg, past = self.app.export_screenshot(), self.looking.state
        if self.tab.served:
            self._deliver(exported_files(self.experiment, past, file_tag(shown), svg), "Exported")
            return
        try:
            paths = export(self.experiment, file_tag(shown), Path.cwd(), svg, past)
        except OSError as err:
            self.notify(f"could not export: {_in_words(err)}", severity="error", markup=False)
            return
        self.notify(paths.lines(), title="Exported", markup=False)

    def action_write_setup(self) -> None:
        """The settings as a file ``--config`` reads back, and as a command line."""
        if self._waits_for_step(self.action_write_setup):
            return
        self._set_running(False)  # the settings of the run as handed back
        current = effective_settings(self.experiment)
        if self.tab.served:
            try:
                self._deliver((setup_file(current, self.experiment.dataset.name),), "Set-up")
            except SetupError as err:
                self.notify(f"could not write: {err}", severity="error", markup=False)
                return
            self.notify(command_line(current), title="Command line", markup=False)
            return
        stem = Path(self.experiment.dataset.name).stem
        path = None
        try:
            path = claim(Path.cwd() / f"{stem}-setup.toml")
            write_setup(current, path)
        except (OSError, SetupError) as err:
            release([path])
            self.notify(f"could not write: {_in_words(err)}", severity="error", markup=False)
            return
        said = f"{path.resolve()}\n{command_line(current)}"
        self.notify(said, title="Set-up written", markup=False)

    def _deliver(self, files: tuple[Download, ...], title: str) -> None:
        """Hand ``files`` to the browser of a served tab as downloads (Textual's web
        driver sends them to the page; nothing is written on the server)."""
        for file in files:
            self.app.deliver_binary(io.BytesIO(file.data), save_filename=file.name)
        names = "\n".join(f"{file.name} → your downloads" for file in files)
        self.notify(names, title=title, markup=False)

    # -- the lesson -------------------------------------------------------------------------

    def action_lesson_step(self, direction: int) -> None:
        step = self.lesson.move(direction)
        if step is None:
            end = "last" if direction > 0 else "first"
            self.notify(f"This is the lesson's {end} step.", timeout=2)
            return
        self.query_one(LessonPane).show(self.lesson)
        if direction > 0:
            self._enter_step(step)

    def on_question_pane_asking(self, message: QuestionPane.Asking) -> None:
        """Show the neuron and row asked about: its card holds what the answer needs."""
        asked = message.asked
        self.query_one(NetworkDiagram).selected = (asked.layer, asked.neuron)
        if asked.row is not None and asked.row != self.sample:
            self.sample = asked.row
            self.publish()

    def on_question_pane_answered(self, message: QuestionPane.Answered) -> None:
        """Walk on to the phase that computes the number asked (the learner's check)."""
        walk = revealed(live(self.walk, self.experiment.trainer), message.asked)
        if walk is not None:
            self._walked(walk)

    def action_lesson_text(self) -> None:
        self.query_one(LessonPane).toggle()

    def _enter_step(self, step: Step) -> None:
        """Show ``step``, set what it sets (settings, then its view and zoom) and run the
        app to where it asks: its epoch, then its phase."""
        self.query_one(LessonPane).show(self.lesson)
        self._set_running(False)
        self.resume_present()
        if step.settings:  # as the settings screen applies them: live, or a new run
            why = self._apply_settings(step_settings(step, self.settings_now))
            if why is not None:
                self.notify(why, title="This step's settings", severity="warning", timeout=8)
        view = step.view or (step.zoom if step.zoom in VIEWS else None)  # a zoomed view shows
        if view is not None:
            self.show_view(view)
        if step.zoom is not None:
            self.zoom_to(step.zoom)
        trainer = self.experiment.trainer
        todo = 0 if step.run_to_epoch is None else step.run_to_epoch - trainer.epoch
        if todo <= 0 or trainer.diverged:
            self._walk_to(step.run_to_phase)
            return
        # It plays, as p does, to that epoch: the panes follow it, the status line shows
        # where it is, and p, space or the step keys stop it where it got.
        self.walk = None
        self._until = step.run_to_epoch
        self._set_running(True)

    def _walk_to(self, kind: str | None) -> None:
        if kind is None:
            self.publish()
            return
        self._walked(walk_to(self.walk, self.experiment.trainer, kind))

    # -- comparing runs ---------------------------------------------------------------------

    def action_compare(self) -> None:
        run = self.kept.cycle()
        if run is None:
            self.notify(
                "comparison off"
                if self.kept.runs
                else "No earlier run yet: runs are kept when you reset, reseed, or "
                "change the data or settings.",
                timeout=3,
            )
        self.minimize()
        self.query_one("#panes").remove_class(SHOWING_BOUNDARY, *IN_CHART_PLACE)
        self._show_overlay()

    def _show_overlay(self) -> None:
        run = self.kept.shown
        chart = self.query_one(MetricsChart)
        boundary = self.query_one(BoundaryPane)
        boundary.earlier = None if run is None else earlier_boundary(run, self.experiment)
        if run is None:
            chart.overlay = None
            return
        caption = settings_diff(run, self.experiment)
        if run.ended.startswith(("fork", "edited")):  # the epochs a fork or edit left
            caption += f" (before the {run.ended})"
        chart.overlay = Overlay(
            f"run {run.number}", caption, run.loss, run.test_loss, run.score, run.test_score, run.at
        )


def _raise(err: Exception) -> None:
    raise err


def _first_guess(experiment: Experiment) -> float:
    """How long a step is taken to last before one is timed: a large network on many
    rows counts as slow, so not even the first step keeps the keys waiting."""
    trainer = experiment.trainer
    work = len(trainer.problem.x_train) * parameter_count(trainer.sizes, bias=False)
    return SLOW_EPOCH * 2 if work > SLOW_WORK else 0.0


def _in_words(err: Exception) -> str:
    """``cannot write FILE: permission denied``, not ``[Errno 13] Permission denied: …``."""
    if not isinstance(err, OSError):
        return str(err)
    reason = (err.strerror or str(err)).lower()
    return f"cannot write {err.filename}: {reason}" if err.filename else reason
