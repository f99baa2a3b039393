"""Backprop checked against central finite differences, weight by weight.

``gradient_check`` is a generator so a caller can show progress and stop early: it
yields the fraction done now and then, and returns the result (``StopIteration.value``;
``run_gradient_check`` does the looping for callers that just want the answer).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

from tui_backprop.engine.activations import Array
from tui_backprop.engine.losses import OUTPUTS
from tui_backprop.engine.network import Params, backward, forward, layer_activations, objective
from tui_backprop.engine.trainer import Trainer

EPSILON = 1e-6


@dataclass(frozen=True, eq=False)
class GradientCheck:
    names: tuple[str, ...]  # "W0", "b0", "W1", ... in parameter order
    backprop: tuple[Array, ...]
    numeric: tuple[Array, ...]

    @property
    def relative_errors(self) -> tuple[Array, ...]:
        """|backprop - numeric| / max(|backprop|, |numeric|), 0 where both vanish."""
        out = []
        for b, n in zip(self.backprop, self.numeric, strict=True):
            scale = np.maximum(np.abs(b), np.abs(n))
            out.append(np.divide(np.abs(b - n), scale, out=np.zeros_like(b), where=scale > 1e-12))
        return tuple(out)

    @property
    def max_relative_error(self) -> float:
        return max(float(e.max(initial=0.0)) for e in self.relative_errors)

    @property
    def count(self) -> int:
        return sum(a.size for a in self.backprop)


def gradient_check(
    trainer: Trainer, epsilon: float = EPSILON, params: Params | None = None
) -> Generator[float, None, GradientCheck]:
    """Every parameter of the trainer's current network (or of ``params``, e.g. a past
    epoch's), on the whole training set, in float64 whatever the run's dtype (finite
    differences need the precision)."""
    c = trainer.config
    acts = layer_activations(len(trainer.sizes) - 1, c.activation, c.output)
    loss = OUTPUTS[c.output]
    x, y = trainer.training_arrays()
    x, y = x.astype(np.float64), y.astype(np.float64)
    params = (params or trainer.params).astype("float64")
    has_bias = params.biases is not None
    analytic = backward(params, acts, forward(params, acts, x), x, y, c.reduction, c.l2).grads

    flat = [a.copy() for a in params.flat()]  # writable copies, nudged in place below
    trial = Params(*_split(flat, has_bias))
    numeric = [np.zeros_like(a) for a in flat]
    total, done = sum(a.size for a in flat), 0
    for array, out in zip(flat, numeric, strict=True):
        for index in np.ndindex(array.shape):
            saved = array[index]
            values = []
            for shift in (epsilon, -epsilon):
                array[index] = saved + shift
                values.append(objective(trial, acts, loss, x, y, c.reduction, c.l2))
            array[index] = saved
            out[index] = (values[0] - values[1]) / (2 * epsilon)
            done += 1
            if done % 64 == 0:
                yield done / total
    names = tuple(
        f"{kind}{i}"
        for i in range(len(params.weights))
        for kind in (("W", "b") if has_bias else ("W",))
    )
    return GradientCheck(names, tuple(analytic.flat()), tuple(numeric))


def run_gradient_check(
    trainer: Trainer, epsilon: float = EPSILON, params: Params | None = None
) -> GradientCheck:
    steps = gradient_check(trainer, epsilon, params)
    while True:
        try:
            next(steps)
        except StopIteration as finished:
            result: GradientCheck = finished.value
            return result


def _split(flat: list[Array], has_bias: bool) -> tuple[tuple[Array, ...], tuple[Array, ...] | None]:
    if not has_bias:
        return tuple(flat), None
    return tuple(flat[0::2]), tuple(flat[1::2])
