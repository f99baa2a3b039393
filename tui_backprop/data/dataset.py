"""The loaded table the rest of the app trains on."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tui_backprop.data.errors import fail, show

TASKS = ("auto", "classification", "regression")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Features and labels of one dataset.

    ``labels`` holds int64 class indices 0..k-1 into ``class_names`` for classification,
    or float64 targets for regression (then ``class_names`` is empty)."""

    name: str
    source: str
    features: np.ndarray
    feature_names: tuple[str, ...]
    labels: np.ndarray
    class_names: tuple[str, ...]
    label_name: str
    dropped: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Catch hand-built datasets that would fail much later, deep inside training.
        n = self.features.shape[0] if self.features.ndim == 2 else -1
        if n < 0 or self.labels.shape != (n,):
            raise ValueError(
                f"{self.name}: features must be (n, f) and labels (n,), got "
                f"{self.features.shape} and {self.labels.shape}"
            )
        if len(self.feature_names) != self.features.shape[1]:
            raise ValueError(
                f"{self.name}: {len(self.feature_names)} feature names for "
                f"{self.features.shape[1]} feature columns"
            )

    @property
    def task(self) -> str:
        return "classification" if self.class_names else "regression"

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def n_rows(self) -> int:
        return int(self.features.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.features.shape[1])

    def class_counts(self) -> np.ndarray:
        """Rows per class, indexed like ``class_names`` (empty for regression)."""
        if not self.class_names:
            return np.zeros(0, dtype=np.int64)
        return np.bincount(self.labels, minlength=self.n_classes).astype(np.int64)


def as_regression(ds: Dataset) -> Dataset:
    """Treat numeric class names as real targets (e.g. 0/1 labels fitted by a linear output)."""
    if not ds.class_names:
        return ds
    try:
        values = np.array([float(name) for name in ds.class_names], dtype=np.float64)
    except ValueError:
        raise fail(
            ds.source,
            f"classes {', '.join(map(show, ds.class_names[:3]))} are text; "
            "a regression target must be numeric",
            column=repr(ds.label_name),
        ) from None
    return replace(ds, labels=values[ds.labels], class_names=())
