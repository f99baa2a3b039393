"""Activation functions and their derivatives, stable for any finite z.

Each derivative is written in terms of both z and the activation a = f(z), so the
forward pass's result is reused instead of recomputed (sigmoid' = a(1 - a)).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    name: str
    forward: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array]  # (z, a) -> da/dz
    formula: str
    # ``forward`` without a floating-point guard of its own, for a caller that holds
    # np.errstate already (the trainer, once per epoch): entering one costs a microsecond.
    # None when ``forward`` has no guard.
    unguarded: Callable[[Array], Array] | None = None

    def __reduce__(self) -> tuple[Callable[[str], Activation], tuple[str]]:
        # Pickled as its name (its functions are lambdas): a trainer can be sent to a
        # training process and back.
        return activation_named, (self.name,)


# 1.0 as a 0-d array of each float dtype: the same operand NumPy makes of a Python 1.0
# (NEP 50), without making it anew on every call, a sixth of the sigmoid's cost
_ONES = {np.dtype(t): np.ones((), t) for t in (np.float64, np.float32)}


def _sigmoid(z: Array) -> Array:
    # Written as the reference exercise writes it, so its runs are reproduced bit for bit.
    one = _ONES.get(z.dtype, 1.0)
    out: Array = one / (one + np.exp(-z))
    return out


def sigmoid(z: Array) -> Array:
    # For z < -709, e^-z overflows to inf and the result is exactly 0: no warning needed.
    with np.errstate(over="ignore"):
        return _sigmoid(z)


def _relu(z: Array) -> Array:
    return np.maximum(z, 0)


def _leaky(z: Array) -> Array:
    return np.where(z > 0, z, LEAKY_SLOPE * z).astype(z.dtype, copy=False)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        # 1.0 rather than 1: the same value once NumPy converts it, converted for less
        Activation("sigmoid", sigmoid, lambda z, a: a * (1.0 - a), "σ(z) = 1/(1+e^-z)", _sigmoid),
        Activation("tanh", np.tanh, lambda z, a: 1.0 - a * a, "tanh(z)"),
        Activation("relu", _relu, lambda z, a: (z > 0).astype(z.dtype), "max(0, z)"),
        Activation(
            "leaky_relu",
            _leaky,
            lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype),
            f"max({LEAKY_SLOPE}z, z)",
        ),
        Activation("linear", lambda z: z, lambda z, a: np.ones_like(z), "z"),
    )
}


def softmax(z: Array) -> Array:
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    out: Array = e / e.sum(axis=1, keepdims=True)
    return out


def softmax_derivative(z: Array, a: Array) -> Array:
    # Diagonal of the softmax Jacobian; shown for display only, since the output
    # delta of softmax with cross-entropy is simply ŷ - y.
    return a * (1 - a)


ACTIVATIONS["softmax"] = Activation("softmax", softmax, softmax_derivative, "e^z / Σ e^z")


def activation_named(name: str) -> Activation:
    return ACTIVATIONS[name]
