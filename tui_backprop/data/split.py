"""Train/test split and standardisation.

With ``test_split`` 0 every row trains, in file order (the reference experiment depends
on that order). Otherwise ``round(test_split * rows)`` rows (halves round up) are drawn
with ``seed`` for the test set; for classification they are shared out among the classes
in proportion to their sizes (largest remainders get the odd rows), so each class keeps its
share in both sets. A split too small to yield a test row gives no test set (``x_test``
None), as with 0. Both row lists stay in file order.

Standardisation uses the training rows only, so the test set stays unseen; a constant
column keeps a scale of 1 instead of dividing by zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tui_backprop.data.dataset import Dataset
from tui_backprop.data.errors import fail, show


@dataclass(frozen=True, eq=False)
class Split:
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray | None
    y_test: np.ndarray | None
    train_rows: np.ndarray  # int64 row indices into the Dataset
    test_rows: np.ndarray
    mean: np.ndarray | None  # feature standardisation; None when off
    std: np.ndarray | None
    y_mean: float = 0.0  # regression target: original = y * y_scale + y_mean
    y_scale: float = 1.0
    test_split: float = 0.0  # the fraction asked for; small data may round to no test rows

    @property
    def standardized(self) -> bool:
        return self.mean is not None


def split_dataset(ds: Dataset, test_split: float, standardize: bool, seed: int) -> Split:
    if not (math.isfinite(test_split) and 0.0 <= test_split < 1.0):
        raise fail(ds.name, f"test split {test_split} must be at least 0 and below 1")
    if test_split == 0:
        train, test = np.arange(ds.n_rows, dtype=np.int64), np.zeros(0, dtype=np.int64)
    else:
        train, test = _draw_rows(ds, test_split, seed)
    return _assemble(ds, train, test, standardize, test_split)


def _draw_rows(ds: Dataset, test_split: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if ds.class_names:
        groups = [np.flatnonzero(ds.labels == k) for k in range(ds.n_classes)]
    else:
        groups = [np.arange(ds.n_rows)]
    sizes = np.array([len(rows) for rows in groups])
    n_tests = _share_out(math.floor(test_split * ds.n_rows + 0.5), sizes)
    for k, (size, n_test) in enumerate(zip(sizes, n_tests, strict=True)):
        if size and n_test >= size:
            raise fail(ds.name, _no_training_rows(ds, k, int(size), test_split))
    parts = [rng.permutation(rows)[:n] for rows, n in zip(groups, n_tests, strict=True)]
    test = np.sort(np.concatenate(parts)).astype(np.int64)
    train = np.setdiff1d(np.arange(ds.n_rows, dtype=np.int64), test)
    return train, test


def _share_out(total: int, sizes: np.ndarray) -> list[int]:
    """Split ``total`` test rows among groups in proportion to ``sizes``; the rows left
    after rounding down go to the largest remainders, then to the bigger, earlier group."""
    quotas = total * sizes / sizes.sum()
    counts = np.floor(quotas).astype(int)
    order = sorted(range(len(sizes)), key=lambda k: (-(quotas[k] - counts[k]), -sizes[k], k))
    for k in order[: total - int(counts.sum())]:
        counts[k] += 1
    return [int(c) for c in counts]


def _no_training_rows(ds: Dataset, k: int, size: int, test_split: float) -> str:
    if not ds.class_names:
        return f"a test split of {test_split} leaves no training row out of {size}"
    return (
        f"class {show(ds.class_names[k])} has {size} row(s); a test split of {test_split} "
        "leaves it no training row"
    )


def _assemble(
    ds: Dataset, train: np.ndarray, test: np.ndarray, standardize: bool, test_split: float
) -> Split:
    x_train, y_train = ds.features[train], ds.labels[train]
    x_test = ds.features[test] if test.size else None
    y_test = ds.labels[test] if test.size else None
    if not standardize:
        return Split(
            x_train, y_train, x_test, y_test, train, test, None, None, test_split=test_split
        )
    mean, std = _centre_scale(x_train)
    x_train = (x_train - mean) / std
    x_test = None if x_test is None else (x_test - mean) / std
    y_mean, y_scale = 0.0, 1.0
    if not ds.class_names:
        centre, scale = _centre_scale(y_train[:, None])
        y_mean, y_scale = float(centre[0]), float(scale[0])
        y_train = (y_train - y_mean) / y_scale
        y_test = None if y_test is None else (y_test - y_mean) / y_scale
    return Split(
        x_train, y_train, x_test, y_test, train, test, mean, std, y_mean, y_scale, test_split
    )


def _centre_scale(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and standard deviations; exactly constant columns get scale 1 (a
    tiny rounding-error std would blow their values up instead)."""
    mean, spread, std = x.mean(axis=0), np.ptp(x, axis=0), x.std(axis=0)
    # Values closer than about 1e-160 square to zero; measure those in units of their spread.
    lost = (std == 0) & (spread > 0)
    if lost.any():
        std[lost] = spread[lost] * ((x[:, lost] - mean[lost]) / spread[lost]).std(axis=0)
    return mean, np.where(spread == 0, 1.0, std)


def principal_components(x: np.ndarray, count: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``x`` projected on their first ``count`` principal components, and
    the fraction of the variance each component explains."""
    mean, axes, share = principal_axes(x, count)
    return (x - mean) @ axes.T, share


def principal_axes(x: np.ndarray, count: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows' mean, their first ``count`` principal directions (count, features) and
    the fraction of the variance each explains."""
    mean = x.mean(axis=0)
    _, singular, vt = np.linalg.svd(x - mean, full_matrices=False)
    variance = singular**2
    share = variance[:count] / variance.sum() if variance.sum() > 0 else np.zeros(count)
    return mean, vt[:count], share
