"""The table of rows (the ``t`` view): every row of the epoch on screen with its target,
the network's prediction, the row's loss and its output δ, as text cells.

The numbers are the engine's (``engine.rows``): the step record's forward pass for the
training rows, and the weights that epoch began with for the test rows. A large dataset
is cut to its first rows, and a note says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tui_backprop.engine import Trainer
from tui_backprop.engine.activations import Array
from tui_backprop.engine.losses import OUTPUTS
from tui_backprop.engine.metrics import predicted_classes
from tui_backprop.engine.rows import RowScores, step_rows, test_rows
from tui_backprop.ui.model.looking_back import initial_hint
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.model.walk import PhaseView

MAX_ROWS = 200  # training rows listed; the rest are counted in a note
MAX_TEST_ROWS = 50
MAX_FEATURES = 16  # feature columns; wider data shows the first ones (a note says so)
MAX_UNITS = 3  # output units whose δ a softmax row lists
UNKNOWN = "?"
PICTURE = "picture"


@dataclass(frozen=True)
class Source:
    """What the table needs besides the view: the run and the names of the data."""

    trainer: Trainer
    classes: Sequence[str]  # class names, empty for regression
    file_rows: tuple[Array, Array]  # dataset row index of each training and test row
    standardized: bool


@dataclass(frozen=True)
class RowTable:
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    tests: int  # how many of ``rows`` (the last ones) are test rows
    notes: tuple[str, ...]
    # Image data: each row's inputs, drawn as a picture in the column ``PICTURE`` holds
    # in place of the features' numbers (no pictures: empty).
    pixels: tuple[Array, ...] = ()


def row_table(view: TrainingView, source: Source) -> RowTable:
    """The rows of the epoch ``view`` shows (its last step's batch)."""
    record, first = view.record, view.first
    columns = _columns(view, source)
    if record is None or first is None:
        return _untrained(view, source, columns)
    train = step_rows(record, MAX_ROWS)
    test = test_rows(source.trainer, first, MAX_TEST_ROWS)
    known = _known(view)
    pictured = _pictured(view)
    cells = _cells(train, source, "", source.file_rows[0], known, pictured)
    if test is not None:  # a test row has no δ: "—" stays
        cells += _cells(test, source, "test ", source.file_rows[1], (*known[:2], True), pictured)
    loss = f"{record.loss:.6f}" if known[1] else UNKNOWN
    title = (
        f"Epoch {record.epoch}: every row in the epoch's forward pass, by the weights it "
        f"began with (mean loss {loss})"
    )
    notes = _notes(view, source, len(record.rows), len(train.rows), test)
    tests = 0 if test is None else len(test.rows)
    pixels = _pixels(view, train.x, *(() if test is None else (test.x,)))
    return RowTable(title, columns, cells, tests, notes, pixels)


def _pixels(view: TrainingView, *parts: Array) -> tuple[Array, ...]:
    """Each row's inputs, when they are a picture's pixels."""
    if view.network.image is None:
        return ()
    return tuple(row for part in parts for row in part)


def _columns(view: TrainingView, source: Source) -> tuple[str, ...]:
    features = view.network.labels[0][:MAX_FEATURES] if view.network.image is None else (PICTURE,)
    one_output = view.network.sizes[-1] == 1
    y_hat = f"ŷ = {view.network.labels[-1][0]}" if one_output else "P(predicted)"
    predicted = ("predicted",) if source.classes else ()
    return ("row", *features, "target", y_hat, *predicted, "loss", "δ = ŷ − y")


def _untrained(view: TrainingView, source: Source, columns: tuple[str, ...]) -> RowTable:
    """Before the first epoch: the data alone, with ? where training puts its numbers."""
    x, y = source.trainer.training_arrays()
    n = min(MAX_ROWS, len(x))
    data = _data_cells(np.arange(n), x, y, source, "", source.file_rows[0], _pictured(view))
    cells = [(*row, *[UNKNOWN] * (len(columns) - len(row))) for row in data]
    back = initial_hint(view)  # looking back at the initial weights: space would not train
    title = (
        " ".join(back.split()).capitalize()
        if back
        else "Epoch 0 is not trained yet: space trains it; its forward pass fills in ŷ, loss and δ"
    )
    notes = _notes(view, source, len(x), n, None)
    return RowTable(title, columns, cells, 0, notes, _pixels(view, x[:n]))


def _pictured(view: TrainingView) -> bool:
    return view.network.image is not None


def _known(view: TrainingView) -> tuple[bool, bool, bool]:
    """Whether ŷ, the loss and the output δ are computed yet: a walk (n) shows ? for
    those of its later phases, so that the table does not tell them first."""
    if not isinstance(view, PhaseView):
        return True, True, True
    out = len(view.network.sizes) - 1
    return view.forward_known(out), view.progress.loss_known, view.delta_known(out)


def _cells(
    scores: RowScores,
    source: Source,
    prefix: str,
    file_rows: Array,
    known: tuple[bool, bool, bool],
    pictured: bool,
) -> list[tuple[str, ...]]:
    """One row of text cells per row of ``scores``, ``UNKNOWN`` where not ``known``."""
    y_hat, loss, delta = known
    shown = (y_hat, *([y_hat] if source.classes else []), loss, delta)  # as the columns
    data = _data_cells(scores.rows, scores.x, scores.y, source, prefix, file_rows, pictured)
    return [
        (*d, *(cell if ok else UNKNOWN for cell, ok in zip(s, shown, strict=True)))
        for d, s in zip(data, _score_cells(scores, source), strict=True)
    ]


def _data_cells(
    rows: NDArray[np.intp],
    x: Array,
    y: Array,
    source: Source,
    prefix: str,
    file_rows: Array,
    pictured: bool,
) -> list[tuple[str, ...]]:
    """The row's number in the file, its features (a blank cell for their picture when
    ``pictured``) and its target."""
    output = source.trainer.config.output
    if source.classes:
        targets = [source.classes[k] for k in _target_classes(output, y)]
    else:
        targets = [f"{v:+.4f}" for v in y[:, 0]]
    return [
        (
            f"{prefix}{int(file_rows[row]) + 1}",
            *(("",) if pictured else _numbers(x[i, :MAX_FEATURES])),
            targets[i],
        )
        for i, row in enumerate(rows)
    ]


def _numbers(values: Array) -> list[str]:
    return [f"{v:.4f}" for v in values]


def _score_cells(scores: RowScores, source: Source) -> list[tuple[str, ...]]:
    """ŷ, the predicted class (classification), the loss and the output δ of each row."""
    output = source.trainer.config.output
    a = scores.output
    cells: list[tuple[str, ...]] = []
    guesses = predicted_classes(output, a) if source.classes else None
    targets = _target_classes(output, scores.y) if source.classes else None
    for i in range(len(scores.rows)):
        delta = "—" if scores.delta is None else _delta(scores.delta[i])
        loss = f"{scores.loss[i]:.6f}"
        if guesses is None or targets is None:
            cells.append((f"{a[i, 0]:+.4f}", loss, delta))
            continue
        guess = int(guesses[i])
        y_hat = a[i, guess] if output == "softmax" else a[i, 0]
        mark = "✓" if guess == targets[i] else "✗"
        cells.append((f"{y_hat:.4f}", f"{source.classes[guess]} {mark}", loss, delta))
    return cells


def _target_classes(output: str, y: Array) -> Array:
    """The class index of each row of a target matrix (one-hot rows, or 0/1)."""
    classes: Array = y.argmax(axis=1) if output == "softmax" else y[:, 0].astype(np.intp)
    return classes


def _delta(delta: Array) -> str:
    shown = " ".join(f"{d:+.4f}" for d in delta[:MAX_UNITS])
    return shown + (" …" if len(delta) > MAX_UNITS else "")


def _notes(
    view: TrainingView, source: Source, batch: int, shown: int, test: RowScores | None
) -> tuple[str, ...]:
    output = OUTPUTS[source.trainer.config.output]
    all_rows = len(source.trainer.training_arrays()[0])
    notes = [f"loss = {output.formula} ({output.loss_name}) of the row."]
    if batch == all_rows and view.record is not None:
        score = " and the share of ✓ its Accu" if source.classes else ""
        notes.append(f"The mean of the training rows' loss is the log's Loss{score}.")
    if batch < all_rows:
        notes.append(f"The epoch's last mini-batch: {batch:,} of the {all_rows:,} training rows.")
    if shown < batch:
        notes.append(f"The first {shown:,} of {batch:,} rows; the mean loss is over all of them.")
    test_arrays = source.trainer.test_arrays()
    if test is not None and test_arrays is not None and len(test.rows) < len(test_arrays[0]):
        notes.append(f"The first {len(test.rows):,} of {len(test_arrays[0]):,} test rows.")
    n_features = len(view.network.labels[0])
    if view.network.image is not None:
        notes.append("Pictures: the inputs, grey from low to high.")
    elif n_features > MAX_FEATURES:
        notes.append(f"The first {MAX_FEATURES} of {n_features} features.")
    if source.standardized:
        notes.append("Features standardised, as the network sees them.")
    if not source.classes:
        notes.append("Targets and ŷ standardised, as the network sees them.")
    return tuple(notes)
