"""The main screen's ground: one session's run on the panes, the key gate, and the
runner's hooks; ``MainScreen`` adds the keys on top (see docs/architecture.md).

The run and its rules live in the session (``ui.session``): a key asks the gate
(``check_action``, from ``model.key_gate``), takes the run back from a playing process
when it needs it (``Runner.take_back``), calls the session and shows the ``Outcome`` it
returns (``show``). After anything changes the screen publishes one immutable
``TrainingView``, which ``PanesScreen`` hands to the status line and the panes; the
panes only draw what the view holds. The runner (``session.runner``) trains: a playing
run in its own process, a slow step in a thread; it calls back through ``Hooks``.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from tui_backprop.experiment import Experiment
from tui_backprop.lesson import VIEWS, Lesson, Step
from tui_backprop.served_tab import LOCAL, TabPolicy
from tui_backprop.ui.checked_file import CheckedFile
from tui_backprop.ui.model.experiment_files import run_info
from tui_backprop.ui.model.key_gate import HAND_EDIT, Refusal, refusal
from tui_backprop.ui.model.lesson_steps import LessonState, walk_to
from tui_backprop.ui.model.run_info import PlayState
from tui_backprop.ui.model.view import Network, TrainingView
from tui_backprop.ui.model.walk import Walk
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram
from tui_backprop.ui.panes.lesson_pane import LessonPane
from tui_backprop.ui.panes_screen import PanesScreen
from tui_backprop.ui.screens.edit_value_dialog import EditValueDialog
from tui_backprop.ui.session.outcome import Outcome, Said, ValuePrompt
from tui_backprop.ui.session.run_session import Session, image_said
from tui_backprop.ui.session.runner import Hooks, Runner


class RunScreen(PanesScreen):
    """The panes on a session's run: the gate, the runner's hooks, what is shown."""

    def __init__(
        self,
        experiment: Experiment,
        lesson: Lesson | None = None,
        tab: TabPolicy = LOCAL,
        check: Path | None = None,
    ) -> None:
        session = Session(experiment, lesson, tab)  # the run and its rules
        super().__init__(None if lesson is None else session.lesson)
        self.session = session
        # Trains the run: playing in a process, or a step at a time (see session.runner).
        self.runner = Runner(lambda: self.experiment.trainer, self._hooks())
        self._forwarding = False  # another screen does a key of this one's (the rows view)
        # the student's own backprop (--check), graded on the step on screen
        self.checked = None if check is None else CheckedFile(self, check, self.select)

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
        self.show_choices(self.session.choices)
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

    # -- the key gate ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Textual's question for the footer and each key; the gate answers it. A locked
        key stays offered: the app says why it refuses (``BackpropApp.run_action``)."""
        refused = self.refusal(action)
        return refused is None or refused.offered

    def refusal(self, action: str) -> Refusal | None:
        """Why ``action`` may not run now (see ``model.key_gate``), or None if it may."""
        covered = not (self.is_active or self._forwarding)
        asking = self.question is not None and self.question.asked is not None
        return refusal(action, self.session.situation(covered, self.stepping, asking))

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

    # -- what the panes show -----------------------------------------------------------------

    def show(self, outcome: Outcome) -> str | None:
        """Show what a session operation changed and say what it says; the refusal it
        holds, for the dialog that asked (which stays open and shows it)."""
        if outcome.switched:
            self.show_scene(self.session.scene)
        if outcome.info or outcome.switched:
            self.info = run_info(self.experiment)
        if outcome.chosen:  # first: a new network's view finds its selection made
            self.show_choices(self.session.choices)
        if outcome.publish or outcome.overlay:  # the view carries the comparison
            self.publish()
        for file in outcome.files:  # Textual's web driver sends them to the page
            self.app.deliver_binary(io.BytesIO(file.data), save_filename=file.name)
        for said in outcome.said:
            self.notify(said.text, title=said.title, severity=said.severity, timeout=said.timeout)
        if outcome.prompt is not None:
            self._ask_value(outcome.prompt)
        return outcome.refused

    def publish(self) -> None:
        """Hand every pane the run as it is now (a playing run's latest frame), or as it
        was at the epoch looked at: the session's view (``Session.view``)."""
        live_run = self.runner.live
        s = self.session
        live = None if live_run is None else live_run.view(s.network, s.sample) or self.view
        self.view = s.view(live)

    def select(self, neuron: tuple[int, int]) -> None:
        """Select ``neuron`` (the session's selection), and show it."""
        self.show(self.session.select(neuron))

    def validate_view(self, view: TrainingView | None) -> TrainingView | None:
        """Every view, with the check of the student's file on its step (``--check``)."""
        return view if self.checked is None else self.checked.marked(view)

    def resume_present(self, keys: str = "space, n or p") -> bool:
        """The session's fork rule, shown: False while it asks (nothing may train yet)."""
        outcome = self.session.resume_present(keys)
        self.show(outcome)
        return outcome.go_on

    def _ask_value(self, prompt: ValuePrompt) -> None:
        self.app.push_screen(
            EditValueDialog(
                prompt.name, prompt.current, lambda text: self.show(prompt.setter(text))
            )
        )

    # -- the runner --------------------------------------------------------------------------

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
        self.publish()  # with the comparison's caption for the rate it has

    def _reached(self) -> None:
        """A lesson step's run got to its epoch: on to the step's phase."""
        step = self.lesson.step
        self._walk_to(step.run_to_phase if step is not None else None)

    def on_unmount(self) -> None:
        if self.checked is not None:
            self.checked.close()
        self.runner.close()

    # -- walks and lesson steps --------------------------------------------------------------

    def _walked(self, walk: Walk | None) -> None:
        if walk is None:
            self._warn_diverged()
            return
        self.show(self.session.walked(walk))

    def _warn_diverged(self) -> None:
        self._say(self.session.diverged_warning())

    def _enter_step(self, step: Step) -> None:
        """Show ``step``, set what it sets (settings, then its view and zoom) and run the
        app to where it asks: its epoch, then its phase."""
        self.query_one(LessonPane).show(self.lesson)
        self.runner.take_back()
        self.show(self.session.enter_step(step))
        view = step.view or (step.zoom if step.zoom in VIEWS else None)  # a zoomed view shows
        if view is not None:
            self.show(self.session.choose(lambda choices: choices.for_view(view)))
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
