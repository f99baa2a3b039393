"""The check of a student's backprop in words and marks (``--check``): the verdict line
of the neuron card and the panes' titles, the student's numbers for the selected
neuron, and the style of a wrong entry.

A wrong entry is never told by colour alone: it carries ✗ beside its number, on a
background of its own (white on crimson) that reads the same on a dark or a light
theme and is far from the blue and orange of signs.
"""

from __future__ import annotations

import textwrap

from rich.style import Style
from rich.text import Text

from tui_backprop.engine.phases import GRADIENTS, UPDATE
from tui_backprop.ui.model.check_marks import (
    ACTIVATION,
    BROKEN,
    DELTA,
    GRADIENT,
    MISSING,
    OK,
    WAITING,
    WEIGHT,
    WRONG,
    CheckMarks,
    row_of,
    wrong_row,
)
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.render.numbers import short

WRONG_STYLE = Style(bold=True, color="#ffffff", bgcolor="#b0103a")
MARK_STYLES = {
    OK: Style(bold=True, color="#000000", bgcolor="#5fd787"),
    WRONG: WRONG_STYLE,
    BROKEN: Style(bold=True, color="#000000", bgcolor="#ffd75f"),
    MISSING: Style(dim=True),
    WAITING: Style(dim=True, italic=True),
}
WRONG_MARK = "✗"
# The quantity of the selected neuron a phase compares (outside a walk: all of them).
PHASE_QUANTITY: dict[str, tuple[str, ...]] = {GRADIENTS: (GRADIENT,), UPDATE: (WEIGHT,)}
SHOWN_MAX = 6  # a neuron's weights listed in its "yours" line


def mark(symbol: str) -> Text:
    """A verdict's mark, as a chip: " ✗ "."""
    return Text().append(f" {symbol} ", MARK_STYLES.get(symbol, Style()))


def verdict_lines(marks: CheckMarks, width: int, lines: int) -> Text:
    """ " ✗  δ1 first wrong at row 1, neuron 1: yours …" in at most ``lines`` lines of
    ``width`` cells, wrapped at spaces (the last one cut with an ellipsis)."""
    said = marks.headline()
    out = mark(said.mark)
    out.append(" ")
    indent = out.cell_len
    parts = textwrap.wrap(said.text, max(width - indent, 10)) or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], " ".join(parts[lines - 1 :])]
    style = "bold" if said.failed else ""
    out.append(parts[0], style)
    for part in parts[1:]:
        out.append("\n" + " " * indent)
        out.append(part, style)
    return out


def title_mark(marks: CheckMarks) -> Text:
    """What a pane's title adds: the walk's phase's mark (or the step's), and whose."""
    said = marks.headline()
    out = Text(" ")
    out.append_text(mark(said.mark))
    return out


def neuron_line(view: TrainingView, layer: int, neuron: int) -> Text | None:
    """The student's numbers beside the engine's for the selected neuron, where they
    differ: "yours δ -0.02834 ✗ · the engine's -0.006985"; None when nothing does."""
    marks = view.check
    if marks is None or layer == 0:
        return None
    phase = marks.phase
    kinds: tuple[str, ...] = (ACTIVATION, DELTA, GRADIENT, WEIGHT)
    if phase is not None:
        kinds = PHASE_QUANTITY.get(phase.kind, (ACTIVATION, DELTA))
    for quantity in kinds:
        check = marks.differing(quantity, layer)
        if check is None or check.student is None or check.wrong is None:
            continue
        if quantity in (ACTIVATION, DELTA):
            wrong = bool(wrong_row(check.wrong, view.sample)[neuron])
            yours = float(row_of(check.student, view.sample)[neuron])
            engine = float(row_of(check.engine, view.sample)[neuron])
            return _pair(quantity, [(yours, engine, wrong, "")])
        names = view.network.labels[layer - 1]
        column = [
            (float(check.student[i, neuron]), float(check.engine[i, neuron]), bool(w), names[i])
            for i, w in enumerate(check.wrong[:, neuron])
        ]
        return _pair(quantity.replace("W", "w"), column[:SHOWN_MAX])  # the weights in
    return None


def _pair(name: str, values: list[tuple[float, float, bool, str]]) -> Text:
    """ "yours ∂L/∂w: x1 0.13✗ x2 -0.03 · the engine's: x1 0.14 x2 -0.03"."""
    out = Text()
    out.append(f"  yours {name}:", "bold")
    for yours, _, wrong, label in values:
        out.append(f" {label} " if label else " ", "dim")
        out.append(short(yours), WRONG_STYLE if wrong else "")
        if wrong:
            out.append(WRONG_MARK, WRONG_STYLE)
    out.append("  · the engine's:", "dim")
    for _, engine, _, label in values:
        out.append(f" {label} " if label else " ", "dim")
        out.append(short(engine))
    return out
