"""The hidden-space picture as terminal lines: the input plane's grid lines, warped by
the network, in braille dots (2×4 per cell), and the data's rows on top as glyphs in
their class colours. Pure drawing: the positions come from ``engine.hidden_space``."""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui_backprop.engine.activations import Array
from tui_backprop.engine.hidden_space import HiddenSpace
from tui_backprop.ui.render import palette
from tui_backprop.ui.render.boundary_draw import TEST, TRAIN
from tui_backprop.ui.render.class_colours import MUTED, POINT_LIFT, class_rgb
from tui_backprop.ui.render.edges import DOT_BITS, braille

MARGIN = 0.05  # of the points' span, on every side
ACROSS, UP = (150, 120, 90), (90, 120, 150)  # lines of constant y and of constant x
BOTH = (130, 130, 130)  # a cell both families pass through
Bounds = tuple[float, float, float, float]


def bounds_of(space: HiddenSpace) -> Bounds:
    """(x_min, x_max, y_min, y_max) around every finite point, lines and rows."""
    points = np.concatenate([space.lines.reshape(-1, 2), space.rows])
    points = points[np.isfinite(points).all(axis=1)]
    if not len(points):
        return (-1.0, 1.0, -1.0, 1.0)
    low, high = points.min(axis=0), points.max(axis=0)
    pad = np.maximum((high - low) * MARGIN, 1e-6)
    return (low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1])


def _to_dots(points: Array, bounds: Bounds, width: int, height: int) -> Array:
    """Dot coordinates (column, row from the top) of points, as floats."""
    x0, x1, y0, y1 = bounds
    cols = (points[..., 0] - x0) / (x1 - x0) * (2 * width - 1)
    rows = (y1 - points[..., 1]) / (y1 - y0) * (4 * height - 1)
    return np.stack([cols, rows], axis=-1)


def _line_bits(lines: Array, bounds: Bounds, width: int, height: int) -> NDArray[np.int32]:
    """Per cell, the braille bits of every segment of ``lines`` (n, points, 2)."""
    bits = np.zeros(width * height, dtype=np.int32)
    if not lines.size:
        return bits
    dots = _to_dots(lines, bounds, width, height)
    start, end = dots[:, :-1].reshape(-1, 2), dots[:, 1:].reshape(-1, 2)
    ok = np.isfinite(start).all(axis=1) & np.isfinite(end).all(axis=1)
    start, end = start[ok], end[ok]
    if not len(start):
        return bits
    longest = float(np.abs(end - start).max(initial=0.0))
    steps = int(min(max(np.ceil(longest), 1), 8 * (width + height)))
    t = np.linspace(0.0, 1.0, steps + 1)[None, :, None]
    along = np.rint(start[:, None] + t * (end - start)[:, None]).reshape(-1, 2).astype(np.int64)
    cx, cy = along[:, 0], along[:, 1]
    inside = (cx >= 0) & (cx < 2 * width) & (cy >= 0) & (cy < 4 * height)
    cx, cy = cx[inside], cy[inside]
    dot = np.array(DOT_BITS, dtype=np.int32)[cy % 4, cx % 2]
    np.bitwise_or.at(bits, (cy // 4) * width + cx // 2, dot)
    return bits


@cache
def _style(rgb: tuple[int, int, int], bold: bool = False) -> Style:
    return Style(color=Color.from_rgb(*rgb), bold=bold)


def _point_rgb(k: int) -> tuple[int, int, int]:
    return MUTED if k < 0 else palette.mix(class_rgb(k), (255, 255, 255), POINT_LIFT)


def draw(
    space: HiddenSpace, classes: NDArray[np.intp], test: NDArray[np.bool_], width: int, height: int
) -> list[Strip]:
    """``height`` lines of ``width`` cells: the grid, then the rows (class ``classes[r]``,
    -1 for none; ``test[r]`` held out) on top, the last drawn on a cell winning."""
    if width < 1 or height < 1:
        return []
    bounds = bounds_of(space)
    half = len(space.lines) // 2
    across = _line_bits(space.lines[:half], bounds, width, height)
    up = _line_bits(space.lines[half:], bounds, width, height)
    cells: list[tuple[str, Style] | None] = [None] * (width * height)
    for i in np.flatnonzero(across | up).tolist():
        rgb = BOTH if across[i] and up[i] else ACROSS if across[i] else UP
        cells[i] = (braille(int(across[i] | up[i])), _style(rgb))
    dots = _to_dots(space.rows, bounds, width, height)
    ok = np.isfinite(dots).all(axis=1)
    for r in np.flatnonzero(ok).tolist():
        cx, cy = int(dots[r, 0]) // 2, int(dots[r, 1]) // 4
        if 0 <= cx < width and 0 <= cy < height:
            glyph = TEST if test[r] else TRAIN
            cells[cy * width + cx] = (glyph, _style(_point_rgb(int(classes[r])), True))
    return [_strip(cells[y * width : (y + 1) * width]) for y in range(height)]


def _strip(cells: list[tuple[str, Style] | None]) -> Strip:
    segments = [Segment(" ") if c is None else Segment(*c) for c in cells]
    return Strip(segments, len(cells)).simplify()
