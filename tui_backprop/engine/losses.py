"""Output layer and loss pairs whose output delta dL/dz is simply ŷ - y.

The per-sample losses are computed from z, not from ŷ, so a saturated output gives a
large finite loss instead of log(0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui_backprop.engine.activations import ACTIVATIONS, Activation, Array


@dataclass(frozen=True)
class OutputLoss:
    output: str  # name of the output activation
    loss_name: str
    formula: str

    @property
    def activation(self) -> Activation:
        return ACTIVATIONS[self.output]

    @property
    def is_classification(self) -> bool:
        return self.output != "linear"

    def per_sample(self, z: Array, y: Array) -> Array:
        """Loss of every row, from the output layer's z and the target matrix y."""
        total: Array = self._per_unit(z, y).sum(axis=1)
        return total

    def mean(self, z: Array, y: Array) -> float:
        """``float(per_sample(z, y).mean())``, for less: one output unit's loss is its
        row's loss (a row sum of one term is that term), and the mean is NumPy's own
        sum and division without ndarray.mean's Python layer."""
        per = self._per_unit(z, y)
        if per.shape[1] != 1:
            per = per.sum(axis=1)
        total = np.add.reduce(per, None)  # axis=None, passed by position: parsed for less
        value = float(total) / per.shape[0]
        return value if type(total) is np.float64 else float(total.dtype.type(value))

    def _per_unit(self, z: Array, y: Array) -> Array:
        per_unit: Array
        if self.output == "sigmoid":
            # -[y log σ(z) + (1-y) log(1-σ(z))] = log(1+e^z) - y z
            per_unit = np.logaddexp(0.0, z) - y * z
        elif self.output == "softmax":
            top = z.max(axis=1, keepdims=True)
            log_norm = np.log(np.exp(z - top).sum(axis=1, keepdims=True)) + top
            per_unit = y * (log_norm - z)  # -y·log ŷ, with log ŷ = z - log Σ e^z
        else:
            per_unit = 0.5 * (z - y) ** 2
        return per_unit


OUTPUTS: dict[str, OutputLoss] = {
    "sigmoid": OutputLoss("sigmoid", "binary cross-entropy", "-[y·log ŷ + (1-y)·log(1-ŷ)]"),
    "softmax": OutputLoss("softmax", "cross-entropy", "-Σ y·log ŷ"),
    "linear": OutputLoss("linear", "squared error", "½(ŷ - y)²"),
}
