"""The confusion matrix counts the predictions the epoch's accuracy came from; the hidden
space of an identity layer is the input grid itself."""

from __future__ import annotations

import numpy as np
import pytest

from tui_backprop.engine import Params, Problem, TrainConfig, Trainer
from tui_backprop.engine.confusion import EpochConfusion, confusion_matrix, epoch_confusion
from tui_backprop.engine.hidden_space import grid_lines, hidden_space
from tui_backprop.experiment import Experiment
from tui_backprop.settings import SEED_PRESET, resolve

RUNS = {
    "seed, no test split": SEED_PRESET,
    "xor, mini-batches": resolve("xor", {"batch_size": 16, "lr": 0.5}),
    "spiral3, 3 classes": resolve("spiral3", {"lr": 0.5}),
    "spiral3, mini-batches": resolve("spiral3", {"batch_size": 32}),
    "circles, sigmoid": resolve("circles", {"output": "sigmoid", "hidden": (6,)}),
}


@pytest.mark.parametrize("name", RUNS)
def test_every_epochs_matrix_gives_its_reported_accuracy(name: str) -> None:
    trainer = Experiment.build(RUNS[name]).trainer
    p = trainer.problem
    trainer.train_epochs(12)
    for epoch in (1, 5, 12):
        state = trainer.state_at(epoch)
        matrices = epoch_confusion(trainer, state.last_records[0])
        assert matrices is not None and matrices.epoch == epoch - 1
        metrics = trainer.history[epoch - 1]
        # exactly: the same predictions, not merely close
        assert EpochConfusion.accuracy(matrices.train) == metrics.accuracy
        sizes = np.bincount(p.y_train.astype(int), minlength=p.n_classes)
        assert matrices.train.sum(axis=1).tolist() == sizes.tolist()
        if p.y_test is None:
            assert matrices.test is None
            continue
        assert matrices.test is not None and metrics.test_accuracy is not None
        assert EpochConfusion.accuracy(matrices.test) == metrics.test_accuracy
        sizes = np.bincount(p.y_test.astype(int), minlength=p.n_classes)
        assert matrices.test.sum(axis=1).tolist() == sizes.tolist()


def test_the_matrix_puts_each_row_in_its_true_and_predicted_cell() -> None:
    softmax = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.6, 0.1], [0.2, 0.5, 0.3]])
    counts = confusion_matrix("softmax", softmax, np.array([0, 2, 0, 1]), 3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    sigmoid = np.array([[0.2], [0.5], [0.9], [0.4]])
    assert confusion_matrix("sigmoid", sigmoid, np.array([0, 0, 1, 1]), 2).tolist() == [
        [1, 1],
        [1, 1],
    ]


def test_regression_and_no_epoch_have_no_matrix() -> None:
    trainer = Experiment.build(SEED_PRESET).trainer
    assert epoch_confusion(trainer, None) is None
    x = np.linspace(-1, 1, 20).reshape(-1, 2)
    regression = Trainer(TrainConfig(output="linear"), Problem(x, x[:, 0], n_classes=0))
    regression.train_epoch()
    assert epoch_confusion(regression, regression.last_records[0]) is None


def test_an_identity_layer_shows_the_input_grid_unchanged() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(30, 2))
    config = TrainConfig(hidden=(2,), activation="linear", output="sigmoid")
    identity = Params((np.eye(2), rng.normal(size=(2, 1))))
    trainer = Trainer(config, Problem(x, (x[:, 0] > 0).astype(float)), initial=identity)
    plane = (-2.0, 3.0, -1.0, 4.0)
    space = hidden_space(trainer, trainer.params, ((1, 0), (1, 1)), x, plane)
    np.testing.assert_array_equal(space.lines, grid_lines(plane))
    np.testing.assert_array_equal(space.rows, x)
    # the first line runs across the bottom of the plane, the last up its right edge
    assert space.lines[0, 0].tolist() == [-2.0, -1.0] and space.lines[0, -1].tolist() == [3.0, -1.0]
    assert space.lines[-1, -1].tolist() == [3.0, 4.0]


def test_a_neuron_against_the_output_is_the_networks_own_numbers() -> None:
    trainer = Experiment.build(resolve("xor", {"hidden": (1,)})).trainer
    trainer.train_epochs(3)
    x = trainer.training_arrays()[0][:7]
    space = hidden_space(trainer, trainer.params, ((1, 0), (2, 0)), x, None)
    assert space.lines.shape == (0, 64, 2)
    w, b = trainer.params.weights[0], trainer.params.biases[0]  # type: ignore[index]
    np.testing.assert_allclose(space.rows[:, 0], np.tanh(x @ w + b)[:, 0], rtol=0, atol=1e-15)
    np.testing.assert_allclose(space.rows[:, 1], trainer.predict(x)[:, 0], rtol=0, atol=1e-15)
