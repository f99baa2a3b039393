"""What every neuron computes over a whole plane of inputs: the data behind neuron maps.

A plane is either the two features themselves or, for more features, the plane of the
data's first two principal components, each point taken back to the features with the
other components at their mean (``Basis``). One forward pass gives every layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tui_backprop.engine.activations import Array
from tui_backprop.engine.boundary import grid_points
from tui_backprop.engine.network import Params, forward, layer_activations
from tui_backprop.engine.trainer import Trainer


@dataclass(frozen=True, eq=False)
class Basis:
    """Plane point (u, v) is the input ``mean + u·axes[0] + v·axes[1]``."""

    mean: Array  # (features,)
    axes: Array  # (2, features)

    def inputs(self, points: Array) -> Array:
        out: Array = self.mean + points @ self.axes
        return out

    def project(self, x: Array) -> Array:
        """Where the rows ``x`` (n, features) lie on the plane."""
        out: Array = (x - self.mean) @ self.axes.T
        return out


@dataclass(frozen=True, eq=False)
class LayerMaps:
    """``layers[l][r, c, j]``: neuron j of diagram layer l (0 = the inputs) at the plane
    point (xs[c], ys[r]); row 0 is the top of the plane (the largest y)."""

    xs: Array
    ys: Array
    layers: tuple[Array, ...]


def activations_at(
    trainer: Trainer,
    points: Array,
    params: Params | None = None,
    basis: Basis | None = None,
    lift: Callable[[Array], Array] | None = None,
) -> tuple[Array, ...]:
    """Every layer's activations (the inputs first) at ``points`` (n, 2) of the plane;
    ``lift`` makes the network's inputs of a plane of two columns (input features)."""
    c = trainer.config
    x = basis.inputs(points) if basis is not None else lift(points) if lift else points
    x = x.astype(c.dtype, copy=False)
    acts = layer_activations(len(trainer.sizes) - 1, c.activation, c.output)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        layers = forward(params or trainer.params, acts, x)
    return (x, *(a for _, a in layers))


def layer_maps(
    trainer: Trainer,
    width: int,
    height: int,
    plane: tuple[float, float, float, float],
    params: Params | None = None,
    basis: Basis | None = None,
    lift: Callable[[Array], Array] | None = None,
) -> LayerMaps:
    """Every neuron of every layer on a width × height grid of the plane, in one pass."""
    xs, ys, points = grid_points(plane, width, height)
    layers = activations_at(trainer, points, params, basis, lift)
    return LayerMaps(xs, ys, tuple(a.reshape(height, width, -1) for a in layers))
