"""The input plane seen from inside the network: its grid lines and the data's rows as
two chosen neurons see them (ConvNetJS's picture of a layer untangling the classes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tui_backprop.engine.activations import Array
from tui_backprop.engine.network import Params, forward, layer_activations
from tui_backprop.engine.trainer import Trainer

Neuron = tuple[int, int]  # (layer, neuron): layer 0 is the input, 1 the first hidden one
GRID_LINES = 11  # across and as many up
LINE_POINTS = 64  # points along each line


@dataclass(frozen=True, eq=False)
class HiddenSpace:
    """Where the two neurons put each point: ``lines[i, j]`` is point j of grid line i
    (the first half run across the plane, the rest up it), ``rows[r]`` the data row r.
    Column 0 is the first neuron's activation, column 1 the second's."""

    axes: tuple[Neuron, Neuron]
    lines: Array  # (n_lines, LINE_POINTS, 2); no lines without a plane
    rows: Array  # (n_rows, 2)


def grid_lines(
    plane: tuple[float, float, float, float], lines: int = GRID_LINES, points: int = LINE_POINTS
) -> Array:
    """The plane's grid: ``lines`` lines of constant y, then ``lines`` of constant x,
    each of ``points`` points; shape (2 · lines, points, 2)."""
    x0, x1, y0, y1 = plane
    along_x, along_y = np.linspace(x0, x1, points), np.linspace(y0, y1, points)
    across = [np.column_stack([along_x, np.full(points, y)]) for y in np.linspace(y0, y1, lines)]
    up = [np.column_stack([np.full(points, x), along_y]) for x in np.linspace(x0, x1, lines)]
    return np.stack(across + up)


def hidden_space(
    trainer: Trainer,
    params: Params,
    axes: tuple[Neuron, Neuron],
    rows: Array,
    plane: tuple[float, float, float, float] | None,
    lift: Callable[[Array], Array] | None = None,
) -> HiddenSpace:
    """The grid of ``plane`` (a 2-feature network's input plane; None: rows only) and
    ``rows`` through the network by ``params``, in one forward pass; ``lift`` makes
    the network's inputs of the plane's points (input features)."""
    grid = grid_lines(plane) if plane is not None else np.empty((0, LINE_POINTS, 2))
    n_grid = grid.shape[0] * grid.shape[1]
    points = grid.reshape(-1, 2)
    x = np.concatenate([lift(points) if lift else points, rows]) if n_grid else rows
    c = trainer.config
    acts = layer_activations(len(params.weights), c.activation, c.output)
    with np.errstate(all="ignore"):
        passes = forward(params, acts, x.astype(c.dtype, copy=False))
    layers = [x, *(a for _, a in passes)]
    points = np.column_stack([layers[layer][:, neuron] for layer, neuron in axes])
    return HiddenSpace(axes, points[:n_grid].reshape(grid.shape), points[n_grid:])
