"""Writing a dataset as CSV that ``load_csv`` reads back to identical arrays."""

from __future__ import annotations

import csv
import os
from typing import IO

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
