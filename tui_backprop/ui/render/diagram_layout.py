"""Where the diagram puts each neuron: one column per layer, neurons spread down it.

A layer with more neurons than rows is summarised: its first few, a ``⋮ k more`` row,
its last few; when the selected neuron is one of those left out, the column shows a
window around it instead, with what lies above and below it summarised the same way,
so ↑ ↓ reach every neuron. Pure geometry, so it is computed once per size, network and
such a selection, not per frame.
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
    edge_to: IntArray

    def neuron_at(self, x: int, y: int) -> tuple[int, int] | None:
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
    for chip in CHIPS:
        # a label, a gap, and a cell for the selection marker on either side
        left = min(labels_in, LABEL_MAX) + 2 if chip > 1 else 1
        right = min(labels_out, LABEL_MAX) + 2 if chip > 1 else 1
        span = width - left - right - chip
        if span >= (layers - 1) * (chip + 5):
            break
    if height < 2 or span < (layers - 1) * 3:
        return None
    columns = []
    for layer, n in enumerate(network.sizes):
        x = left + round(layer * span / (layers - 1))
        wanted = focus[1] if focus is not None and focus[0] == layer else None
        columns.append(Column(x, _rows(n, 1, height - 1, wanted)))
    lines, edges = _lines(columns, chip)
    raster = rasterise(width, height, lines)
    ends = np.array(edges, dtype=np.int64).reshape(-1, 3)
    return DiagramLayout(
        width, height, chip, left, right, tuple(columns), raster, ends[:, 0], ends[:, 1], ends[:, 2]
    )


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
