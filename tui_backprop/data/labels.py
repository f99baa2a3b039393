"""Turning a column of label texts into class indices or regression targets.

The rule for ``task="auto"``: a label column is a **regression** target when every value is
a number and either some value is not a whole number (``2.5``) or there are more than
``MAX_AUTO_CLASSES`` (20) distinct values. Otherwise it is **classification**: text labels
always are, and so are whole numbers with at most 20 distinct values (``0``/``1``,
``1``..``5``). ``task="classification"`` or ``"regression"`` overrides the rule;
regression then needs every label to be a number, none larger than the caller's limit.

Classes are the sorted distinct values (numeric order for numbers, text order otherwise)
and keep their text for display: ``("0", "1")`` or ``("setosa", "versicolor", ...)``.
Classification needs at least two classes and at most ``MAX_CLASSES`` (100).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tui_backprop.data.cells import number_text, parse_number, too_large
from tui_backprop.data.errors import show

MAX_AUTO_CLASSES = 20
MAX_CLASSES = 100


class LabelProblem(Exception):
    """A label the task cannot use. ``key`` indexes the offending distinct label text
    (so the reader can name its first line), or is None for a whole-column problem."""

    def __init__(self, key: int | None, problem: str) -> None:
        super().__init__(problem)
        self.key = key
        self.problem = problem


def is_regression(values: np.ndarray) -> bool:
    """The auto rule on the distinct numeric label values."""
    fractional = bool(np.any(values != np.round(values)))
    return fractional or len(np.unique(values)) > MAX_AUTO_CLASSES


def encode_labels(
    keys: Sequence[str], codes: np.ndarray, task: str, limit: float
) -> tuple[np.ndarray, tuple[str, ...]]:
    """``keys`` are the distinct raw label texts and ``codes`` index them, one per row.
    Returns (labels, class_names) as ``Dataset`` stores them."""
    texts = [key.strip() for key in keys]
    for i, text in enumerate(texts):
        if not text:
            raise LabelProblem(i, "the label is empty")
        if "\x00" in text:
            raise LabelProblem(i, "binary data (a zero byte); expected UTF-8 text")
    numbers = [parse_number(text) for text in texts]
    if all(value is not None for value in numbers):
        values = np.array(numbers, dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            i = int(bad[0])
            raise LabelProblem(i, f"{show(texts[i])} is not allowed; labels must be finite")
        if task == "regression" or (task == "auto" and is_regression(values)):
            return _targets(texts, values, codes, limit), ()
        return _numeric_classes(values, codes)
    if task == "regression":
        i = numbers.index(None)
        raise LabelProblem(
            i, f"{show(texts[i])} is not a number, and a regression target must be numeric"
        )
    return _text_classes(texts, codes)


def _targets(texts: list[str], values: np.ndarray, codes: np.ndarray, limit: float) -> np.ndarray:
    huge = np.flatnonzero(np.abs(values) > limit)
    if huge.size:
        i = int(huge[0])
        raise LabelProblem(i, too_large(show(texts[i]), limit))
    targets: np.ndarray = values[codes]
    return targets


def _numeric_classes(values: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    distinct, key_class = np.unique(values, return_inverse=True)
    names = tuple(number_text(float(v)) for v in distinct)
    _check_class_count(names)
    return key_class.astype(np.int64)[codes], names


def _text_classes(texts: list[str], codes: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    names = tuple(sorted(set(texts)))
    _check_class_count(names)
    index = {name: i for i, name in enumerate(names)}
    key_class = np.array([index[text] for text in texts], dtype=np.int64)
    return key_class[codes], names


def _check_class_count(names: tuple[str, ...]) -> None:
    if len(names) < 2:
        only = f" ({show(names[0])})" if names else ""
        raise LabelProblem(None, f"only one class{only}; classification needs at least two")
    if len(names) > MAX_CLASSES:
        raise LabelProblem(
            None,
            f"{len(names)} distinct values is too many classes (limit {MAX_CLASSES}); "
            "is this a regression target?",
        )
