"""Straight lines drawn in braille dots (2×4 per terminal cell), for the diagram's edges.

A terminal cell has one colour, so where edges cross, the cell takes the colour of the
strongest weight among them. Rasterising is done once per layout; a frame only picks
colours, with a few NumPy operations over all edge cells at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# Bit of the braille dot at (column dx, row dy) inside a cell.
DOT_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
_DOT = DOT_BITS

IntArray = NDArray[np.int64]


def _dots(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    """Bresenham's line between two dot positions, both ends included."""
    points = []
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
    err = dx + dy
    while True:
        points.append((x0, y0))
        if x0 == x1 and y0 == y1:
            return points
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            x0 += sx
        if e2 <= dx:
            err += dx
            y0 += sy


@dataclass(frozen=True, eq=False)
class EdgeRaster:
    """Every edge's cells, flattened: edge ``edge[k]`` passes through cell ``cell[k]``."""

    width: int
    height: int
    cell: IntArray  # flat cell index y * width + x
    edge: IntArray
    bits: NDArray[np.int32]  # per cell: the union of all edges' dots

    def colours(
        self, strength: NDArray[np.int64], first: NDArray[np.bool_] | None = None
    ) -> IntArray:
        """Per cell, the signed level of the strongest edge through it (0 where none);
        ``strength`` is each edge's signed level. Edges marked in ``first`` win over
        all others (the selected neuron's, say)."""
        out = np.zeros(self.width * self.height, dtype=np.int64)
        if len(self.cell):
            rank = np.abs(strength[self.edge])
            if first is not None:
                rank = rank + first[self.edge] * (int(np.abs(strength).max()) + 1)
            order = np.argsort(rank, kind="stable")
            out[self.cell[order]] = strength[self.edge[order]]  # the last write wins
        return out


def rasterise(width: int, height: int, lines: Sequence[tuple[int, int, int, int]]) -> EdgeRaster:
    """``lines`` are (x0, y0, x1, y1) in cells; a line runs through its cells' middles."""
    bits = np.zeros(width * height, dtype=np.int32)
    cells: list[int] = []
    edges: list[int] = []
    for k, (x0, y0, x1, y1) in enumerate(lines):
        seen: set[int] = set()
        for px, py in _dots(x0 * 2, y0 * 4 + 1, x1 * 2 + 1, y1 * 4 + 1):
            cx, cy = px // 2, py // 4
            if not (0 <= cx < width and 0 <= cy < height):
                continue
            index = cy * width + cx
            bits[index] |= _DOT[py % 4][px % 2]
            if index not in seen:
                seen.add(index)
                cells.append(index)
                edges.append(k)
    return EdgeRaster(
        width, height, np.array(cells, dtype=np.int64), np.array(edges, dtype=np.int64), bits
    )


def braille(bits: int) -> str:
    return chr(0x2800 + bits)
