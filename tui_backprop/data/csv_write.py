"""Writing a dataset as CSV that ``load_csv`` reads back to identical arrays."""

from __future__ import annotations

import csv
import os
from typing import IO

import numpy as np

from tui_backprop.data.dataset import Dataset


def save_csv(ds: Dataset, target: str | os.PathLike[str] | IO[str]) -> None:
    """Header, then one row per sample; repr() floats round-trip exactly. ``target`` is a
    path or a text file opened with ``newline=""``, which stays the caller's."""
    if not isinstance(target, str | os.PathLike):
        _write_rows(ds, target)
        return
    with open(target, "w", encoding="utf-8", newline="") as fh:
        _write_rows(ds, fh)


def _write_rows(ds: Dataset, fh: IO[str]) -> None:
    if ds.class_names:
        label_texts = [ds.class_names[int(k)] for k in ds.labels]
    else:
        label_texts = [repr(float(v)) for v in ds.labels]
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow([*ds.feature_names, ds.label_name])
    for row, label in zip(ds.features.tolist(), label_texts, strict=True):
        writer.writerow([*map(repr, row), label])


def reopen_problem(ds: Dataset) -> str | None:
    """Why the CSV of ``ds`` would not open again as a dataset, or None."""
    if ds.n_rows == 0:
        return "it holds no rows"
    if ds.class_names and np.unique(ds.labels).size < 2:
        return "it holds one class only, and classification needs two"
    return None
