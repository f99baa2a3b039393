"""Input features made from two columns, as TensorFlow Playground offers them: the
network may take X₁², X₂², X₁X₂, sin X₁ and sin X₂ as well as (or instead of) X₁ and
X₂. The transform comes before standardisation, so a squared column is scaled like any
other; the decision boundary maps its plane through the same ``lift``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from tui_backprop.data.cells import MAX_MAGNITUDE
from tui_backprop.data.dataset import Dataset
from tui_backprop.data.errors import DatasetError

Column = Callable[[np.ndarray, np.ndarray], np.ndarray]

# Each feature by its command-line name: how it is shown, and how it is computed.
FEATURES: dict[str, tuple[str, Column]] = {
    "x1": ("X₁", lambda a, b: a),
    "x2": ("X₂", lambda a, b: b),
    "x1^2": ("X₁²", lambda a, b: a * a),
    "x2^2": ("X₂²", lambda a, b: b * b),
    "x1x2": ("X₁X₂", lambda a, b: a * b),
    "sinx1": ("sin X₁", lambda a, b: np.sin(a)),
    "sinx2": ("sin X₂", lambda a, b: np.sin(b)),
}
FEATURE_NAMES = tuple(FEATURES)


def lift(points: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """The (n, 2) ``points`` as the (n, len(features)) columns ``features`` name."""
    a, b = points[:, 0], points[:, 1]
    return np.column_stack([FEATURES[f][1](a, b) for f in features]).astype(points.dtype)


def with_features(ds: Dataset, features: Sequence[str], limit: float = MAX_MAGNITUDE) -> Dataset:
    """``ds`` with its two columns replaced by ``features``; DatasetError for other data,
    or for a feature whose values go beyond ``limit`` (a square of a large column), the
    limit the columns themselves met."""
    unknown = [f for f in features if f not in FEATURES]
    if unknown:
        raise DatasetError(f"unknown feature {unknown[0]!r}; choose from {', '.join(FEATURES)}")
    if ds.n_features != 2:
        raise DatasetError(
            f"{ds.name}: input features need data with exactly 2 features; it has {ds.n_features}"
        )
    columns = np.ascontiguousarray(lift(ds.features, features))
    for name, column in zip(features, columns.T, strict=True):
        largest = float(np.abs(column).max(initial=0.0))
        if largest > limit:
            raise DatasetError(
                f"{ds.name}: --features {name} reaches {largest:.3g}, beyond ±{limit:g}, "
                "too large to train on (it would overflow); leave it out"
            )
    return replace(ds, features=columns, feature_names=tuple(FEATURES[f][0] for f in features))
