"""Initial weights. Biases always start at zero."""

from __future__ import annotations

import numpy as np

from tui_backprop.engine.activations import Array

INITS = ("uniform", "xavier", "he")


def init_weight(
    kind: str, fan_in: int, fan_out: int, scale: float, rng: np.random.Generator
) -> Array:
    """One (fan_in, fan_out) matrix.

    ``uniform`` draws from U(-scale, scale) (the reference experiment uses 0.1);
    ``xavier`` (Glorot uniform) and ``he`` (normal, for ReLU) multiply their usual
    spread by ``scale``.
    """
    shape = (fan_in, fan_out)
    if kind == "uniform":
        return rng.uniform(-scale, scale, shape)
    if kind == "xavier":
        limit = scale * np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, shape)
    if kind == "he":
        return rng.normal(0.0, scale * np.sqrt(2.0 / fan_in), shape)
    raise ValueError(f"unknown initialisation {kind!r}; choose from {', '.join(INITS)}")
