"""Neuron maps as terminal lines, drawn as the decision boundary is (half blocks, two
pixels a cell, the rows on top): one neuron over the plane, a layer's gallery of small
maps, or a layer's δ on the step's rows.

A value's colour is the sign scale of every number in the app: orange below the
activation's middle, blue above, brighter further away (never a class's colour).
Every picture makes at most one forward pass of the engine (``layer_maps``) for every
neuron of the layer at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui_backprop.engine.activations import Array
from tui_backprop.engine.network import Params
from tui_backprop.engine.neuron_maps import layer_maps
from tui_backprop.ui.model.map_choice import MapPlane
from tui_backprop.ui.render import palette
from tui_backprop.ui.render.boundary_draw import TRAIN, _line, _marks, _pixels
from tui_backprop.ui.render.class_colours import BASE, HIGH, LOW, SHADES, hue_rgb, pixel_rgb

# Where an activation's values centre and how far they reach (None: as far as they go).
RANGES: dict[str, tuple[float, float | None]] = {
    "tanh": (0.0, 1.0),
    "sigmoid": (0.5, 0.5),
    "softmax": (0.5, 0.5),
}
UNKNOWN = "?"
BLANK = Style(bgcolor=Color.from_rgb(*BASE))
LABEL = Style(color=Color.from_rgb(200, 200, 205), bgcolor=Color.from_rgb(*BASE))
MIN_TILE = 4  # lines of a gallery tile's map, below which it pages instead
GAP = 1  # columns between tiles


@dataclass(frozen=True)
class Scale:
    centre: float
    reach: float  # |value − centre| that takes the full colour

    def codes(self, values: Array) -> NDArray[np.intp]:
        """Pixel codes as the boundary's (shade by distance), in the sign colours: orange
        below the centre, blue above."""
        off = np.nan_to_num(values - self.centre, nan=0.0)
        t = np.clip(np.abs(off) / self.reach, 0.0, 1.0) if self.reach > 0 else 0 * off
        side = np.where(off >= 0, HIGH, LOW).astype(np.intp)
        codes: NDArray[np.intp] = side * (SHADES + 1) + np.ceil(t * SHADES).astype(np.intp)
        return codes

    def legend(self) -> str:
        lo, hi = self.centre - self.reach, self.centre + self.reach
        neg, pos = palette.negative_rgb_hex(), palette.positive_rgb_hex()
        return f"[{neg}]■[/]{lo:.2g} … {hi:.2g}[{pos}]■[/]"


def scale_of(activation: str, values: Array) -> Scale:
    centre, reach = RANGES.get(activation, (0.0, None))
    if reach is None:
        reach = palette.magnitude(values - centre)
    return Scale(centre, reach)


def maps(mp: MapPlane, params: Params, layer: int, width: int, pixel_rows: int) -> Array:
    """(pixel_rows, width, neurons): every neuron of ``layer`` over the plane."""
    grid = layer_maps(
        mp.scene.trainer, width, pixel_rows, mp.plane, params, mp.basis, mp.scene.lift
    )
    return grid.layers[layer]


def neuron_map(
    mp: MapPlane,
    values: Array,
    scale: Scale,
    points: Array | None,
    width: int,
    height: int,
    rows: bool = True,
) -> list[Strip]:
    """One map (``values``: 2·height × width) with the scene's rows on top (unless not
    ``rows``: a gallery's small maps), in their class colours, or in the colour of
    ``points`` (a value per row) when given."""
    codes = scale.codes(values)
    scene = mp.scene
    if not rows:
        marks = {}
    elif points is None:
        marks = _marks(scene, codes, mp.where, scene.labels.astype(np.intp), None)
    else:
        marks = value_marks(mp, mp.where, points, scale, codes)
    return [_line(codes[2 * r], codes[2 * r + 1], marks.get(r, {})) for r in range(height)]


def value_marks(
    mp: MapPlane, where: Array, values: Array, scale: Scale, codes: NDArray[np.intp]
) -> dict[int, dict[int, tuple[str, Style]]]:
    """A dot per row coloured by its value (the larger one wins a shared cell)."""
    pixel_rows, width = codes.shape
    cols, prow = _pixels(mp.scene, where, width, pixel_rows)
    order = np.argsort(np.abs(np.nan_to_num(values - scale.centre)), kind="stable")
    own = scale.codes(values)
    marks: dict[int, dict[int, tuple[str, Style]]] = {}
    for i in order.tolist():
        background = codes[prow[i], cols[i]]
        marks.setdefault(int(prow[i]) // 2, {})[int(cols[i])] = (
            TRAIN,
            _dot(int(own[i]), int(background)),
        )
    return marks


@cache
def _dot(code: int, background: int) -> Style:
    side, shade = divmod(code, SHADES + 1)
    fg = palette.mix(BASE, hue_rgb(side), 0.3 + 0.7 * shade / SHADES)
    return Style(
        color=Color.from_rgb(*fg), bgcolor=Color.from_rgb(*pixel_rgb(background)), bold=True
    )


def unknown(width: int, height: int, why: str = UNKNOWN) -> list[Strip]:
    """A picture not computed yet (or impossible): ``why`` in its middle."""
    lines = [Strip([Segment(" " * width, BLANK)], width)] * height
    if height and width:
        text = why[:width]
        left = (width - len(text)) // 2
        middle = Strip(
            [
                Segment(" " * left, BLANK),
                Segment(text, LABEL),
                Segment(" " * (width - left - len(text)), BLANK),
            ],
            width,
        )
        lines = [*lines[: height // 2], middle, *lines[height // 2 + 1 :]]
    return lines


@dataclass(frozen=True)
class Tiles:
    """A gallery's grid: ``columns`` × ``rows`` tiles of ``width`` cells and ``height``
    map lines (plus one for the label)."""

    columns: int
    rows: int
    width: int
    height: int

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def pages(self, n: int) -> int:
        return max(1, math.ceil(n / self.per_page))


def tiles_for(n: int, width: int, height: int) -> Tiles:
    """The largest near-square tiles that show all ``n`` maps, or the smallest tiles
    (then the gallery pages)."""
    for lines in range(max(height - 1, MIN_TILE), MIN_TILE - 1, -1):
        cols = min(2 * lines, width)  # a cell is about twice as tall as it is wide
        across = max(1, (width + GAP) // (cols + GAP))
        down = max(1, height // (lines + 1))
        if across * down >= n or lines == MIN_TILE:
            return Tiles(across, down, max(1, (width - GAP * (across - 1)) // across), lines)
    return Tiles(1, 1, width, max(1, height - 1))  # pragma: no cover - the loop returns


def gallery(
    tiles: list[list[Strip]], labels: list[str], layout: Tiles, width: int, height: int
) -> list[Strip]:
    """Tiles with their labels above, left to right then down, padded to the pane."""
    gap = Strip([Segment(" " * GAP, BLANK)], GAP)
    lines: list[Strip] = []
    for start in range(0, len(tiles), layout.columns):
        row = range(start, min(start + layout.columns, len(tiles)))
        heads = [_label(labels[i], layout.width) for i in row]
        lines.append(_joined(heads, gap))
        for y in range(layout.height):
            lines.append(_joined([tiles[i][y] for i in row], gap))
    blank = Strip([Segment(" " * width, BLANK)], width)
    lines = [line.extend_cell_length(width, BLANK).crop(0, width) for line in lines]
    return (lines + [blank] * height)[:height]


def _label(text: str, width: int) -> Strip:
    return Strip([Segment(text[:width].ljust(width), LABEL)], width)


def _joined(parts: list[Strip], gap: Strip) -> Strip:
    out: list[Strip] = []
    for i, part in enumerate(parts):
        out.extend([gap, part] if i else [part])
    return Strip.join(out)


def delta_tile(
    mp: MapPlane, where: Array, deltas: Array, reach: float, width: int, height: int
) -> list[Strip]:
    """Each row's δ at its place: colour is its sign, brightness its size."""
    codes = np.zeros((2 * height, width), dtype=np.intp)
    marks = value_marks(mp, where, deltas, Scale(0.0, reach), codes)
    return [_line(codes[2 * r], codes[2 * r + 1], marks.get(r, {})) for r in range(height)]
