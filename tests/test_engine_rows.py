"""Each row's numbers in an epoch's forward pass add up to the epoch's own metrics."""

from __future__ import annotations

import numpy as np

from tui_backprop.engine import rows
from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve


def test_row_losses_average_to_the_epochs_train_and_test_loss() -> None:
    trainer = Experiment.build(resolve("spiral3", {})).trainer  # softmax, with a test split
    for _ in range(3):
        trainer.train_epoch()
    record = trainer.last_record
    assert record is not None
    train = rows.step_rows(record, 10**9)
    assert np.isclose(train.loss.mean(), trainer.history[2].loss)
    assert train.delta is not None and np.array_equal(train.delta, record.layers[-1].delta)
    test = rows.test_rows(trainer, trainer.last_records[0], 10**9)
    assert test is not None and test.delta is None
    assert np.isclose(test.loss.mean(), trainer.history[2].test_loss)
    assert len(rows.test_rows(trainer, record, 5).rows) == 5  # type: ignore[union-attr]
