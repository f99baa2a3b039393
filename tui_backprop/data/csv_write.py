"""Writing a dataset as CSV that ``load_csv`` reads back to identical arrays."""

from __future__ import annotations

import csv
import os

from tui_backprop.data.dataset import Dataset


def save_csv(ds: Dataset, path: str | os.PathLike[str]) -> None:
    """Header, then one row per sample; repr() floats round-trip exactly."""
    if ds.class_names:
        label_texts = [ds.class_names[int(k)] for k in ds.labels]
    else:
        label_texts = [repr(float(v)) for v in ds.labels]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([*ds.feature_names, ds.label_name])
        for row, label in zip(ds.features.tolist(), label_texts, strict=True):
            writer.writerow([*map(repr, row), label])
