"""Weights set by hand, in words: what the history, the compare list and the weights
pane call an edit ("edited W1[x1,h2]: 0.53 → 0")."""

from __future__ import annotations

from collections.abc import Sequence

from tui_backprop.engine.edits import Edit, EditError, check_value
from tui_backprop.ui.model.view import Network


def cell_name(network: Network, layer: int, row: int | None, column: int) -> str:
    """``W1[x1,h2]`` or ``b1[h2]`` for weight matrix ``layer`` (0-based)."""
    into = network.labels[layer + 1][column]
    if row is None:
        return f"b{layer + 1}[{into}]"
    return f"W{layer + 1}[{network.labels[layer][row]},{into}]"


def edit_label(network: Network, edit: Edit) -> str:
    name = cell_name(network, edit.layer, edit.row, edit.column)
    return f"edited {name}: {edit.old:.3g} → {edit.new:.3g}"


def notes_at(network: Network, edits: Sequence[Edit], epoch: int) -> str:
    """The edits made after ``epoch`` epochs, for the pane showing that epoch."""
    return " · ".join(edit_label(network, e) for e in edits if e.epoch == epoch)


def parse_value(text: str) -> float:
    """A value typed for a weight; EditError with the reason."""
    try:
        value = float(text.strip())
    except ValueError:
        raise EditError(f"{text.strip()!r} is not a number") from None
    return check_value(value)


DIVERGED_CURE = "lower the learning rate (l), then press r"


def diverged_advice(network: Network, edit: Edit | None) -> str:
    """What a diverged run calls for: undoing the hand edit it diverged from (see
    ``Trainer.diverged_by_edit``), else a lower learning rate."""
    if edit is None:
        return DIVERGED_CURE
    return f"{edit_label(network, edit)} made it diverge; u undoes the edit"
