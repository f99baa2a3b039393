"""A lesson question asked about the epoch on screen, and the learner's answer judged.

The number asked for is read from the engine's record of the step shown (``StepRecord``):
nothing is recomputed here. An answer is right within the step's tolerance, or by
default within 1 % of the number or one unit of the last digit the neuron's card
prints it with (``closing_digits.result_floor``: four decimals for most numbers),
whichever is larger.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tui_backprop.engine.phases import (
    FORWARD,
    GRADIENTS,
    HIDDEN_DELTA,
    OUTPUT_DELTA,
    UPDATE,
    Phase,
)
from tui_backprop.engine.records import StepRecord
from tui_backprop.experiment import Experiment
from tui_backprop.lesson import Lesson
from tui_backprop.lesson_questions import (
    PER_WEIGHT,
    Labels,
    Question,
    QuestionError,
    locate,
    network_problem,
)
from tui_backprop.ui.model.view import TrainingView, describe_network
from tui_backprop.ui.model.walk import Walk, walk_of
from tui_backprop.ui.render.closing_digits import result_floor

DEFAULT_RELATIVE = 0.01  # 1 % of the number
# Minus signs and spaces a learner may type (or paste from the card)
MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2009": "", " ": ""})
SHOWN = 60  # characters of a bad answer quoted back


@dataclass(frozen=True)
class Asked:
    """A question about one step: where its number is, the number and how close counts."""

    question: Question
    view: TrainingView  # the view it was asked on: its record holds the number
    layer: int  # diagram layer, 1 for the first hidden layer
    neuron: int
    source: int | None  # the weight's input neuron, for a gradient or an updated weight
    row: int | None  # the batch row (from 0) of a per-row quantity
    value: float  # the engine's number
    tolerance: float  # how far off is still right

    @property
    def reveal(self) -> Phase:
        """The phase of the walk that computes the number."""
        kind = self.question.quantity
        if kind in PER_WEIGHT:
            return Phase(GRADIENTS if kind == "gradient" else UPDATE)
        if kind != "delta":
            return Phase(FORWARD, self.layer - 1)
        output = self.layer == self.view.network.depth
        return Phase(OUTPUT_DELTA if output else HIDDEN_DELTA, self.layer - 1)


@dataclass(frozen=True)
class AnswerVerdict:
    right: bool
    said: float  # the learner's number
    asked: Asked


def ask(question: Question, view: TrainingView) -> Asked | str:
    """The question about the step ``view`` shows, or why it cannot be asked there."""
    record = view.record
    if record is None:
        return "there is no epoch on screen to ask about"
    labels: Labels = view.network.labels
    try:
        layer, neuron, source = locate(question, labels)
    except QuestionError as err:
        return str(err).split(": ", 1)[1]
    row = None if question.row is None else question.row - 1
    if row is not None and row >= len(record.rows):
        return f"the batch on screen has {len(record.rows)} rows, not {question.row}"
    value = recorded(record, question.quantity, layer, neuron, source, row)
    return Asked(question, view, layer, neuron, source, row, value, allowed(question, value))


def recorded(
    record: StepRecord, quantity: str, layer: int, neuron: int, source: int | None, row: int | None
) -> float:
    """The engine's number: one entry of the step's record."""
    lay = record.layers[layer - 1]
    if quantity in PER_WEIGHT:
        matrix = lay.grad_w if quantity == "gradient" else lay.w_after
        return float(matrix[source, neuron])
    values = {"z": lay.z, "a": lay.a, "output": lay.a, "delta": lay.delta}[quantity]
    return float(values[row, neuron])


def allowed(question: Question, value: float) -> float:
    """How far an answer may be from ``value`` and still be right."""
    given = question.tolerance
    if given is not None and given.absolute is not None:
        return given.absolute
    relative = given.relative if given is not None and given.relative else DEFAULT_RELATIVE
    if given is not None:
        return relative * abs(value)
    return max(relative * abs(value), 10.0 ** -result_floor(value))


def judge(asked: Asked, typed: str) -> AnswerVerdict | str:
    """The verdict on what the learner typed, or one line saying it is not a number."""
    text = typed.strip().translate(MINUS).replace(",", ".")
    try:
        said = float(text)
    except ValueError:
        said = math.nan
    if not math.isfinite(said):
        quoted = typed.strip()[:SHOWN] or "nothing"
        return f"{quoted!r} is not a number: type one like 0.25 or -1.5e-3"
    return AnswerVerdict(abs(said - asked.value) <= asked.tolerance, said, asked)


def revealed(walk: Walk | None, asked: Asked) -> Walk | None:
    """The walk moved on, inside the step asked about, to the phase that computes the
    number; None when it is on screen already, or the run has moved past that step."""
    shown = walk_of(asked.view)
    if walk is None or shown is None or walk.record is not shown.record:
        return None
    phases = walk.progress.phases
    target = phases.index(asked.reveal) + 1 if asked.reveal in phases else 0
    if walk.progress.done >= target:
        return None
    while walk is not None and walk.progress.done < target:
        walk = walk.advanced()
    return walk


def lesson_network_problem(lesson: Lesson, experiment: Experiment) -> str | None:
    """The first question of ``lesson`` about something its network does not have, as
    the lesson's one line; None when every question can be asked."""
    ds = experiment.dataset
    trainer = experiment.trainer
    network = describe_network(trainer, ds.feature_names, ds.class_names, ds.label_name)
    steps = (
        (n, s.question, s.hidden, _batch_size(s.settings)) for n, s in enumerate(lesson.steps, 1)
    )
    return network_problem(
        steps, network.labels, trainer.config.batch_size, trainer.last_batch_rows
    )


def _batch_size(settings: tuple[tuple[str, object], ...]) -> int | None:
    size = dict(settings).get("batch_size")
    return None if size is None else int(size)  # type: ignore[call-overload]
