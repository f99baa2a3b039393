"""A run can be sent to another process and back: a pickled trainer goes on exactly."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve


@pytest.mark.parametrize(
    ("dataset", "changes"),
    [
        (None, {}),
        ("spiral3", {"optimizer": "adam", "activation": "relu"}),
        ("circles", {"batch_size": 16, "optimizer": "momentum", "activation": "leaky_relu"}),
        ("moons", {"activation": "linear", "l2": 0.01}),
    ],
)
def test_a_pickled_trainer_goes_on_bit_for_bit(dataset: str | None, changes: dict) -> None:
    trainer = Experiment.build(resolve(dataset, changes)).trainer
    for _ in range(3):
        trainer.train_epoch()
    copy = pickle.loads(pickle.dumps(trainer))
    for _ in range(3):
        trainer.train_epoch()
        copy.train_epoch()
    for got, want in zip(copy.params.flat(), trainer.params.flat(), strict=True):
        np.testing.assert_array_equal(got, want)
    assert list(copy.history) == list(trainer.history)
    for a, b in zip(copy.last_records, trainer.last_records, strict=True):
        for la, lb in zip(a.layers, b.layers, strict=True):
            np.testing.assert_array_equal(la.delta, lb.delta)
            np.testing.assert_array_equal(la.grad_w, lb.grad_w)
