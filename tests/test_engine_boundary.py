"""The decision-boundary grid and the principal-component projection."""

from __future__ import annotations

import numpy as np

from tui_backprop.data import builtin_dataset, principal_components, split_dataset
from tui_backprop.engine import Problem, TrainConfig, Trainer
from tui_backprop.engine.boundary import boundary_grid, plane_of


def xor_trainer(output: str = "sigmoid") -> Trainer:
    ds = builtin_dataset("xor")
    split = split_dataset(ds, 0.0, True, 0)
    config = TrainConfig(
        hidden=(8, 8),
        activation="tanh",
        output=output,
        bias=True,
        init="xavier",
        init_scale=1.0,
        lr=0.5,
        reduction="mean",
    )
    return Trainer(config, Problem(split.x_train, split.y_train, n_classes=2))


def test_grid_matches_the_network_point_by_point() -> None:
    trainer = xor_trainer()
    for _ in range(200):
        trainer.train_epoch()
    plane = plane_of(trainer.training_arrays()[0])
    grid = boundary_grid(trainer, 30, 12, plane)
    assert grid.classes.shape == (12, 30) and grid.ys[0] > grid.ys[-1]
    for r, c in [(0, 0), (5, 17), (11, 29)]:
        p1 = trainer.predict(np.array([[grid.xs[c], grid.ys[r]]]))[0, 0]
        assert grid.classes[r, c] == int(p1 >= 0.5)
        assert np.isclose(grid.confidence[r, c], max(p1, 1 - p1))
    # a trained xor network predicts opposite classes in opposite quadrant pairs
    assert grid.classes[0, 0] == grid.classes[-1, -1] != grid.classes[0, -1]


def test_softmax_grid_takes_the_most_probable_class() -> None:
    trainer = xor_trainer("softmax")
    grid = boundary_grid(trainer, 7, 5, (-1.0, 1.0, -1.0, 1.0))
    out = trainer.predict(np.array([[grid.xs[3], grid.ys[2]]]))[0]
    assert grid.classes[2, 3] == out.argmax() and np.isclose(grid.confidence[2, 3], out.max())


def test_plane_covers_the_points_with_a_margin() -> None:
    x0, x1, y0, y1 = plane_of(np.array([[0.0, 10.0], [2.0, 20.0]]))
    assert x0 < 0 < 2 < x1 and y0 < 10 < 20 < y1


def test_principal_components_find_the_main_direction() -> None:
    rng = np.random.default_rng(0)
    t = rng.normal(size=200)
    x = np.column_stack([t, 2 * t, 0.01 * rng.normal(size=200), -t])
    projected, share = principal_components(x)
    assert projected.shape == (200, 2)
    assert share[0] > 0.99 and share[1] < 0.01
    assert abs(np.corrcoef(projected[:, 0], t)[0, 1]) > 0.999
