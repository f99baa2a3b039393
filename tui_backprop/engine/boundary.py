"""What the network says over a whole plane: the data behind a decision-boundary map."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tui_backprop.engine.activations import Array
from tui_backprop.engine.config import TrainConfig
from tui_backprop.engine.metrics import predicted_classes
from tui_backprop.engine.network import Params
from tui_backprop.engine.trainer import Trainer, predict_with

MARGIN = 0.1  # of the data's span, on every side


@dataclass(frozen=True, eq=False)
class BoundaryGrid:
    """``classes[r, c]`` and ``confidence[r, c]`` at the point (xs[c], ys[r]); row 0 is
    the top of the plane (the largest y)."""

    xs: Array
    ys: Array
    classes: NDArray[np.intp]  # the predicted class
    confidence: Array  # probability of that class (0.5 … 1 for two classes)


def plane_of(points: Array) -> tuple[float, float, float, float]:
    """(x_min, x_max, y_min, y_max) around the points' first two columns."""
    low, high = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
    pad = np.maximum(high - low, 1e-9) * MARGIN
    return (
        float(low[0] - pad[0]),
        float(high[0] + pad[0]),
        float(low[1] - pad[1]),
        float(high[1] + pad[1]),
    )


def grid_points(
    plane: tuple[float, float, float, float], width: int, height: int
) -> tuple[Array, Array, Array]:
    """The grid's xs, its ys (top row first) and its points (height · width, 2), row by row."""
    x0, x1, y0, y1 = plane
    xs, ys = np.linspace(x0, x1, width), np.linspace(y1, y0, height)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def boundary_grid(
    trainer: Trainer,
    width: int,
    height: int,
    plane: tuple[float, float, float, float],
    params: Params | None = None,
    lift: Callable[[Array], Array] | None = None,
) -> BoundaryGrid:
    """The predicted class and its probability on a width × height grid of a 2-feature
    network's input plane, in one forward pass. With ``lift`` the plane is the data's
    own two columns, and ``lift`` makes the network's inputs of its points."""
    return grid_of(trainer.config, params or trainer.params, width, height, plane, lift)


def grid_of(
    config: TrainConfig,
    params: Params,
    width: int,
    height: int,
    plane: tuple[float, float, float, float],
    lift: Callable[[Array], Array] | None = None,
) -> BoundaryGrid:
    """``boundary_grid`` for any weights of a network configured by ``config``: also
    for a run that has ended, to compare with."""
    xs, ys, points = grid_points(plane, width, height)
    out = predict_with(config, params, points if lift is None else lift(points))
    classes = predicted_classes(config.output, out)
    if out.shape[1] == 1:  # one sigmoid unit: P(class 1)
        confidence = np.where(classes == 1, out[:, 0], 1 - out[:, 0])
    else:
        confidence = out.max(axis=1)
    return BoundaryGrid(xs, ys, classes.reshape(height, width), confidence.reshape(height, width))
