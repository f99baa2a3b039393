"""Accuracy for classifiers, RMSE and R² for regression."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
from numpy.typing import NDArray

from tui_backprop.engine.activations import Array

LARGE = 1e6  # from here on a printed metric is in scientific notation


def printed(value: float, digits: int = 6) -> str:
    """A metric as the command line prints it: ``digits`` decimals (the reference
    exercise's format), or in scientific notation from ±1e6 on, where those decimals
    would make a 100-digit number of a diverging loss; ``nan`` and ``inf`` as they are."""
    return f"{value:.{digits}f}" if abs(value) < LARGE else f"{value:.{digits}e}"


def predicted_classes(output: str, a: Array) -> NDArray[np.intp]:
    """Class index of every row: a sigmoid output ≥ 0.5 is class 1, softmax takes the
    most probable class."""
    if output == "sigmoid":
        return (a[:, 0] >= 0.5).astype(np.intp)
    classes: NDArray[np.intp] = a.argmax(axis=1)
    return classes


def accuracy(output: str, a: Array, labels: Array) -> float:
    if output == "sigmoid":  # as predicted_classes, without converting True/False to 1/0
        return np.count_nonzero((a[:, 0] >= 0.5) == labels) / len(labels)
    return np.count_nonzero(predicted_classes(output, a) == labels) / len(labels)


def accuracy_of(output: str, labels: Array) -> Callable[[Array], float]:
    """``accuracy(output, a, labels)`` as a function of ``a`` alone, with the labels
    prepared once: for a sigmoid output and labels that are all 0 or 1, a row is right
    when (a ≥ 0.5) equals (label = 1), compared as booleans in the output's shape."""
    # partials of module functions, not lambdas: a trainer holding one can be pickled
    if output != "sigmoid" or not np.isin(labels, (0, 1)).all():
        return partial(_accuracy_on, output, labels)
    return partial(_sigmoid_accuracy, (labels == 1).reshape(-1, 1))


def _accuracy_on(output: str, labels: Array, a: Array) -> float:
    return accuracy(output, a, labels)


def _sigmoid_accuracy(positive: Array, a: Array) -> float:
    return np.count_nonzero((a >= 0.5) == positive) / len(positive)


def rmse_r2(a: Array, y: Array, y_scale: float = 1.0) -> tuple[float, float]:
    """RMSE in the target's original units (``y_scale`` undoes standardisation) and R²,
    which does not depend on units. A constant target has R² = 0 by convention."""
    residual = float(((a - y) ** 2).sum())
    spread = float(((y - y.mean(axis=0)) ** 2).sum())
    rmse = float(np.sqrt(residual / y.size)) * y_scale
    r2 = 1.0 - residual / spread if spread > 0 else 0.0
    return rmse, r2
