"""What the boundary pane shows instead of the decision boundary: one neuron's map over
the input plane, a layer's gallery of maps, or a layer's δ on the step's rows; and the
plane those pictures are drawn on.

- two features: the features' own plane;
- more features: the plane of the first two principal components, the other
  components at their mean (the scene's ``Basis``);
- a numeric target with two features: the features' plane too, where the output
  neuron's map is the predicted value.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tui_backprop.engine.activations import Array
from tui_backprop.engine.boundary import plane_of
from tui_backprop.engine.neuron_maps import Basis
from tui_backprop.ui.model.scene import PLANE, PROJECTION, REGRESSION, Plane, Scene

MAP, GALLERY, DELTAS = "map", "gallery", "deltas"


@dataclass(frozen=True)
class MapChoice:
    kind: str  # MAP, GALLERY or DELTAS
    layer: int  # as the diagram counts: 0 is the input layer
    neuron: int
    page: int = 0  # of a gallery too large for the pane

    def paged(self, step: int) -> MapChoice:
        return replace(self, page=max(0, self.page + step))


def next_choice(
    choice: MapChoice | None, kinds: str, selected: tuple[int, int]
) -> MapChoice | None:
    """The next of ``kinds`` (comma separated) after the one shown, then none again."""
    order = kinds.split(",")
    now = order.index(choice.kind) if choice is not None and choice.kind in order else -1
    if now + 1 >= len(order):
        return None
    return MapChoice(order[now + 1], *selected)


def follow_selection(choice: MapChoice | None, selected: tuple[int, int]) -> MapChoice | None:
    """The choice shown for the newly selected neuron (its layer's page kept if the
    layer is the same)."""
    if choice is None or (choice.layer, choice.neuron) == selected:
        return choice
    page = choice.page if choice.layer == selected[0] else 0
    return MapChoice(choice.kind, *selected, page)


@dataclass(frozen=True, eq=False)
class MapPlane:
    """The plane the maps are drawn on: its extent, the scene's rows on it, how its
    points become inputs (None: they are the inputs) and what its axes are."""

    scene: Scene  # the scene with this plane: the boundary's point drawing takes it
    basis: Basis | None
    axes: tuple[str, str]

    @property
    def plane(self) -> Plane:
        return self.scene.plane

    @property
    def where(self) -> Array:
        return self.scene.where

    @property
    def projected(self) -> bool:
        return self.basis is not None

    def positions(self, x: Array) -> Array:
        """Where rows of features ``x`` lie on the plane."""
        return x[:, :2] if self.basis is None else self.basis.project(x)


def has_plane(scene: Scene) -> bool:
    """Whether ``scene``'s data has a plane to draw maps on (not one feature, nor a
    numeric target over more than two)."""
    return scene.kind in (PLANE, PROJECTION) or value_plane(scene)


def map_plane(scene: Scene, features: tuple[str, ...] = ("x1", "x2")) -> MapPlane | None:
    """The plane of ``scene``'s maps (``features``: the inputs' names), None without one."""
    if scene.kind in (PLANE, PROJECTION):
        return MapPlane(scene, scene.basis, scene.axes)
    if value_plane(scene):
        axes = (features[0], features[1])
        on_inputs = replace(scene, where=scene.x, plane=plane_of(scene.x), axes=axes)
        return MapPlane(on_inputs, None, axes)
    return None


def value_plane(scene: Scene) -> bool:
    """A numeric target over two features: the pane shows the predicted value."""
    return scene.kind == REGRESSION and scene.x.shape[1] == 2


def targets(scene: Scene) -> Array:
    """The drawn rows' targets as trained on (one column)."""
    return np.asarray(scene.labels, dtype=np.float64).reshape(len(scene.labels), -1)[:, 0]
