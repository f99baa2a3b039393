"""The main screen: the keys that drive one session's run.

Each action passes the key gate (Textual asks ``check_action``), takes the run back when
it needs it, calls the session or the runner and shows what comes back. The ground they
stand on: ``RunScreen`` (the session, the runner, the gate, ``show`` and ``publish``),
``DialogKeys`` (the keys that open a dialog) and ``PanesScreen`` (the panes and the keys
that change only where they sit). What the learner chose to see (the selection, the
maps, …) is the session's too: those keys change it through ``Session.choose``.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType

from tui_backprop.settings import next_rate
from tui_backprop.ui.dialog_keys import DialogKeys
from tui_backprop.ui.key_bindings import screen_bindings
from tui_backprop.ui.model.lesson_answers import revealed
from tui_backprop.ui.model.pacing import Pacer
from tui_backprop.ui.model.pane_choices import PaneChoices
from tui_backprop.ui.model.walk import live, next_walk, walk_of
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram
from tui_backprop.ui.panes.lesson_pane import LessonPane
from tui_backprop.ui.panes.question_pane import QuestionPane
from tui_backprop.ui.panes.weights_pane import WeightsPane


class MainScreen(DialogKeys):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings()

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

    # -- what the panes show (the session's ``choices``) --------------------------------------

    def on_network_diagram_selected(self, message: NetworkDiagram.Selected) -> None:
        self.select((message.layer, message.neuron))

    def action_neuron_map(self, kinds: str) -> None:
        """Show the selected neuron's map or its layer's galleries (``kinds``, in turn)."""
        self.show(self.session.choose(lambda choices: choices.next_maps(kinds)))
        if self.session.choices.maps is not None and not self.wide:
            self.chart_place = "boundary"

    def action_map_page(self, step: int) -> None:
        self.show(self.session.choose(lambda choices: choices.paged(step)))

    def action_gradients(self) -> None:
        self.show(self.session.choose(PaneChoices.toggled_gradients))

    def action_weights_moment(self) -> None:
        """The weights the forward pass used, or those after the update (a walk's
        phase decides while one is shown)."""
        if walk_of(self.view) is not None:
            self.notify("In a walk the weights follow its phase: the new ones from the update.")
            return
        self.show(self.session.choose(PaneChoices.toggled_moment))

    def action_hidden_axes(self, layer: int) -> None:
        """The hidden space's next pair of neurons (0), or its next hidden layer (1)."""
        sizes = self.network.sizes
        self.show(self.session.choose(lambda choices: choices.next_axes(bool(layer), sizes)))
        if self.chart_place != "hidden-space":
            self._in_chart_place("hidden-space")

    def action_landscape(self, switch: int) -> None:
        """Show the loss landscape in the chart's place, or the chart again (0); switch
        its plane between PCA and random directions, showing it (1)."""
        if switch:
            self.show(self.session.choose(PaneChoices.switched_directions))
        if not (switch and self.chart_place == "landscape"):
            self._in_chart_place("landscape")

    # -- changes by hand ----------------------------------------------------------------------

    def on_weights_pane_edit_cell(self, message: WeightsPane.EditCell) -> None:
        if self._may_change():
            hand = self.session.hand
            self.show(hand.edit_cell(message.layer - 1, message.row, message.column, message.value))

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

    def action_new_data(self) -> None:
        self.runner.take_back()
        self.show(self.session.new_data())

    def action_feature(self, direction: int) -> None:
        """Drop the selected input's feature (-1) or add the next unused one (1)."""
        self.runner.take_back()
        self.show(self.session.feature(direction))

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

    def on_question_pane_asking(self, message: QuestionPane.Asking) -> None:
        """Show the neuron and row asked about: its card holds what the answer needs."""
        asked = message.asked
        self.show(self.session.look_at((asked.layer, asked.neuron), asked.row))

    def on_question_pane_answered(self, message: QuestionPane.Answered) -> None:
        """Walk on to the phase that computes the number asked (the learner's check)."""
        walk = revealed(live(self.walk, self.experiment.trainer), message.asked)
        if walk is not None:
            self._walked(walk)

    def action_lesson_text(self) -> None:
        self.query_one(LessonPane).toggle()

    # -- comparing runs ---------------------------------------------------------------------

    def action_compare(self) -> None:
        outcome = self.session.compare()
        self.show_chart()
        self.show(outcome)
