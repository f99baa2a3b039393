"""The default configuration is the reference experiment: the engine must retrace the
plain implementation in ``reference_blog`` step for step."""

from __future__ import annotations

import numpy as np
import pytest

from tests import reference_blog as blog
from tui_backprop.engine import Problem, TrainConfig, Trainer

EPOCHS = 50


def _trainer(seed: int = 0) -> Trainer:
    x, labels = blog.dataset_arrays()
    return Trainer(TrainConfig(seed=seed), Problem(x, labels))


def test_defaults_describe_the_reference_network() -> None:
    trainer = _trainer()
    assert trainer.sizes == blog.LAYER_SIZES
    assert trainer.initial is not None
    assert trainer.initial.biases is None
    for w in trainer.initial.weights:
        assert w.dtype == np.float64
        assert np.abs(w).max() <= 0.1
    assert trainer.config.lr == blog.LEARNING_RATE


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_engine_matches_the_reference_for_fifty_epochs(seed: int) -> None:
    trainer = _trainer(seed)
    assert trainer.initial is not None
    start = [np.array(w) for w in trainer.initial.weights]
    x, labels = blog.dataset_arrays()
    expected_weights, expected_accuracy = blog.train(start, x, labels, EPOCHS)

    for epoch in range(EPOCHS):
        metrics = trainer.train_epoch()
        assert metrics is not None
        assert metrics.epoch == epoch
        assert metrics.accuracy == expected_accuracy[epoch], f"epoch {epoch}"

    for got, want in zip(trainer.params.weights, expected_weights, strict=True):
        np.testing.assert_array_equal(got, want)  # bit for bit
    # and the weights did move a long way from where they started
    assert (
        max(float(np.abs(g - s).max()) for g, s in zip(trainer.params.weights, start, strict=True))
        > 1
    )


def test_every_recorded_step_matches_the_reference_step() -> None:
    trainer = _trainer()
    assert trainer.initial is not None
    weights = [np.array(w) for w in trainer.initial.weights]
    x, labels = blog.dataset_arrays()
    y = labels.reshape(-1, 1).astype(np.float64)
    for _ in range(5):
        trainer.train_epoch()
        record = trainer.last_record
        assert record is not None
        zs, outputs = blog.forward_pass(weights, x)
        grads = blog.backward_pass(weights, zs, outputs, y)
        for layer, recorded in enumerate(record.layers):
            np.testing.assert_array_equal(recorded.z, zs[layer])
            np.testing.assert_array_equal(recorded.a, outputs[layer + 1])
            np.testing.assert_array_equal(recorded.input, outputs[layer])
            np.testing.assert_array_equal(recorded.derivative, blog.sigmoid_derivative(zs[layer]))
            np.testing.assert_array_equal(recorded.grad_w, grads[layer])
        weights, _ = blog.train(weights, x, labels, 1)


def test_default_seed_learns_the_task_within_a_few_epochs() -> None:
    trainer = _trainer()
    assert trainer.initial is not None
    x, labels = blog.dataset_arrays()
    _, expected = blog.train(list(trainer.initial.weights), x, labels, EPOCHS)
    got = [m.accuracy for m in (trainer.train_epoch() for _ in range(EPOCHS)) if m is not None]
    assert got == expected
    # the untrained network guesses one class for every row: half right
    assert got[0] == 0.5
    # from some early epoch on, every row is classified correctly for good
    settled = next(k for k in range(EPOCHS) if all(a == 1.0 for a in got[k:]))
    assert settled <= 12, f"only settles at epoch {settled}: {got[:15]}"
