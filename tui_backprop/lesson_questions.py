"""A lesson step's question: a number the learner works out before the app shows it.

A step asks with ``ask = "…"`` and says what the number is: a ``quantity`` of one
``neuron`` (named as the diagram names it, or ``x1``/``o1`` for an input or output),
for one ``row`` of the batch, or of the weight into it ``from`` a neuron of the layer
before; the step's ``run_to_phase`` (or ``run_to_epoch``) is where the walk waits while
it asks. The format is described in ``docs/lessons.md``. Reading checks the keys and
their types; whether the neuron, the weight and the row exist is checked against the
network once the experiment is built (``network_problem``), and again when asked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# What a question may ask for: does it take a row (a per-row value) or a weight's
# source (a per-weight value, summed over the rows)?
PER_ROW = ("z", "a", "output", "delta")
PER_WEIGHT = ("gradient", "weight after update")
QUANTITIES = PER_ROW + PER_WEIGHT
QUESTION_KEYS = {"ask", "quantity", "neuron", "row", "from", "tolerance"}
ASK_LIMIT = 200  # characters of a question shown
_PERCENT = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*")
# Layer-free names for the ends of the network: x1 (input 1), o1 (output 1).
_END_NAME = re.compile(r"([xo])([1-9]\d*)")

Labels = Sequence[Sequence[str]]  # per diagram layer (input first), per neuron


class QuestionError(ValueError):
    """A question the lesson cannot ask; the message names the key and the step."""


@dataclass(frozen=True)
class Tolerance:
    """How far an answer may be from the engine's number and still be right."""

    absolute: float | None = None  # at most this far off
    relative: float | None = None  # at most this fraction of the number off


@dataclass(frozen=True)
class Question:
    ask: str  # the text shown
    quantity: str  # one of QUANTITIES
    neuron: str  # as the lesson names it
    row: int | None = None  # of the batch, from 1 (per-row quantities only)
    source: str | None = None  # the weight's input neuron (per-weight quantities only)
    tolerance: Tolerance | None = None  # None: the app's default

    @property
    def per_row(self) -> bool:
        return self.quantity in PER_ROW

    def subject(self) -> str:
        """What is asked for, shortly: "δ of o1, row 1", "w h2→o1 after the update"."""
        if self.quantity == "gradient":
            return f"∂L/∂w {self.source}→{self.neuron}"
        if self.quantity == "weight after update":
            return f"w {self.source}→{self.neuron} after the update"
        name = {"delta": "δ", "output": "ŷ"}.get(self.quantity, self.quantity)
        return f"{name} of {self.neuron}, row {self.row}"


def read_question(step: dict[str, Any], where: str, shown: Any) -> Question | None:
    """The question of one step's table, None when it asks nothing; ``where`` is
    " in step N" for messages, ``shown`` makes the teacher's text safe to show."""
    if "ask" not in step:
        extra = sorted(QUESTION_KEYS & set(step))
        if extra:
            raise QuestionError(f"{extra[0]}{where} goes with ask (the question's text)")
        return None
    ask = step["ask"]
    if not isinstance(ask, str) or not shown(ask, ASK_LIMIT):
        raise QuestionError(f"ask{where} must be a non-empty string")
    if step.get("run_to_phase") is None and not step.get("run_to_epoch"):
        raise QuestionError(
            f"ask{where} needs run_to_phase or run_to_epoch of 1 or more: "
            "a question is about an epoch on screen"
        )
    quantity = step.get("quantity")
    if quantity not in QUANTITIES:
        known = ", ".join(repr(q) for q in QUANTITIES)
        raise QuestionError(f"quantity{where} must be one of {known}")
    neuron = _name(step, "neuron", where)
    assert neuron is not None
    return Question(
        ask=shown(ask, ASK_LIMIT),
        quantity=quantity,
        neuron=neuron,
        row=_row(step, quantity, where),
        source=_source(step, quantity, where),
        tolerance=_tolerance(step.get("tolerance"), where),
    )


def _name(step: dict[str, Any], key: str, where: str, required: bool = True) -> str | None:
    value = step.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise QuestionError(f'{key}{where} must name a neuron as the diagram does, like "h1"')
    return value.strip()


def _row(step: dict[str, Any], quantity: str, where: str) -> int | None:
    row = step.get("row")
    if quantity not in PER_ROW:
        if row is not None:
            raise QuestionError(f"row{where}: a {quantity} sums every row; leave row out")
        return None
    if row is None:
        return 1
    if isinstance(row, bool) or not isinstance(row, int) or row < 1:
        raise QuestionError(f"row{where} must be a whole number from 1 (the batch's rows)")
    return row


def _source(step: dict[str, Any], quantity: str, where: str) -> str | None:
    if quantity in PER_WEIGHT:
        return _name(step, "from", where)
    if "from" in step:
        raise QuestionError(f"from{where} names a weight's input: only for {_or(PER_WEIGHT)}")
    return None


def _tolerance(value: object, where: str) -> Tolerance | None:
    if value is None:
        return None
    if isinstance(value, str):
        match = _PERCENT.fullmatch(value)
        if match and 0 < float(match[1]) < 100:
            return Tolerance(relative=float(match[1]) / 100)
    elif isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < math.inf:
        return Tolerance(absolute=float(value))
    raise QuestionError(
        f'tolerance{where} must be a number > 0 (how far off, like 0.001) or a percentage ("2%")'
    )


def _or(names: Iterable[str]) -> str:
    return " or ".join(repr(n) for n in names)


# -- the network a question is about -------------------------------------------------


def hidden_names(hidden: Sequence[int]) -> tuple[tuple[str, ...], ...]:
    """The diagram's names of the hidden neurons: h1, h2… with one hidden layer,
    h1.1, h2.3… (layer.neuron) with more."""
    out = []
    for i, size in enumerate(hidden):
        prefix = "h" if len(hidden) == 1 else f"h{i + 1}."
        out.append(tuple(f"{prefix}{j + 1}" for j in range(size)))
    return tuple(out)


def find_neuron(name: str, labels: Labels) -> tuple[int, int] | None:
    """(diagram layer, neuron) of the neuron called ``name``: its label in the diagram,
    or x1…/o1… for the inputs and outputs; None when the network has none so named."""
    for layer, names in enumerate(labels):
        if name in names:
            return layer, list(names).index(name)
    match = _END_NAME.fullmatch(name)
    if match is None:
        return None
    layer = 0 if match[1] == "x" else len(labels) - 1
    index = int(match[2]) - 1
    return (layer, index) if index < len(labels[layer]) else None


def locate(question: Question, labels: Labels) -> tuple[int, int, int | None]:
    """(diagram layer, neuron, the weight's input neuron or None) of what ``question``
    asks for; a ``QuestionError`` (its key, without the step) says what is missing."""
    found = find_neuron(question.neuron, labels)
    if found is None or found[0] == 0:
        why = "is an input: it has no " + question.quantity if found else "is not in the network"
        raise QuestionError(f"neuron: {question.neuron!r} {why} ({_names(labels)})")
    layer, neuron = found
    if question.quantity == "output" and layer != len(labels) - 1:
        raise QuestionError(f"neuron: {question.neuron!r} is not an output (ask for its a)")
    if question.source is None:
        return layer, neuron, None
    source = find_neuron(question.source, labels)
    if source is None or source[0] != layer - 1:
        raise QuestionError(
            f"from: {question.source!r} is not a neuron of the layer before "
            f"{question.neuron} ({', '.join(labels[layer - 1])})"
        )
    return layer, neuron, source[1]


def _names(labels: Labels) -> str:
    """The neurons a question may name, shortly: "hidden h1…h4, output o1"."""
    parts = []
    for layer, names in enumerate(labels[1:], 1):
        kind = "output" if layer == len(labels) - 1 else "hidden"
        first, last = names[0], names[-1]
        if kind == "output":
            first, last = "o1", f"o{len(names)}"
        parts.append(f"{kind} {first}" + (f"…{last}" if len(names) > 1 else ""))
    return ", ".join(parts)


def network_problem(
    questions: Iterable[tuple[int, Question | None, Sequence[int] | None, int | None]],
    labels: Labels,
    batch_size: int,
    rows_shown: Callable[[int], int],
) -> str | None:
    """The first question that asks about something the network does not have, as the
    lesson's one line ("neuron in step 3: …"); None when all exist. ``questions`` are
    (step number, its question, the hidden layers and the batch size the step sets or
    None) in order: a step's ``layers`` renames the hidden neurons of every question from
    it on, its batch size changes the rows of the batch on screen (``rows_shown`` of a
    batch size: an epoch's last batch, the one the cards show)."""
    names = list(labels)
    for number, question, hidden, batch in questions:
        if hidden is not None:
            names = [names[0], *hidden_names(hidden), names[-1]]
        if batch is not None:
            batch_size = batch
        if question is None:
            continue
        try:
            locate(question, names)
        except QuestionError as err:
            key, why = str(err).split(": ", 1)
            return f"{key} in step {number}: {why}"
        rows = rows_shown(batch_size)
        if question.row is not None and question.row > rows:
            return f"row in step {number}: the batch on screen has {rows} rows, not {question.row}"
    return None
