"""A lesson step's question, under the lesson's pane: the question, a line to type the
answer in, then the verdict.

It asks once the step has got where it waits (its ``run_to_phase``, or its epoch) and
takes the answer in the bar itself rather than a dialog, so the panes the learner
works it out from stay in view (at 80×24 a dialog covered the diagram and its card).
While it asks, keys typed go to the answer; ``escape`` leaves it for the panes, ``tab``
or a click comes back. A bad answer is one line and the question stays; an answer
gives the verdict, with the card's worked line in the step's numbers when it is
wrong, and ``Answered`` tells the screen to walk on to the phase that computes the
number.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, Static

from tui_backprop.ui.model.lesson_answers import AnswerVerdict, Asked, ask, judge
from tui_backprop.ui.model.lesson_steps import LessonState
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.model.walk import walk_of
from tui_backprop.ui.panes.view_pane import ViewPane
from tui_backprop.ui.render.worked_line import worked_line

PROMPT = " answer: "
HINT = "a number, then enter"
# the lesson's own keys, no part of a number: its next step, the one before, its text
LESSON_KEYS = {
    "greater_than_sign": "lesson_step(1)",
    "less_than_sign": "lesson_step(-1)",
    "i": "lesson_text",
}


class AnswerInput(Input):
    """The answer's line: it takes every key but those of the lesson (``LESSON_KEYS``),
    which are no part of a number."""

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return key not in LESSON_KEYS and super().check_consume_key(key, character)


class QuestionPane(ViewPane):
    DEFAULT_CSS = """
    QuestionPane {
        height: auto;
        display: none;
        padding: 0 1;
        background: $panel;
    }
    QuestionPane.-shown {
        display: block;
    }
    QuestionPane #question-line {
        height: auto;
    }
    QuestionPane #question-text {
        width: 1fr;
        height: auto;
        text-style: bold;
    }
    QuestionPane #question-answer {
        width: 24;
    }
    QuestionPane #question-said {
        height: auto;
    }
    QuestionPane #question-said.-empty {
        display: none;
    }
    QuestionPane #question-said.-wrong {
        color: $error;
    }
    QuestionPane #question-said.-right {
        color: $success;
        text-style: bold;
    }
    """
    # >, < and i work while it asks too (before the answer's line).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to the panes", show=False),
        *(
            Binding(key, f"screen.{action}", show=False, priority=True)
            for key, action in LESSON_KEYS.items()
        ),
    ]

    class Asking(Message):
        """A question is asked: the screen shows the neuron and row it is about."""

        def __init__(self, asked: Asked) -> None:
            super().__init__()
            self.asked = asked

    class Answered(Asking):
        """The learner answered: the screen may walk on to where the number shows."""

    def __init__(self, state: LessonState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._state = state
        self._index: int | None = None  # the step asked at (a step asks once per visit)
        self.asked: Asked | None = None  # the question waiting for its answer
        self.verdict: AnswerVerdict | None = None

    def compose(self) -> ComposeResult:
        # one line at 80×24: the question, then the answer's line beside it
        with Horizontal(id="question-line"):
            yield Label(id="question-text")
            yield Label(PROMPT, id="question-prompt")
            yield AnswerInput(id="question-answer", compact=True, placeholder=HINT)
        yield Static(id="question-said", classes="-empty")

    def step_shown(self) -> None:
        """The lesson shows another step (or the same one entered again): ask anew."""
        self._index, self.asked, self.verdict = None, None, None
        self._show(False)

    def watch_view(self, view: TrainingView | None) -> None:
        step = self._state.step
        if view is None or step is None or step.question is None:
            return
        asked_here = self._index == self._state.index
        if asked_here or not _arrived(view, step.run_to_phase, step.run_to_epoch):
            return
        self._index = self._state.index
        asked = ask(step.question, view)
        self._show(True)
        self.query_one("#question-line").display = True
        self.query_one("#question-text", Label).update(Content(f"? {step.question.ask}"))
        if isinstance(asked, str):  # the network changed under the lesson
            self._say(f"This question cannot be asked here: {asked}.", wrong=True)
            self._answering(False)
            return
        self.asked = asked
        self._answering(True)
        self._say("")
        answer = self.query_one("#question-answer", Input)
        answer.value = ""
        answer.focus()
        self.post_message(self.Asking(asked))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        asked = self.asked
        if asked is None:
            return
        verdict = judge(asked, event.value)
        if isinstance(verdict, str):  # not a number: say so, keep asking
            self._say(verdict, wrong=True)
            return
        self.asked, self.verdict = None, verdict
        self._answering(False)
        self._show_verdict(verdict)
        self.screen.set_focus(None)
        self.post_message(self.Answered(asked))

    def _show_verdict(self, verdict: AnswerVerdict) -> None:
        asked = verdict.asked
        subject = asked.question.subject()
        value = f"{asked.value:.4g}"  # the card's digits, near enough for a sentence
        said = f"{verdict.said:g}"
        if verdict.right:
            self._say(f"✓ Right: {subject} = {value} (you said {said}).", right=True)
            self.query_one("#question-line").display = False
            return
        # one line: the worked line, in the step's numbers, says what it is
        out = Text.assemble(("✗ ", "bold red"), f"You said {said}; {asked.question.neuron}: ")
        worked = worked_line(asked, max(self.size.width - 2 - out.cell_len, 20))
        out.append_text(worked if worked.plain else Text(f"{subject} is {value}"))
        self.query_one("#question-line").display = False
        shown = self.query_one("#question-said", Static)
        shown.update(out)
        shown.set_classes("")

    def _say(self, said: str, wrong: bool = False, right: bool = False) -> None:
        shown = self.query_one("#question-said", Static)
        shown.update(Content(said))  # may quote what was typed: not markup
        shown.set_classes(
            c for c, on in (("-wrong", wrong), ("-right", right), ("-empty", not said)) if on
        )

    def _show(self, on: bool) -> None:
        """Show or hide the pane; the screen's footer gives it its row meanwhile (its
        keys are typed into the answer, and at 80×24 the panes keep their rows)."""
        self.set_class(on, "-shown")
        self.screen.set_class(on, "-asking")

    def _answering(self, on: bool) -> None:
        for part in ("#question-prompt", "#question-answer"):
            self.query_one(part).display = on

    def action_leave(self) -> None:
        self.screen.set_focus(None)


def _arrived(view: TrainingView, phase: str | None, epoch: int | None) -> bool:
    """Whether ``view`` shows where the step waits: its phase, else its epoch done."""
    walk = walk_of(view)
    if phase is not None:
        return walk is not None and walk.phase.kind == phase
    return walk is None and view.record is not None and view.epoch == epoch
