"""The built-in regression targets: smooth functions of two inputs on the square
[-1, 1]², in the spirit of TensorFlow Playground's plane and Gaussian datasets."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Surface = Callable[[np.ndarray, np.ndarray], np.ndarray]

_TILT = (0.8, -0.5)  # the plane rises along x1 and falls along x2
# (x1, x2, height) of each bump: two hills and two hollows, plus a low hill in the middle.
_BUMPS = (
    (-0.5, -0.5, 1.0),
    (0.5, 0.5, 1.0),
    (-0.5, 0.5, -1.0),
    (0.5, -0.5, -1.0),
    (0.0, 0.0, 0.5),
)
_BUMP_WIDTH = 0.3  # standard deviation of each bump


def plane(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return _TILT[0] * a + _TILT[1] * b


def multigauss(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    total = np.zeros_like(a)
    for x, y, height in _BUMPS:
        total += height * np.exp(-((a - x) ** 2 + (b - y) ** 2) / (2 * _BUMP_WIDTH**2))
    return total


SURFACES: dict[str, Surface] = {"plane": plane, "multigauss": multigauss}
