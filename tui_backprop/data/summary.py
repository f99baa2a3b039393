"""Short human-readable lines describing a dataset and its split."""

from __future__ import annotations

import numpy as np

from tui_backprop.data.dataset import Dataset
from tui_backprop.data.split import Split

_LISTED = 6


def summary_lines(ds: Dataset, split: Split | None = None) -> list[str]:
    lines = [
        f"{_title(ds)}: {ds.n_rows} rows",
        f"{ds.n_features} features: {_listing(ds.feature_names)}",
        _label_line(ds),
    ]
    if ds.dropped:
        lines.append(f"dropped: {_listing(ds.dropped)}")
    if split is not None:
        lines.extend(_split_lines(split))
    return lines


def _title(ds: Dataset) -> str:
    """A file by its path as given (its name already ends it), a built-in or own data
    by its name and where it comes from."""
    if ds.source.endswith(ds.name):
        return ds.source
    return f"{ds.name} ({ds.source})"


def _listing(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:_LISTED])
    hidden = len(names) - _LISTED
    return f"{shown}, ... (+{hidden} more)" if hidden > 0 else shown


def _label_line(ds: Dataset) -> str:
    if not ds.class_names:
        y = ds.labels
        return (
            f"target {ds.label_name!r} (regression): {_num(y.min())} to {_num(y.max())}, "
            f"mean {_num(y.mean())}"
        )
    counts = ds.class_counts()
    parts = [f"{name}: {count}" for name, count in zip(ds.class_names, counts, strict=True)]
    return f"label {ds.label_name!r}: {ds.n_classes} classes, rows {_listing(tuple(parts))}"


def _split_lines(split: Split) -> list[str]:
    n_train, n_test = len(split.train_rows), len(split.test_rows)
    if n_test == 0 and split.test_split > 0:
        lines = [f"train on all {n_train} rows: a {split.test_split} test split rounds to none"]
    elif n_test == 0:
        lines = [f"train on all {n_train} rows in file order, no test set"]
    else:
        share = n_test / (n_train + n_test)
        lines = [f"train {n_train} rows, test {n_test} rows ({share:.0%} held out)"]
    if split.standardized:
        lines.append("features standardised with the training mean and std")
    if split.y_scale != 1.0 or split.y_mean != 0.0:
        lines.append(f"target standardised: mean {_num(split.y_mean)}, std {_num(split.y_scale)}")
    return lines


def _num(value: float | np.floating) -> str:
    return f"{float(value):.4g}"
