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

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual.binding import BindingType

from tui_backprop.data import Progress
from tui_backprop.experiment import Experiment
from tui_backprop.lesson import VIEWS, Lesson, Step
from tui_backprop.served_tab import LOCAL, TabPolicy
from tui_backprop.settings import next_rate
from tui_backprop.ui.checked_file import CheckedFile
from tui_backprop.ui.key_bindings import screen_bindings
from tui_backprop.ui.model.experiment_files import run_info
from tui_backprop.ui.model.hand_edits import diverged_advice
from tui_backprop.ui.model.key_gate import HAND_EDIT, Refusal, refusal
from tui_backprop.ui.model.lesson_steps import LessonState, walk_to
from tui_backprop.ui.model.pacing import Pacer
from tui_backprop.ui.model.run_info import PlayState
from tui_backprop.ui.model.view import Network, TrainingView
from tui_backprop.ui.model.walk import Walk, follow, live, next_walk
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.chart_pane import MetricsChart, Overlay
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram
from tui_backprop.ui.panes.landscape_pane import LandscapePane
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
from tui_backprop.ui.session.outcome import Outcome, Said, ValuePrompt
from tui_backprop.ui.session.run_session import Session, image_said
from tui_backprop.ui.session.runner import Hooks, Runner

DIVERGED_ADVICE = "The run has diverged: {advice}."


class MainScreen(PanesScreen):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings()

    def __init__(
        self,
        experiment: Experiment,
        lesson: Lesson | None = None,
        tab: TabPolicy = LOCAL,
        check: Path | None = None,
    ) -> None:
        super().__init__(with_lesson=lesson is not None)
        self.session = Session(experiment, lesson, tab)  # the run and its rules
        # Trains the run: playing in a process, or a step at a time (see session.runner).
        self.runner = Runner(lambda: self.experiment.trainer, self._hooks())
        self._forwarding = False  # another screen does a key of this one's (the rows view)
        # the student's own backprop (--check), graded on the step on screen
        self.checked = None if check is None else CheckedFile(self, check)

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
        self.state = self.runner.state
        self.show_scene(self.session.scene)
        self.publish()
        self.show(image_said(self.experiment))
        self.query_one(NetworkDiagram).focus()
        if self.checked is not None:
            self.checked.start()
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
        return refusal(action, self.session.situation(covered, self.stepping))

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
        self.runner.take_back()
        return True

    # -- what the panes show ----------------------------------------------------------------

    def show(self, outcome: Outcome) -> str | None:
        """Show what a session operation changed and say what it says; the refusal it
        holds, for the dialog that asked (which stays open and shows it)."""
        if outcome.switched:
            self.show_scene(self.session.scene)
        if outcome.info or outcome.switched:
            self.info = run_info(self.experiment)
        if outcome.overlay:  # first: the landscape a new view asks for draws the kept runs
            self._show_overlay()
        if outcome.publish:
            self.publish()
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
        live_run = self.runner.live
        if live_run is None:
            self.query_one(WeightsPane).note = s.edit_note()
        past = s.past_view()
        if past is not None:
            self.view = past
        elif live_run is not None:
            self.view = live_run.view(s.network, s.sample) or self.view
        else:
            self.view = s.present_view()

    def validate_view(self, view: TrainingView | None) -> TrainingView | None:
        """Every view, with the check of the student's file on its step (``--check``)."""
        return view if self.checked is None else self.checked.marked(view)

    def resume_present(self, keys: str = "space, n or p") -> bool:
        """The session's fork rule, shown: False while it asks (nothing may train yet)."""
        outcome = self.session.resume_present(keys)
        self.show(outcome)
        return outcome.go_on

    # -- running ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.runner.running

    @property
    def stepping(self) -> bool:
        """A slow epoch trains in a thread: keys that read or change the run wait."""
        return self.runner.stepping

    def _hooks(self) -> Hooks:
        """What the runner calls back (see ``session.runner``)."""
        return Hooks(
            state=self._play_state,
            frame=self.publish,
            back=self._took_back,
            reached=self._reached,
            say=self._say,
            every=self.set_interval,
            soon=self.call_next,
        )

    def _play_state(self, state: PlayState) -> None:
        self.state = state

    def _say(self, said: Said) -> None:
        self.show(Outcome(said=(said,)))

    def _took_back(self) -> None:
        """The run is back in this process: the rate it really has (one chosen while it
        played is lost with a lost process), and every pane shows it."""
        lr = self.experiment.trainer.config.lr
        self.experiment.settings = replace(self.experiment.settings, lr=lr)
        self.info = run_info(self.experiment)
        self._show_overlay()
        self.publish()

    def _reached(self) -> None:
        """A lesson step's run got to its epoch: on to the step's phase."""
        step = self.lesson.step
        self._walk_to(step.run_to_phase if step is not None else None)

    def on_unmount(self) -> None:
        if self.checked is not None:
            self.checked.close()
        self.runner.close()

    # -- training keys ----------------------------------------------------------------------

    def action_step(self) -> None:
        if self.running:  # (paused, the status line keeps a stop rule's reason)
            self.runner.take_back()
        if not self.resume_present():
            return
        if self.walk is not None and not self.walk.finished:
            self.walk = None  # the epoch is trained already: show all of it
            self.publish()
            return
        if self.experiment.trainer.diverged:
            self._warn_diverged()
            return
        self.runner.step(self.publish)

    def action_phase(self) -> None:
        """One phase of backprop further inside the epoch (see ``model.walk``)."""
        if self.running:
            self.runner.take_back()
        if not self.resume_present():
            return
        walk = live(self.walk, self.experiment.trainer)
        nxt = walk.advanced() if walk is not None else None
        if nxt is not None:  # a phase of the epoch already trained
            self._walked(nxt)
        else:  # the first phase trains the next epoch
            self.runner.train(lambda: next_walk(walk, self.experiment.trainer), self._walked)

    def _walked(self, walk: Walk | None) -> None:
        if walk is None:
            self._warn_diverged()
            return
        self.walk = walk
        diagram = self.query_one(NetworkDiagram)
        diagram.selected = follow(walk, diagram.selected, self.network.sizes)
        self.publish()

    def _warn_diverged(self) -> None:
        edit = self.experiment.trainer.diverged_by_edit()
        advice = diverged_advice(self.network, edit)
        self.notify(DIVERGED_ADVICE.format(advice=advice), severity="warning", markup=False)

    def action_gradient_check(self) -> None:
        """Check the latest network, or while looking back the earlier epoch's on screen
        (during a walk: the walked epoch's weights after its update, as the intro says)."""
        self.runner.take_back()  # the check reads the weights: nothing may train meanwhile
        past = self.session.looking.state
        epoch, params = (past.epoch, past.params) if past is not None else (None, None)
        trainer = self.experiment.trainer
        self.app.push_screen(GradientCheckDialog(trainer, self.network, epoch, params))

    def action_toggle_run(self) -> None:
        if not self.resume_present():
            return
        if self.running:
            self.runner.take_back()
        elif self.experiment.trainer.diverged:
            self._warn_diverged()
        else:
            self.runner.play()

    def action_faster(self) -> None:
        self.runner.speed(Pacer.faster)

    def action_slower(self) -> None:
        self.runner.speed(Pacer.slower)

    def action_max_speed(self) -> None:
        self.runner.speed(Pacer.toggle_max)

    def action_reset(self) -> None:
        self._restart("reset", new_weights=False)

    def action_new_weights(self) -> None:
        self._restart("new weights", new_weights=True)

    def _restart(self, why: str, new_weights: bool) -> None:
        """Back to epoch 0; a playing run takes the run back first and plays on."""
        playing = self.running
        self.runner.take_back()
        self.show(self.session.restart(why, new_weights))
        if playing:
            self.runner.play()

    def action_learning_rate(self, direction: int) -> None:
        lr = next_rate(self.session.settings.lr, direction)
        playing = self.running  # the playing copy changes, and hands it back on pause
        if playing and not self.runner.set_lr(lr):
            return
        self.show(self.session.set_learning_rate(lr, trains_here=not playing))

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
        self.runner.take_back()
        self.show(self.session.history(step))

    def action_history_jump(self, direction: int) -> None:
        self.runner.take_back()
        self.show(self.session.history_jump(direction))

    def action_history_edge(self, end: int) -> None:
        self.runner.take_back()
        self.show(self.session.history_edge(end))

    # -- data, settings and files -----------------------------------------------------------

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

    def action_new_data(self) -> None:
        self.runner.take_back()
        self.show(self.session.new_data())

    def action_feature(self, direction: int) -> None:
        """Drop the selected input's feature (-1) or add the next unused one (1)."""
        self.runner.take_back()
        self.show(self.session.feature(direction, self.query_one(NetworkDiagram).selected))

    def action_settings(self) -> None:
        self.runner.take_back()
        s = self.session
        locked = s.lesson.locked_settings  # shown, not editable
        left_out = s.tab.hidden_settings  # a served tab names no file of the server's
        apply = lambda new: self.show(s.apply_settings(new))  # noqa: E731
        self.app.push_screen(SettingsDialog(s.settings, apply, locked, left_out))

    def action_save(self) -> None:
        if self.runner.after_step(self.action_save):
            return
        self.runner.take_back()  # saves the latest epoch, which the app holds once paused
        self.show(self.session.save())

    def action_export(self) -> None:
        if self.runner.after_step(self.action_export):
            return
        self.runner.take_back()
        self.show(self.session.export(self.app.export_screenshot()))

    def action_write_setup(self) -> None:
        """The settings as a file ``--config`` reads back, and as a command line."""
        if self.runner.after_step(self.action_write_setup):
            return
        self.runner.take_back()  # the settings of the run as handed back
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
        self.runner.take_back()
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
        self.runner.play(until=until)

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
        self.query_one(LandscapePane).runs = self.session.kept.runs
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
