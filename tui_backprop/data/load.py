"""One entry point for a dataset named on the command line: a built-in or a CSV path."""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass

from tui_backprop.data.builtin import (
    BUILTIN_NAMES,
    DEFAULT_NOISE,
    DEFAULT_POINTS,
    builtin_dataset,
)
from tui_backprop.data.cells import MAX_MAGNITUDE
from tui_backprop.data.csv_load import check_task, load_csv
from tui_backprop.data.dataset import Dataset, as_regression
from tui_backprop.data.errors import DatasetError, place


def load_dataset(
    spec: str,
    label_column: str | int | None = None,
    drop_columns: Sequence[str | int] = (),
    task: str = "auto",
    drawn: Drawn | None = None,
    max_magnitude: float = MAX_MAGNITUDE,
) -> Dataset:
    """``spec`` is a CSV path or exactly one of ``BUILTIN_NAMES``; an existing path wins.
    A CSV's features and regression targets must be within ``max_magnitude`` (1e100
    unless the run needs less, see ``magnitude_limit``).
    Built-ins other than ``plane`` and ``multigauss`` are classification data;
    ``task="regression"`` turns their class numbers into targets. ``drawn`` sets a
    generated built-in's size, noise and seed; a CSV or ``seed`` refuses it."""
    drawn = drawn or Drawn()
    if not spec.strip():
        raise DatasetError(
            f"no dataset given; name a CSV file or one of {', '.join(BUILTIN_NAMES)}"
        )
    if os.path.exists(spec) or spec not in BUILTIN_NAMES:
        if not os.path.exists(spec) and _looks_like_name(spec):
            raise DatasetError(_unknown_name(spec))
        _refuse_drawn(spec, drawn)
        return load_csv(spec, label_column, drop_columns, task, max_magnitude)
    check_task(task, spec)
    if label_column is not None or drop_columns:
        raise DatasetError(f"{spec}: label and dropped columns apply only to CSV files")
    if spec == "seed":
        _refuse_drawn(spec, drawn)
    ds = builtin_dataset(spec, *drawn.values(), max_magnitude)
    if task == "classification" and not ds.class_names:
        raise DatasetError(f"{spec}: its target is a number, so it needs the linear output")
    return as_regression(ds) if task == "regression" else ds


@dataclass(frozen=True)
class Drawn:
    """How a generated built-in is drawn; None: its default (200 points, noise 0.1, seed 0)."""

    points: int | None = None
    noise: float | None = None
    seed: int | None = None

    def values(self) -> tuple[int, float, int]:
        return (
            DEFAULT_POINTS if self.points is None else self.points,
            DEFAULT_NOISE if self.noise is None else self.noise,
            0 if self.seed is None else self.seed,
        )


def _refuse_drawn(spec: str, drawn: Drawn) -> None:
    if drawn != Drawn():
        what = "a CSV file" if spec != "seed" else "the fixed reference table"
        raise DatasetError(
            f"{place(spec)}: points, noise and data seed apply only to generated "
            f"built-in datasets, not to {what}"
        )


def _looks_like_name(spec: str) -> bool:
    return bool(spec) and "." not in spec and os.sep not in spec and "/" not in spec


def _unknown_name(spec: str) -> str:
    close = difflib.get_close_matches(spec, BUILTIN_NAMES, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    builtins = ", ".join(BUILTIN_NAMES)
    return f"{place(spec)}: no such file or built-in dataset; {hint}built-ins: {builtins}"
