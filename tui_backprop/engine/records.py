"""Immutable records of what one training step computed, for display.

Every array here is a result the step produced (never a view the next step will
write into), so a record keeps showing the same numbers forever.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from tui_backprop.engine.activations import Array
from tui_backprop.engine.losses import OUTPUTS


@dataclass(frozen=True, eq=False)
class LayerRecord:
    """One layer l of one step: z = input·W (+ b), a = f(z)."""

    index: int
    activation: str
    input: Array  # (n, fan_in): the previous layer's activation, or the features
    z: Array  # (n, fan_out)
    a: Array  # (n, fan_out)
    derivative: Array  # (n, fan_out): da/dz at z
    delta: Array  # (n, fan_out): dL/dz of every sample, before the batch reduction
    grad_w: Array  # (fan_in, fan_out): reduced input.T·delta (+ L2 term)
    grad_b: Array | None  # (fan_out,)
    w_before: Array
    w_after: Array
    b_before: Array | None
    b_after: Array | None


@dataclass(frozen=True, eq=False)
class StepRecord:
    """One forward pass, backward pass and update on one batch."""

    epoch: int  # the epoch this step belongs to (numbered from 0)
    step: int  # the batch's position inside its epoch
    rows: NDArray[np.intp]  # indices of the training rows in the batch, in batch order
    x: Array  # (n, features)
    y: Array  # (n, outputs): the target matrix (one-hot for softmax)
    layers: tuple[LayerRecord, ...]
    loss: float  # mean loss per sample of the batch, before the update
    lr: float
    reduction: str
    optimizer: str = "sgd"  # the rule that made w_after from w_before
    l1: float = 0.0  # λ₁ of the L1 step after the update (see engine.regularization)
    l2: float = 0.0  # λ₂ of the L2 term in grad_w

    @property
    def output(self) -> Array:
        return self.layers[-1].a

    @cached_property
    def row_losses(self) -> Array:
        """Every row's own loss ℓ (the batch's mean of them is ``loss``); made when
        first asked for, so training never pays for it."""
        out = self.layers[-1]
        return OUTPUTS[out.activation].per_sample(out.z, self.y)

    @property
    def objective(self) -> float:
        """The loss the gradients are the gradient of (without an L2 penalty): the sum
        of the rows' losses, or their mean, as ``reduction`` says."""
        return self.loss * len(self.rows) if self.reduction == "sum" else self.loss


@dataclass(frozen=True)
class EpochMetrics:
    """Metrics of the weights as they were when the epoch began (as the reference
    experiment reports them: the epoch's forward pass, before its update)."""

    epoch: int
    loss: float
    accuracy: float | None = None  # classification
    rmse: float | None = None  # regression, in the target's original units
    r2: float | None = None
    test_loss: float | None = None
    test_accuracy: float | None = None
    test_rmse: float | None = None
    test_r2: float | None = None
    grad_norms: tuple[float, ...] = ()  # per layer, of the epoch's last step

    @classmethod
    def from_row(cls, epoch: int, row: Sequence[object]) -> EpochMetrics:
        """``EpochMetrics(epoch, *row)``, made without the frozen dataclass's ten
        object.__setattr__ calls (with a small network, a twentieth of an epoch)."""
        metrics = object.__new__(cls)
        metrics.__dict__.update(zip(_FIELD_NAMES, (epoch, *row), strict=True))
        return metrics


_FIELD_NAMES = tuple(f.name for f in fields(EpochMetrics))
