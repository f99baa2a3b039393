"""The line of a neuron's card that works out the number a lesson question asked for,
with the step's own numbers (the line the walk prints, see ``equations``)."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text

from tui_backprop.engine.phases import FORWARD, GRADIENTS, HIDDEN_DELTA, OUTPUT_DELTA, UPDATE
from tui_backprop.ui.model.lesson_answers import Asked
from tui_backprop.ui.render.equation_layout import Equation, fit
from tui_backprop.ui.render.equations import STYLES, equations, settled_view

FORMULA = STYLES["formula"]  # the style of a line's formula piece
UNBOUNDED = 10_000  # cells: room for any line whole

# The card's lines for each quantity: the phase that computes it, and its left side.
LINES = {
    "z": ((FORWARD,), ("z",)),
    "a": ((FORWARD,), ("a", "ŷ")),
    "output": ((FORWARD,), ("ŷ",)),
    "delta": ((OUTPUT_DELTA, HIDDEN_DELTA), ("δ",)),
    "gradient": ((GRADIENTS,), ()),
    "weight after update": ((UPDATE,), ()),
}


def _lhs(eq: Equation) -> str:
    return eq.pieces[0].variants[0].strip()


def worked_equation(asked: Asked) -> Equation | None:
    """The card line for the number asked, for its row: for a weight, the worked
    line of the first weight into the neuron, else the line listing every weight."""
    view = replace(settled_view(asked.view), sample=asked.row)
    kinds, names = LINES[asked.question.quantity]
    lines = [eq for eq in equations(view, asked.layer, asked.neuron) if eq.kind in kinds]
    if names:
        return next((eq for eq in lines if _lhs(eq) in names), None)
    if asked.source == 0:  # the card works out the first weight's line in numbers
        lines.sort(key=lambda eq: not eq.detail)
    return next((eq for eq in lines if not eq.detail or asked.source == 0), None)


def worked_line(asked: Asked, width: int) -> Text:
    """That line in ``width`` cells: whole, else without its formula (the numbers are
    what the learner checks), else shortened as the card shortens it."""
    eq = worked_equation(asked)
    if eq is None:
        return Text()
    lhs = replace(eq.pieces[0], variants=(_lhs(eq),))  # a detail line's indent dropped
    whole = replace(eq, pieces=(lhs, *eq.pieces[1:]))
    numbers = replace(whole, pieces=tuple(p for p in whole.pieces if p.style != FORMULA))
    for line in (whole, numbers):
        if fit(line, width).plain == fit(line, UNBOUNDED).plain:
            return fit(line, width)
    return fit(numbers, width)
