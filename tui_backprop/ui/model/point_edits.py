"""Your own points: rows clicked onto the decision boundary's plane, or taken off it.

A changed dataset makes a new experiment (the engine's run never changes its data under
its own history), which goes on from the weights on screen: the boundary the learner was
looking at bends towards the new point as training continues, where a restart would
throw that picture away. The old run stays on the compare list; ``r`` goes back to the
weights the points were added to. The picture keeps its plane, so no point moves.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tui_backprop.data import Dataset, Split
from tui_backprop.data.own_points import PointsError, nearest_row, with_point, without_row
from tui_backprop.engine.network import Params
from tui_backprop.experiment import Experiment
from tui_backprop.ui.model.kept_runs import effective_settings
from tui_backprop.ui.model.scene import Plane, Scene, scene_of


def plane_point(plane: Plane, size: tuple[int, int], cell: tuple[int, int]) -> np.ndarray:
    """The point of the plane (in the network's input units) that the character cell
    ``cell`` (column, row) of a picture of ``size`` (width, height) draws; the inverse
    of where the picture puts a row (two pixel rows a cell: the upper one)."""
    x0, x1, y0, y1 = plane
    (width, height), (column, row) = size, cell
    fx = column / max(width - 1, 1)
    fy = (2 * row + 0.5) / max(2 * height - 1, 1)
    return np.array([x0 + fx * (x1 - x0), y1 - fy * (y1 - y0)])


def _continued(experiment: Experiment, data: tuple[Dataset, Split], params: Params) -> Experiment:
    return Experiment.on_split(effective_settings(experiment), *data, params)


def _own_plane(experiment: Experiment) -> None:
    """Points go onto the data's own columns; with input features the rows the network
    sees are made from them, so a point there would be put among the made features."""
    if experiment.settings.features:
        raise PointsError(
            "your own points go onto the data's own two features: clear the input "
            "features first (settings, or without --features)"
        )


def added(experiment: Experiment, params: Params, point: np.ndarray, label: int) -> Experiment:
    """The experiment with a training row of class ``label`` at ``point``, going on
    from ``params``. Raises ValueError (PointsError) with one line for the user."""
    _own_plane(experiment)
    data = with_point(experiment.dataset, experiment.split, point, label)
    return _continued(experiment, data, params)


def removed(
    experiment: Experiment, params: Params, point: np.ndarray, plane: Plane
) -> tuple[Experiment, int]:
    """The experiment without the row drawn nearest to ``point``, and that row (0-based
    in the dataset). Raises ValueError (PointsError)."""
    _own_plane(experiment)
    x0, x1, y0, y1 = plane
    row = nearest_row(experiment.split, point, np.array([x1 - x0, y1 - y0]))
    data = without_row(experiment.dataset, experiment.split, row)
    return _continued(experiment, data, params), row


def same_plane(experiment: Experiment, old: Scene) -> Scene:
    """The new experiment's scene, on the plane the old one was drawn on."""
    return replace(scene_of(experiment), plane=old.plane)
