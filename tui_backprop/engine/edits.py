"""Parameters set by hand between epochs ("set this weight to 0 and watch").

An edit belongs to the run's past like a change of learning rate: it happened after a
given number of epochs, so replaying the run to that epoch must make it again. Setting
a value is idempotent, so applying an edit to parameters that already hold it is
harmless (a snapshot taken after the edit, replayed from).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from tui_backprop.engine.network import Params


class EditError(ValueError):
    """An edit the run cannot take (a value that is not a finite number, no such cell)."""


class Edit(NamedTuple):
    """After ``epoch`` epochs, weight matrix ``layer`` (0-based, as stored) had its cell
    [``row``, ``column``] set from ``old`` to ``new``; ``row`` None is the bias of
    neuron ``column``."""

    epoch: int
    layer: int
    row: int | None
    column: int
    old: float
    new: float


def value_at(params: Params, layer: int, row: int | None, column: int) -> float:
    """The weight (or with ``row`` None the bias) an edit would change; EditError if
    the network has no such parameter."""
    if not 0 <= layer < len(params.weights):
        raise EditError(f"there is no weight matrix {layer + 1}")
    if row is None:
        if params.biases is None:
            raise EditError("this network has no biases")
        values = params.biases[layer]
        if not 0 <= column < values.shape[0]:
            raise EditError(f"b{layer + 1} has no neuron {column + 1}")
        return float(values[column])
    w = params.weights[layer]
    if not (0 <= row < w.shape[0] and 0 <= column < w.shape[1]):
        raise EditError(f"W{layer + 1} has no cell [{row + 1}, {column + 1}]")
    return float(w[row, column])


def check_value(value: float) -> float:
    if not math.isfinite(value):
        raise EditError(f"a weight must be a finite number, not {value}")
    return value


def edited(params: Params, edit: Edit) -> Params:
    """``params`` with ``edit`` made: new arrays for the one it changes (the engine's
    arrays are read-only and shared with records and snapshots)."""
    flat = params.flat()
    bias = params.biases is not None
    at = edit.layer * (2 if bias else 1) + (1 if edit.row is None else 0)
    changed = flat[at].copy()
    if edit.row is None:
        changed[edit.column] = edit.new
    else:
        changed[edit.row, edit.column] = edit.new
    flat[at] = changed
    return Params.from_flat(flat, bias)


def made_at(params: Params, edits: Sequence[Edit], epoch: int) -> Params:
    """``params`` (after ``epoch`` epochs) with the edits made at that epoch, in order."""
    for edit in edits:
        if edit.epoch == epoch:
            params = edited(params, edit)
    return params
