"""Rows added or removed by hand (clicked onto the decision boundary's plane).

Each change returns a new dataset and split and leaves the old ones as they were. The
split keeps its test rows and its standardisation, so every other point stays where it
is on the plane: an added row is a training row, given in the units the network trains
on and stored in the data's own units.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from tui_backprop.data.dataset import Dataset
from tui_backprop.data.split import Split

CUSTOM = "-custom"  # "seed-custom": a dataset changed by hand
SOURCE = "your own points"


class PointsError(ValueError):
    """A change the data cannot take, in one line for the user."""


def custom_name(name: str) -> str:
    stem = Path(name).stem
    return stem if stem.endswith(CUSTOM) else stem + CUSTOM


def check_plane(ds: Dataset) -> None:
    """Points can be clicked only onto the plane of two features and class labels."""
    if ds.n_features != 2 or not ds.class_names:
        what = "a numeric target" if not ds.class_names else f"{ds.n_features} features"
        raise PointsError(f"your own points need two features and class labels; {what} here")


def with_point(ds: Dataset, split: Split, trained: np.ndarray, label: int) -> tuple[Dataset, Split]:
    """One more training row at ``trained`` (its two features as the network takes them,
    standardised when the split is) with class ``label``."""
    check_plane(ds)
    if not 0 <= label < ds.n_classes:
        raise PointsError(f"there is no class {label + 1}")
    point = np.asarray(trained, dtype=np.float64).reshape(1, 2)
    raw = point if split.mean is None or split.std is None else point * split.std + split.mean
    data = replace(
        ds,
        name=custom_name(ds.name),
        source=SOURCE,
        features=np.vstack([ds.features, raw]),
        labels=np.append(ds.labels, np.int64(label)),
    )
    more = replace(
        split,
        x_train=np.vstack([split.x_train, point]),
        y_train=np.append(split.y_train, np.int64(label)),
        train_rows=np.append(split.train_rows, ds.n_rows),
    )
    return data, more


def nearest_row(split: Split, trained: np.ndarray, scale: np.ndarray) -> int:
    """The dataset row (training or test) drawn nearest to ``trained``, distances taken
    in units of ``scale`` per axis (the plane's width and height, as the eye sees it)."""
    parts = [(split.x_train, split.train_rows)]
    if split.x_test is not None:
        parts.append((split.x_test, split.test_rows))
    x = np.vstack([p[0] for p in parts])
    rows = np.concatenate([p[1] for p in parts])
    far = (((x - np.asarray(trained)) / scale) ** 2).sum(axis=1)
    return int(rows[int(np.argmin(far))])


def without_row(ds: Dataset, split: Split, row: int) -> tuple[Dataset, Split]:
    """The data with dataset row ``row`` taken out (at least one training row stays)."""
    check_plane(ds)
    in_train = split.train_rows != row
    if not in_train.any():
        raise PointsError("the last training row cannot be removed")
    keep = np.arange(ds.n_rows) != row
    renumber = np.cumsum(keep) - 1  # old row -> new row
    in_test = split.test_rows != row
    has_test = split.x_test is not None and bool(in_test.any())
    data = replace(
        ds,
        name=custom_name(ds.name),
        source=SOURCE,
        features=ds.features[keep],
        labels=ds.labels[keep],
    )
    less = replace(
        split,
        x_train=split.x_train[in_train],
        y_train=split.y_train[in_train],
        train_rows=renumber[split.train_rows[in_train]],
        x_test=split.x_test[in_test] if has_test and split.x_test is not None else None,
        y_test=split.y_test[in_test] if has_test and split.y_test is not None else None,
        test_rows=renumber[split.test_rows[in_test]],
    )
    return data, less
