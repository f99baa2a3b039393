"""Each row's own numbers in an epoch's forward pass: its output, its loss and, for the
rows a step trained on, its output δ. The table of rows shows these; their mean loss is
the epoch's loss."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tui_backprop.engine.activations import Array
from tui_backprop.engine.losses import OUTPUTS
from tui_backprop.engine.network import Params, forward, layer_activations
from tui_backprop.engine.records import StepRecord
from tui_backprop.engine.trainer import Trainer


@dataclass(frozen=True, eq=False)
class RowScores:
    """The first rows of a batch or split, in its order."""

    rows: NDArray[np.intp]  # indices into the training (or test) rows
    x: Array  # (n, features), as the network sees them
    y: Array  # (n, outputs): the target matrix (one-hot for softmax)
    output: Array  # (n, outputs): ŷ
    loss: Array  # (n,): each row's loss
    delta: Array | None  # (n, outputs): the output layer's δ = ∂L/∂z; None for test rows


def step_rows(record: StepRecord, limit: int) -> RowScores:
    """The first ``limit`` rows of ``record``'s batch, as its forward pass scored them."""
    out = record.layers[-1]
    n = min(limit, len(record.rows))
    loss = record.row_losses[:n]
    return RowScores(record.rows[:n], record.x[:n], record.y[:n], out.a[:n], loss, out.delta[:n])


def test_rows(trainer: Trainer, first: StepRecord, limit: int) -> RowScores | None:
    """The first ``limit`` test rows scored by the weights the epoch of ``first`` (its
    first step) began with, as that epoch's test metrics were; None without test rows."""
    arrays = trainer.test_arrays()
    if arrays is None:
        return None
    x, y = arrays[0][:limit], arrays[1][:limit]
    layers = first.layers
    biases = tuple(b for lay in layers if (b := lay.b_before) is not None)
    params = Params(tuple(lay.w_before for lay in layers), biases or None)
    c = trainer.config
    acts = layer_activations(len(layers), c.activation, c.output)
    with np.errstate(all="ignore"):
        z, a = forward(params, acts, x)[-1]
        loss = OUTPUTS[c.output].per_sample(z, y)
    return RowScores(np.arange(len(x)), x, y, a, loss, None)
