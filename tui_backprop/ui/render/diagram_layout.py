"""Where the diagram puts each neuron: one column per layer, neurons spread down it.

A layer with more neurons than rows is summarised: its first few, a ``⋮ k more`` row,
its last few; when the selected neuron is one of those left out, the column shows a
window around it instead, with what lies above and below it summarised the same way,
so ↑ ↓ reach every neuron. Pure geometry, so it is computed once per size, network and
such a selection, not per frame.

When the inputs are a picture's pixels (``Network.image``) and it fits, the input column
is that picture in half blocks (``pixel_picture``), and one line fans out from it to
each neuron of the next layer: its weights are shown by ``M``, not as edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from tui_backprop.ui.model.view import Network
from tui_backprop.ui.render.edges import EdgeRaster, IntArray, rasterise

CHIPS = (7, 5, 1)  # a neuron shows its value as "+0.7310", "+0.73", or only its shade
LABEL_MAX = 10
HIDDEN = -1  # the item that stands for the neurons left out


@dataclass(frozen=True)
class Item:
    """One row of a column: a neuron (``neuron`` >= 0) or the summary of hidden ones."""

    neuron: int
    y: int
    hidden_count: int = 0


@dataclass(frozen=True)
class Column:
    x: int
    items: tuple[Item, ...]

    def find(self, neuron: int) -> Item | None:
        return next((it for it in self.items if it.neuron == neuron), None)


@dataclass(frozen=True)
class PictureSpot:
    """Where the input picture goes: ``x``, ``y`` of its top left cell, its ``width``
    in cells and ``lines`` (two pixel rows each), each pixel drawn ``zoom`` × ``zoom``."""

    x: int
    y: int
    width: int
    lines: int
    zoom: int = 1

    def pixel_at(self, x: int, y: int) -> int | None:
        """The pixel (row-major) at the top of cell (x, y), None outside the picture."""
        if self.x <= x < self.x + self.width and self.y <= y < self.y + self.lines:
            row, column = 2 * (y - self.y) // self.zoom, (x - self.x) // self.zoom
            return row * (self.width // self.zoom) + column
        return None


@dataclass(frozen=True, eq=False)
class DiagramLayout:
    width: int
    height: int
    chip: int
    left: int  # columns kept for the input labels
    right: int  # and for the output labels
    columns: tuple[Column, ...]
    raster: EdgeRaster
    edge_layer: IntArray  # per line: the weight layer, and the neurons it joins
    edge_from: IntArray
    edge_to: IntArray  # (an edge from the input picture comes from neuron -1)
    picture: PictureSpot | None = None

    def neuron_at(self, x: int, y: int) -> tuple[int, int] | None:
        pixel = None if self.picture is None else self.picture.pixel_at(x, y)
        if pixel is not None:
            return 0, pixel
        for layer, col in enumerate(self.columns):
            if col.x - 1 <= x <= col.x + self.chip:
                for it in col.items:
                    if it.y == y and it.neuron >= 0:
                        return layer, it.neuron
        return None


def _shown(n: int, space: int, focus: int | None) -> list[int]:
    """The neurons a column of ``space`` rows shows, ``HIDDEN`` for each summarised run:
    the first and last ones, or a window around ``focus`` if those leave it out."""
    if n <= space:
        return list(range(n))
    head = max(space // 2, 1)
    tail = max(space - 1 - head, 0)
    shown = [*range(head), HIDDEN, *range(n - tail, n)]
    if focus is None or focus in shown or space < 3:
        return shown
    room = space - 2
    start = min(max(focus - room // 2, 1), n - 1 - room)
    return [HIDDEN, *range(start, start + room), HIDDEN]


def _rows(n: int, top: int, space: int, focus: int | None = None) -> tuple[Item, ...]:
    """Spread ``n`` neurons over ``space`` rows from ``top``, summarising if needed."""
    if space <= 0:
        return ()
    shown = _shown(n, space, focus)
    count = len(shown)
    items = []
    for k, neuron in enumerate(shown):
        y = top + int((k + 0.5) * space / count)
        hidden = 0
        if neuron == HIDDEN:  # the neurons between its neighbours
            before = shown[k - 1] if k > 0 else -1
            after = shown[k + 1] if k + 1 < count else n
            hidden = after - before - 1
        items.append(Item(neuron, y, hidden))
    return tuple(items)


def plan(
    network: Network, width: int, height: int, focus: tuple[int, int] | None = None
) -> DiagramLayout | None:
    """The layout for a pane of ``width`` × ``height`` cells (row 0 holds the titles);
    None when not even one cell per neuron fits. ``focus`` (layer, neuron): a neuron
    its column must show."""
    layers = len(network.sizes)
    labels_in = max((len(s) for s in network.labels[0]), default=0)
    labels_out = max((len(s) for s in network.labels[-1]), default=0)
    picture = _picture_spot(network, width, height)
    for chip in CHIPS:
        # a label, a gap, and a cell for the selection marker on either side
        left = min(labels_in, LABEL_MAX) + 2 if chip > 1 else 1
        right = min(labels_out, LABEL_MAX) + 2 if chip > 1 else 1
        extra = 0 if picture is None else picture.width - chip  # the picture, not a chip
        left = left if picture is None else picture.x
        span = width - left - right - chip - extra
        if span >= (layers - 1) * (chip + 5):
            break
    if height < 2 or span < (layers - 1) * 3:
        return None
    columns = []
    for layer, n in enumerate(network.sizes):
        x = left + (extra if layer else 0) + round(layer * span / (layers - 1))
        wanted = focus[1] if focus is not None and focus[0] == layer else None
        rows = () if picture is not None and layer == 0 else _rows(n, 1, height - 1, wanted)
        columns.append(Column(x, rows))
    lines, edges = _lines(columns, chip)
    if picture is not None:
        _fan(picture, columns[1], lines, edges)
    raster = rasterise(width, height, lines)
    ends = np.array(edges, dtype=np.int64).reshape(-1, 3)
    return DiagramLayout(
        width,
        height,
        chip,
        left,
        right,
        tuple(columns),
        raster,
        ends[:, 0],
        ends[:, 1],
        ends[:, 2],
        picture,
    )


def _picture_spot(network: Network, width: int, height: int) -> PictureSpot | None:
    """The input picture's place, centred down the first column, when it takes at most
    a third of the width and leaves a line for its caption (else None: the inputs are
    chips); twice or three times as large when that still takes a quarter at most."""
    if network.image is None:
        return None
    cells, pixel_rows = network.image
    for zoom in (3, 2, 1):
        lines = (zoom * pixel_rows + 1) // 2
        room = width // 3 if zoom == 1 else width // 4
        if zoom * cells <= room and lines + 2 <= height:
            return PictureSpot(1, 1 + (height - 2 - lines) // 2, zoom * cells, lines, zoom)
    return None


def _fan(
    picture: PictureSpot,
    column: Column,
    lines: list[tuple[int, int, int, int]],
    edges: list[tuple[int, int, int]],
) -> None:
    """One line from the picture's right edge to each neuron shown in ``column``."""
    middle = picture.y + picture.lines // 2
    for b in column.items:
        if b.neuron >= 0:
            lines.append((picture.x + picture.width + 1, middle, column.x - 2, b.y))
            edges.append((0, -1, b.neuron))


def _lines(
    columns: list[Column], chip: int
) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int, int]]]:
    lines, edges = [], []
    for layer, (src, dst) in enumerate(pairwise(columns)):
        for a in src.items:
            for b in dst.items:
                if a.neuron >= 0 and b.neuron >= 0:
                    lines.append((src.x + chip + 1, a.y, dst.x - 2, b.y))
                    edges.append((layer, a.neuron, b.neuron))
    return lines, edges
