"""The main screen: the panes on one session's run, and the keys that drive it.

The run and its rules live in the session (``ui.session``): each action asks the key
gate (``check_action``, from ``model.key_gate``), takes the run back from a playing
process when it needs it, calls the session and shows what it returns (``show``).
After anything changes the screen publishes one immutable ``TrainingView``, which it
hands to the status line and the panes (see ``watch_view``); the panes only draw what
the view holds.

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

from textual.binding import BindingType
from textual.timer import Timer

from tui_backprop.data import Progress
from tui_backprop.experiment import Experiment
from tui_backprop.lesson import VIEWS, Lesson, Step
from tui_backprop.served_tab import LOCAL, TabPolicy
from tui_backprop.settings import next_rate
from tui_backprop.ui.key_bindings import screen_bindings
from tui_backprop.ui.model.experiment_files import run_info
from tui_backprop.ui.model.frame_reader import FrameReader
from tui_backprop.ui.model.hand_edits import diverged_advice
from tui_backprop.ui.model.key_gate import HAND_EDIT, Refusal, refusal
from tui_backprop.ui.model.lesson_steps import LessonState, walk_to
from tui_backprop.ui.model.live_run import LiveRun
from tui_backprop.ui.model.numbering import named
from tui_backprop.ui.model.pacing import SLOW_EPOCH, Pacer, first_guess
from tui_backprop.ui.model.run_info import PlayState
from tui_backprop.ui.model.training_process import (
    Frame,
    TrainingLost,
    TrainingProcess,
)
from tui_backprop.ui.model.view import Network
from tui_backprop.ui.model.walk import Walk, follow, live, next_walk
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.chart_pane import MetricsChart, Overlay
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram
from tui_backprop.ui.panes.lesson_pane import LessonPane
from tui_backprop.ui.panes.weights_pane import WeightsPane
from tui_backprop.ui.panes_screen import PanesScreen
from tui_backprop.ui.screens.dataset_dialog import DatasetDialog
from tui_backprop.ui.screens.edit_value_dialog import EditValueDialog
from tui_backprop.ui.screens.gradcheck_dialog import GradientCheckDialog
from tui_backprop.ui.screens.help_dialog import show_help
from tui_backprop.ui.screens.open_csv_dialog import OpenCsvDialog, Opened
from tui_backprop.ui.screens.rows_log_dialog import RowsLogDialog
from tui_backprop.ui.screens.settings_dialog import SettingsDialog
from tui_backprop.ui.session.outcome import Outcome, ValuePrompt
from tui_backprop.ui.session.run_session import Session

STATE_EVERY = 0.25  # seconds between updates of the measured speed
FRAME = 1 / 24  # seconds between frame requests while a run plays
STEP_THREAD = "step"  # the thread a slow step trains in (see ui.app.run_app on quitting)
DIVERGED_ADVICE = "The run has diverged: {advice}."
T = TypeVar("T")


class MainScreen(PanesScreen):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings()

    def __init__(
        self, experiment: Experiment, lesson: Lesson | None = None, tab: TabPolicy = LOCAL
    ) -> None:
        super().__init__(with_lesson=lesson is not None)
        self.session = Session(experiment, lesson, tab)  # the run and its rules
        self.pacer = Pacer()
        self.process = TrainingProcess()  # trains the run while it plays
        self._live: LiveRun | None = None  # what the process has shown of a playing run
        self._until: int | None = None  # the epoch count a lesson step plays to
        self._ticker: Timer | None = None
        self.frames = FrameReader(self.process)  # reads its frames in a thread
        self._state_at = 0.0
        self._epoch_seconds = first_guess(experiment)  # how long the last step took
        self._stepping = False  # a slow step is training in a thread
        self._forwarding = False  # another screen does a key of this one's (the rows view)
        self._after_step: list[Callable[[], None]] = []  # writes asked for meanwhile

    # The session's state the training machinery reads, by the names it has always used.
    @property
    def experiment(self) -> Experiment:
        return self.session.experiment

    @property
    def network(self) -> Network:
        return self.session.network

    @property
    def lesson(self) -> LessonState:
        return self.session.lesson

    @property
    def walk(self) -> Walk | None:
        return self.session.walk

    @walk.setter
    def walk(self, walk: Walk | None) -> None:
        self.session.walk = walk

    def on_mount(self) -> None:
        self.take_panes()
        self.info = run_info(self.experiment)
        self.state = PlayState(False, self.pacer.rate)
        self.show_scene(self.session.scene)
        self.publish()
        self.query_one(NetworkDiagram).focus()
        if self.lesson.step is not None:
            self._enter_step(self.lesson.step)
        # Start-up leaves ~10^5 long-lived objects whose full GC passes (30-40 ms) would
        # stall a frame now and then; freezing them keeps those passes short.
        self.call_after_refresh(gc.freeze)

    # -- the key gate -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Textual's question for the footer and each key; the gate answers it. A locked
        key stays offered: the app says why it refuses (``BackpropApp.run_action``)."""
        refused = self.refusal(action)
        return refused is None or refused.offered

    def refusal(self, action: str) -> Refusal | None:
        """Why ``action`` may not run now (see ``model.key_gate``), or None if it may."""
        covered = not (self.is_active or self._forwarding)
        return refusal(action, self.session.situation(covered, self._stepping))

    @contextmanager
    def forwarded(self) -> Iterator[None]:
        """Keys another screen does on this one's behalf (the rows view's) pass the gate
        as if this screen were on top."""
        self._forwarding = True
        try:
            yield
        finally:
            self._forwarding = False

    async def forward_key(self, action: str) -> None:
        """Do ``action`` (``history(-1)``) for another screen, through the same gate as
        this screen's own keys: a locked one says why; a hidden one, or one that waits
        for an epoch training, does nothing."""
        with self.forwarded():
            await self.app.run_action(action, self)

    def _may_change(self) -> bool:
        """A change by hand in a pane: not while a slow epoch trains in a thread (its
        result would overwrite the change; the gate says so); a playing run pauses."""
        refused = self.refusal(HAND_EDIT)
        if refused is not None:
            if refused.words:
                self.notify(refused.words, timeout=2)
            return False
        self._set_running(False)
        return True

    # -- what the panes show ----------------------------------------------------------------

    def show(self, outcome: Outcome) -> str | None:
        """Show what a session operation changed and say what it says; the refusal it
        holds, for the dialog that asked (which stays open and shows it)."""
        if outcome.switched:
            self._epoch_seconds = first_guess(self.experiment)
            self.show_scene(self.session.scene)
        if outcome.info or outcome.switched:
            self.info = run_info(self.experiment)
        if outcome.publish:
            self.publish()
        if outcome.overlay:
            self._show_overlay()
        for file in outcome.files:  # Textual's web driver sends them to the page
            self.app.deliver_binary(io.BytesIO(file.data), save_filename=file.name)
        for said in outcome.said:
            self.notify(said.text, title=said.title, severity=said.severity, timeout=said.timeout)
        if outcome.prompt is not None:
            self._ask_value(outcome.prompt)
        return outcome.refused

    def publish(self) -> None:
        """Hand every pane the run as it is now, or as it was at the epoch looked at."""
        s = self.session
        if self._live is None:
            self.query_one(WeightsPane).note = s.edit_note()
        past = s.past_view()
        if past is not None:
            self.view = past
        elif self._live is not None:
            self.view = self._live.view(s.network, s.sample) or self.view
        else:
            self.view = s.present_view()

    def resume_present(self, keys: str = "space, n or p") -> bool:
        """The session's fork rule, shown: False while it asks (nothing may train yet)."""
        outcome = self.session.resume_present(keys)
        self.show(outcome)
        return outcome.go_on

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
        past = self.session.looking.state
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
        self.show(self.session.restart(why, new_weights))
        self._set_running(playing)

    def action_learning_rate(self, direction: int) -> None:
        lr = next_rate(self.session.settings.lr, direction)
        if self.running:  # the playing copy changes, and hands the change back on pause
            try:
                self.process.set_lr(lr)
            except TrainingLost as err:
                self._lost(err)
                return
            assert self._live is not None
            self._live.set_lr(lr)
        self.show(self.session.set_learning_rate(lr, trains_here=not self.running))

    def action_sample(self, step: int) -> None:
        """Cycle the row shown (``Session.next_sample``)."""
        self.show(self.session.next_sample(step, self.view))

    # -- panes ------------------------------------------------------------------------------

    def action_help(self) -> None:
        show_help(self.app, self.session.hidden_commands)

    def action_rows_log(self) -> None:
        """The epoch's rows and the per-epoch log; a playing run plays on."""
        self.app.push_screen(RowsLogDialog(self.session, self))

    def on_weights_pane_edit_cell(self, message: WeightsPane.EditCell) -> None:
        if self._may_change():
            hand = self.session.hand
            self.show(hand.edit_cell(message.layer - 1, message.row, message.column, message.value))

    def _ask_value(self, prompt: ValuePrompt) -> None:
        self.app.push_screen(
            EditValueDialog(
                prompt.name, prompt.current, lambda text: self.show(prompt.setter(text))
            )
        )

    def action_undo_edit(self) -> None:
        if self._may_change():
            self.show(self.session.hand.undo_edit())

    def on_boundary_pane_point_asked(self, message: BoundaryPane.PointAsked) -> None:
        if self._may_change():
            hand = self.session.hand
            self.show(hand.point(message.size, message.cell, message.add, message.label))

    # -- history ----------------------------------------------------------------------------
    # Each takes the run back first: its length is known once it is here.

    def action_history(self, step: int) -> None:
        self._set_running(False)
        self.show(self.session.history(step))

    def action_history_jump(self, direction: int) -> None:
        self._set_running(False)
        self.show(self.session.history_jump(direction))

    def action_history_edge(self, end: int) -> None:
        self._set_running(False)
        self.show(self.session.history_edge(end))

    # -- data, settings and files -----------------------------------------------------------

    def action_open_csv(self) -> None:
        if self.session.tab.served:  # hidden there; the dataset menu lists the data folder
            return
        self._set_running(False)
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
        self._set_running(False)
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

    def action_new_data(self) -> None:
        self._set_running(False)
        self.show(self.session.new_data())

    def action_feature(self, direction: int) -> None:
        """Drop the selected input's feature (-1) or add the next unused one (1)."""
        self._set_running(False)
        self.show(self.session.feature(direction, self.query_one(NetworkDiagram).selected))

    def action_settings(self) -> None:
        self._set_running(False)
        s = self.session
        locked = s.lesson.locked_settings  # shown, not editable
        left_out = s.tab.hidden_settings  # a served tab names no file of the server's
        apply = lambda new: self.show(s.apply_settings(new))  # noqa: E731
        self.app.push_screen(SettingsDialog(s.settings, apply, locked, left_out))

    def action_save(self) -> None:
        if self._waits_for_step(self.action_save):
            return
        self._set_running(False)  # saves the latest epoch, which the app holds once paused
        self.show(self.session.save())

    def action_export(self) -> None:
        if self._waits_for_step(self.action_export):
            return
        self._set_running(False)
        self.show(self.session.export(self.app.export_screenshot()))

    def action_write_setup(self) -> None:
        """The settings as a file ``--config`` reads back, and as a command line."""
        if self._waits_for_step(self.action_write_setup):
            return
        self._set_running(False)  # the settings of the run as handed back
        self.show(self.session.write_setup())

    # -- the lesson -------------------------------------------------------------------------

    def action_lesson_step(self, direction: int) -> None:
        moved = self.session.lesson_step(direction)
        self.show(moved)
        if not moved.go_on:
            return
        self.query_one(LessonPane).show(self.lesson)
        step = self.lesson.step
        if direction > 0 and step is not None:
            self._enter_step(step)

    def action_lesson_text(self) -> None:
        self.query_one(LessonPane).toggle()

    def _enter_step(self, step: Step) -> None:
        """Show ``step``, set what it sets (settings, then its view and zoom) and run the
        app to where it asks: its epoch, then its phase."""
        self.query_one(LessonPane).show(self.lesson)
        self._set_running(False)
        self.show(self.session.enter_step(step))
        view = step.view or (step.zoom if step.zoom in VIEWS else None)  # a zoomed view shows
        if view is not None:
            self.show_view(view)
        if step.zoom is not None:
            self.zoom_to(step.zoom)
        until = self.session.plays_to(step)
        if until is None:
            self._walk_to(step.run_to_phase)
            return
        # It plays, as p does, to that epoch: the panes follow it, the status line shows
        # where it is, and p, space or the step keys stop it where it got.
        self._until = until
        self._set_running(True)

    def _walk_to(self, kind: str | None) -> None:
        if kind is None:
            self.publish()
            return
        self._walked(walk_to(self.walk, self.experiment.trainer, kind))

    # -- comparing runs ---------------------------------------------------------------------

    def action_compare(self) -> None:
        outcome = self.session.compare()
        self.show_chart()
        self.show(outcome)

    def _show_overlay(self) -> None:
        shown = self.session.comparison()
        self.query_one(BoundaryPane).earlier = None if shown is None else shown.boundary
        chart = self.query_one(MetricsChart)
        if shown is None:
            chart.overlay = None
            return
        run = shown.run
        chart.overlay = Overlay(
            f"run {run.number}",
            shown.caption,
            run.loss,
            run.test_loss,
            run.score,
            run.test_score,
            run.at,
        )


def _raise(err: Exception) -> None:
    raise err
