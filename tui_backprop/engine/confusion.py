"""The confusion matrix of an epoch: how many rows of each true class the network put in
each class, counted from the predictions that gave the epoch its reported accuracy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tui_backprop.engine.activations import Array
from tui_backprop.engine.metrics import predicted_classes
from tui_backprop.engine.network import Params
from tui_backprop.engine.records import StepRecord
from tui_backprop.engine.trainer import Trainer

Counts = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class EpochConfusion:
    """Rows = true class, columns = predicted class, for the weights epoch ``epoch``
    began with (the weights its accuracy scores)."""

    epoch: int
    train: Counts
    test: Counts | None

    @staticmethod
    def accuracy(counts: Counts) -> float:
        """The diagonal over the total: the share of rows classified right."""
        return int(np.trace(counts)) / int(counts.sum())


def confusion_matrix(output: str, a: Array, labels: Array, n_classes: int) -> Counts:
    """Counts of (true class, predicted class) over the rows of ``a``, by the same rule
    as ``metrics.accuracy``."""
    predicted = predicted_classes(output, a)
    cells = labels.astype(np.intp) * n_classes + predicted
    counts: Counts = np.bincount(cells, minlength=n_classes * n_classes).astype(np.int64)
    return counts.reshape(n_classes, n_classes)


def params_before(record: StepRecord) -> Params:
    """The weights (and biases) ``record``'s step started from."""
    weights = tuple(layer.w_before for layer in record.layers)
    biases = tuple(layer.b_before for layer in record.layers if layer.b_before is not None)
    return Params(weights, biases if len(biases) == len(weights) else None)


def epoch_confusion(trainer: Trainer, first: StepRecord | None) -> EpochConfusion | None:
    """The matrices, train and test, of the epoch whose first step record is ``first``
    (None for regression or without a record). A step that saw every row was its
    epoch's only one, and its forward pass is the one the accuracy came from; otherwise
    the epoch's first weights are scored exactly as ``Trainer`` scores them."""
    k = trainer.problem.n_classes
    if first is None or not k:
        return None
    output, start = trainer.config.output, params_before(first)
    x, y = trainer.training_arrays()
    with np.errstate(all="ignore"):
        out = first.output if len(first.rows) == len(x) else trainer.evaluate(start, x, y)[1]
        train = confusion_matrix(output, out, trainer.problem.y_train, k)
        test = None
        held_out = trainer.test_arrays()
        if held_out is not None and trainer.problem.y_test is not None:
            test_out = trainer.evaluate(start, *held_out)[1]
            test = confusion_matrix(output, test_out, trainer.problem.y_test, k)
    return EpochConfusion(first.epoch, train, test)
