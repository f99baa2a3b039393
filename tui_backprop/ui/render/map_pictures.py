"""What the boundary pane draws for a neuron map, a layer gallery or a δ gallery, and
its titles: the view's weights and step record, drawn on the scene's plane.

During a walk, a layer whose forward pass (or δ) is not shown yet is a ``?``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.text import Text
from textual.strip import Strip

from tui_backprop.ui.model.map_choice import (
    GALLERY,
    MAP,
    MapChoice,
    MapPlane,
    targets,
    value_plane,
)
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.model.walk import PhaseView, delta_known
from tui_backprop.ui.render import palette
from tui_backprop.ui.render.boundary_draw import TRAIN
from tui_backprop.ui.render.neuron_map_draw import (
    Tiles,
    delta_tile,
    gallery,
    maps,
    neuron_map,
    scale_of,
    tiles_for,
    unknown,
)
from tui_backprop.ui.render.weight_pictures import pictured, weight_gallery

# lines, border title (plain: it holds names from the data), border subtitle
Picture = tuple[list[Strip], str, Text]


def forward_known(view: TrainingView, layer: int) -> bool:
    return view.forward_known(layer) if isinstance(view, PhaseView) else True


def picture(
    view: TrainingView, mp: MapPlane, choice: MapChoice, width: int, height: int
) -> Picture:
    net = view.network
    if pictured(view, choice):
        return weight_gallery(view, choice, width, height)
    layer = min(choice.layer, net.depth)
    neuron = min(choice.neuron, net.sizes[layer] - 1)
    act = net.activations[layer]
    where = _where(mp)
    if choice.kind == MAP:
        name = net.labels[layer][neuron]
        title = f"{name} · {act} · output over the plane{where} · {view.epoch_name}"
        if not forward_known(view, layer):
            return unknown(width, height), title, Text("not computed yet in this step")
        values = maps(mp, view.params, layer, width, 2 * height)
        points = targets(mp.scene) if value_plane(mp.scene) and layer == net.depth else None
        scale = scale_of(act, values if points is None else np.append(values, points))
        lines = neuron_map(mp, values[:, :, neuron], scale, points, width, height)
        return lines, title, _legend(mp, scale.legend())
    n = net.sizes[layer]
    layout = tiles_for(n, width, height)
    page = min(choice.page, layout.pages(n) - 1)
    shown = list(range(page * layout.per_page, min(n, (page + 1) * layout.per_page)))
    pages = f" · page {page + 1}/{layout.pages(n)} ( )" if layout.pages(n) > 1 else ""
    part = Part(view, mp, layer, shown, layout)
    if choice.kind == GALLERY:
        title = f"{net.titles[layer]} · {act} · {n} maps{where} · {view.epoch_name}{pages}"
        tiles, legend = _activation_gallery(part, act)
    else:
        title = f"{net.titles[layer]} · δ of each row · {view.epoch_name}{pages}"
        tiles, legend = _delta_gallery(part)
    if tiles is None:
        return unknown(width, height, legend.plain), title, Text()
    labels = [net.labels[layer][j] for j in shown]
    return gallery(tiles, labels, layout, width, height), title, legend


@dataclass(frozen=True, eq=False)
class Part:
    """The page of a layer's gallery being drawn."""

    view: TrainingView
    mp: MapPlane
    layer: int
    shown: list[int]  # its neurons on this page
    layout: Tiles

    def unknown(self) -> list[list[Strip]]:
        return [unknown(self.layout.width, self.layout.height) for _ in self.shown]


def predicted_value(view: TrainingView, mp: MapPlane, width: int, height: int) -> Picture:
    """A numeric target over two features: the output's map, the rows in their targets'
    colours (a row the colour of the map under it is predicted well)."""
    net = view.network
    lines, _, legend = picture(view, mp, MapChoice(MAP, net.depth, 0), width, height)
    across, up = mp.axes
    title = f"Predicted {net.labels[-1][0]} over {across} →  {up} ↑ · {view.epoch_name}"
    return lines, title, Text(f"{TRAIN} actual value · ").append_text(legend)


def _where(mp: MapPlane) -> str:
    return " · on PC1, PC2, the other PCs at their mean" if mp.projected else ""


def _legend(mp: MapPlane, scale: str) -> Text:
    """The colour scale (markup made here, from numbers) and then the axes' names, which
    come from the data and so are added as plain text."""
    across, up = mp.axes
    return Text.from_markup(scale).append(f" · {across}→ {up}↑")


Tiled = tuple[list[list[Strip]] | None, Text]  # the tiles (None: a note instead), legend


def _activation_gallery(part: Part, act: str) -> Tiled:
    if not forward_known(part.view, part.layer):
        return part.unknown(), Text("not computed yet in this step")
    lay = part.layout
    values = maps(part.mp, part.view.params, part.layer, lay.width, 2 * lay.height)
    scale = scale_of(act, values)
    tiles = [
        neuron_map(part.mp, values[:, :, j], scale, None, lay.width, lay.height, rows=False)
        for j in part.shown
    ]
    return tiles, _legend(part.mp, scale.legend())


def _delta_gallery(part: Part) -> Tiled:
    view, lay = part.view, part.layout
    record = view.record
    if part.layer == 0:
        return None, Text("the inputs have no δ: pick a later layer")
    if record is None:
        return None, Text("no step yet: δ comes with the first step")
    if not delta_known(view, part.layer):
        return part.unknown(), Text("not computed yet in this step")
    if part.mp.scene.lift is not None:  # the rows' inputs are features, not plane points
        return None, Text("δ at the rows: not with input features (--features)")
    deltas = record.layers[part.layer - 1].delta
    reach = palette.magnitude(deltas)
    where = part.mp.positions(record.x)
    tiles = [
        delta_tile(part.mp, where, deltas[:, j], reach, lay.width, lay.height) for j in part.shown
    ]
    return tiles, _legend(part.mp, f"δ {_span(reach)}")


def _span(reach: float) -> str:
    neg, pos = palette.negative_rgb_hex(), palette.positive_rgb_hex()
    return f"[{neg}]●[/] −{reach:.2g} … 0 … +{reach:.2g} [{pos}]●[/]"
