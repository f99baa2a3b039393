"""The loss landscape's numbers: the present point's loss is the one the next epoch
reports, the path is the history's weights projected, PCA's share is a share, and
random directions are scaled per neuron."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import DEEP
from tui_backprop.engine.landscape import (
    GRID,
    PCA,
    RANDOM,
    filter_normalised,
    flat_params,
    run_landscape,
    run_path,
    sample_rows,
)
from tui_backprop.engine.trainer import Trainer
from tui_backprop.experiment import Experiment
from tui_backprop.settings import SEED_PRESET, resolve


def _trained(epochs: int, settings: object = SEED_PRESET, **more: object) -> Trainer:
    from dataclasses import replace

    trainer = Experiment.build(replace(settings, **more)).trainer  # type: ignore[type-var]
    for _ in range(epochs):
        trainer.train_epoch()
    return trainer


@pytest.mark.parametrize("kind", [PCA, RANDOM])
@pytest.mark.parametrize(
    ("settings", "more"),
    [(SEED_PRESET, {}), (DEEP, {}), (DEEP, {"l2": 0.01}), (DEEP, {"batch_size": 16})],
)
def test_the_centre_is_the_loss_the_next_epoch_reports(
    kind: str, settings: object, more: dict[str, object]
) -> None:
    trainer = _trained(7, settings, **more)
    ls = run_landscape(trainer, trainer.params, trainer.epoch, kind)
    metrics = trainer.train_epoch()
    assert metrics is not None
    if trainer.batch_rows == len(trainer.training_arrays()[0]):
        assert ls.centre_loss == metrics.loss  # the same forward pass, bit for bit
    else:
        assert ls.centre_loss == pytest.approx(metrics.loss, rel=1e-12)
    middle = GRID // 2
    assert ls.alphas[middle] == 0 and ls.betas[middle] == 0
    assert ls.loss[middle, middle] == pytest.approx(metrics.loss, rel=1e-5)  # float32 grid
    assert ls.penalised == bool(more.get("l2"))


def test_a_grid_point_is_the_loss_of_the_weights_there() -> None:
    trainer = _trained(12, DEEP)
    ls = run_landscape(trainer, trainer.params, trainer.epoch, RANDOM)
    i, j = 3, 31
    point = flat_params(trainer.params) + ls.alphas[j] * ls.directions.vectors[0]
    point = point + ls.betas[i] * ls.directions.vectors[1]
    shapes = [a.shape for a in trainer.params.flat()]
    parts = np.split(point, np.cumsum([int(np.prod(s)) for s in shapes])[:-1])
    from tui_backprop.engine.network import Params

    moved = Params.from_flat([p.reshape(s) for p, s in zip(parts, shapes, strict=True)], True)
    x, y = trainer.training_arrays()
    loss, _ = trainer.evaluate(moved, x, y)
    assert ls.loss[i, j] == pytest.approx(loss, rel=1e-4)


@pytest.mark.parametrize("kind", [PCA, RANDOM])
def test_the_path_is_the_histories_weights_projected(kind: str) -> None:
    trainer = _trained(30, DEEP)
    ls = run_landscape(trainer, trainer.params, trainer.epoch, kind)
    epochs = list(ls.path_epochs)
    assert epochs[0] == 0 and epochs[-1] == trainer.epoch
    weights = [flat_params(trainer.state_at(int(e)).params) for e in epochs]
    moves = np.array(weights) - flat_params(trainer.params)
    expected = np.linalg.lstsq(ls.directions.vectors.T, moves.T, rcond=None)[0].T
    np.testing.assert_allclose(ls.path, expected, atol=1e-9)
    assert np.all(ls.path[-1] == 0)
    if kind == PCA:  # oriented: the path comes in from the lower left, every time
        assert ls.path[0][0] <= 0 and ls.path[0][1] <= 0


def test_looking_back_ends_the_path_at_the_epoch_shown() -> None:
    trainer = _trained(20, DEEP)
    past = trainer.state_at(8)
    path, epochs = run_path(trainer, past.params, 8)
    assert list(epochs) == list(range(9))
    np.testing.assert_array_equal(path[-1], flat_params(past.params))


@pytest.mark.parametrize("epochs", [0, 1, 2, 40])
def test_the_pca_share_is_a_share(epochs: int) -> None:
    trainer = _trained(epochs, DEEP)
    ls = run_landscape(trainer, trainer.params, trainer.epoch, PCA)
    share = ls.directions.share
    assert share is not None and 0.0 <= share <= 1.0
    assert ls.directions.short == (epochs < 2)
    vectors = ls.directions.vectors
    np.testing.assert_allclose(vectors @ vectors.T, np.eye(2), atol=1e-9)  # orthonormal
    if epochs == 40:  # a long path: its main direction holds most of it
        assert share > 0.5


def test_random_directions_are_scaled_per_neuron() -> None:
    trainer = _trained(5, DEEP)
    params = trainer.params
    direction = filter_normalised(params, np.random.default_rng(3))
    at = 0
    for i, w in enumerate(params.weights):
        d = direction[at : at + w.size].reshape(w.shape)
        at += w.size
        np.testing.assert_allclose(np.linalg.norm(d, axis=0), np.linalg.norm(w, axis=0))
        assert params.biases is not None
        assert not direction[at : at + params.biases[i].size].any()  # biases stay put
        at += params.biases[i].size
    assert at == direction.size


def test_large_data_is_a_fixed_sample() -> None:
    rows = sample_rows(50_000)
    assert len(rows) == 2000 and np.array_equal(rows, sample_rows(50_000))
    assert len(np.unique(rows)) == 2000
    assert np.array_equal(sample_rows(300), np.arange(300))
    trainer = _trained(1, resolve("spiral", {"points": 3000}))
    ls = run_landscape(trainer, trainer.params, trainer.epoch)
    assert ls.rows == 2000 and ls.total_rows == len(trainer.training_arrays()[0]) > 2000
