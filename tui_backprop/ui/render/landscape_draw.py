"""The loss landscape as terminal lines: a heat map of level bands in half-block cells
(two grid samples a cell, one above the other), the run's path as dots, the present
as a diamond, earlier runs' paths in their own colours, and a last line naming the
bands' loss values. Pure drawing: every value comes from ``engine.landscape``.

The bands split the finite losses' range evenly, on a log scale when the highest loss
is ``LOG_SPAN`` times the lowest or more; their colours run from deep blue-violet (low)
to pale yellow (high), away from the blue and orange that mean a sign elsewhere, and
carry their own background, so they read the same in a dark and a light theme.
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
from tui_backprop.engine.landscape import Landscape
from tui_backprop.ui.render import palette
from tui_backprop.ui.render.class_colours import class_rgb
from tui_backprop.ui.render.numbers import short

BANDS = 10
LOG_SPAN = 100.0  # highest / lowest loss from which the bands are on a log scale
WIDEST = 1e4  # the log scale spans at most this ratio: lower losses share the lowest band
RAMP = ((38, 24, 84), (30, 110, 140), (70, 170, 110), (242, 228, 130))  # low … high
PATH, PRESENT, EARLIER = "•", "◆", "∘"
RGB = tuple[int, int, int]


@dataclass(frozen=True)
class BandScale:
    """Where the bands' edges are: ``BANDS`` even steps from ``low`` to ``high``, of the
    loss or (``log``) of its logarithm; ``clipped``: lower losses exist, in band 0."""

    low: float
    high: float
    log: bool
    clipped: bool = False

    def edges(self) -> Array:
        """The ``BANDS + 1`` loss values at the bands' edges."""
        if self.log:
            return np.geomspace(self.low, self.high, BANDS + 1)
        return np.linspace(self.low, self.high, BANDS + 1)


def scale_of(loss: Array) -> BandScale:
    """The bands' scale for ``loss`` (its finite values)."""
    finite = loss[np.isfinite(loss)]
    if not finite.size:
        return BandScale(0.0, 1.0, False)
    low, high = float(finite.min()), float(finite.max())
    log = low > 0 and high / low >= LOG_SPAN
    if log and high / low > WIDEST:  # a deep pit would leave every other value one band
        return BandScale(high / WIDEST, high, True, clipped=True)
    return BandScale(low, high, log)


def bands(loss: Array, scale: BandScale) -> NDArray[np.intp]:
    """Each value's band, 0 (lowest) … ``BANDS - 1``; -1 for NaN or infinity."""
    with np.errstate(all="ignore"):
        values = np.log(loss) if scale.log else loss
        low, high = (
            (math.log(scale.low), math.log(scale.high)) if scale.log else (scale.low, scale.high)
        )
        t = (values - low) / (high - low) if high > low else np.zeros_like(values)
        out = np.clip(np.floor(t * BANDS), 0, BANDS - 1)
    return np.where(np.isfinite(loss), out, -1).astype(np.intp)


@cache
def band_rgb(band: int) -> RGB:
    """The colour of a band (``palette.INVALID`` for -1)."""
    if band < 0:
        return palette.INVALID
    t = band / (BANDS - 1) * (len(RAMP) - 1)
    i = min(int(t), len(RAMP) - 2)
    return palette.mix(RAMP[i], RAMP[i + 1], t - i)


@cache
def _half(top: int, bottom: int) -> Style:
    return Style(color=Color.from_rgb(*band_rgb(top)), bgcolor=Color.from_rgb(*band_rgb(bottom)))


@cache
def _mark(rgb: RGB | None, top: int, bottom: int) -> Style:
    """A mark on a cell of bands ``top`` and ``bottom``: in ``rgb``, or (None) in black or
    white, whichever reads on the cell."""
    under = palette.mix(band_rgb(top), band_rgb(bottom), 0.5)
    luma = 0.299 * under[0] + 0.587 * under[1] + 0.114 * under[2]
    ink = rgb or ((10, 10, 10) if luma > 140 else (250, 250, 250))
    return Style(color=Color.from_rgb(*ink), bgcolor=Color.from_rgb(*under), bold=True)


def _samples(count: int, cells: int) -> NDArray[np.intp]:
    """The grid index nearest each of ``cells`` evenly spaced positions."""
    return np.rint(np.linspace(0, count - 1, cells)).astype(np.intp)


def _cell_of(
    points: Array, ls: Landscape, width: int, height: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(column, line) of plane points on the picture; outside ones are off its edges."""
    a0, a1, b0, b1 = ls.alphas[0], ls.alphas[-1], ls.betas[0], ls.betas[-1]
    with np.errstate(all="ignore"):
        col = np.rint((points[:, 0] - a0) / (a1 - a0) * (width - 1))
        line = np.rint((b1 - points[:, 1]) / (b1 - b0) * (height - 1))
    ok = np.isfinite(col) & np.isfinite(line)
    return np.where(ok, col, -1).astype(np.intp), np.where(ok, line, -1).astype(np.intp)


def thinned(count: int, at_most: int) -> NDArray[np.intp]:
    """At most ``at_most`` indices of ``count`` evenly spread, the last always."""
    if count <= at_most:
        return np.arange(count)
    return np.unique(np.rint(np.linspace(0, count - 1, at_most)).astype(np.intp))


def draw(
    ls: Landscape, width: int, height: int, earlier: tuple[tuple[Array, int], ...] = ()
) -> list[Strip]:
    """``height`` lines of ``width`` cells: the heat map on all but the last, which is
    the legend. ``earlier``: other runs' paths (plane coordinates) and their colour
    number (``class_colours.class_rgb``)."""
    if width < 1 or height < 1:
        return []
    scale = scale_of(ls.loss)
    rows = max(height - 1, 1)
    grid = bands(ls.loss, scale)
    up = _samples(len(ls.betas), 2 * rows)[::-1]  # pixel rows from the top
    across = _samples(len(ls.alphas), width)
    pixels = grid[np.ix_(up, across)]
    top, bottom = pixels[0::2], pixels[1::2]
    marks: dict[tuple[int, int], tuple[str, RGB | None]] = {}
    _place(marks, ls.path[:-1], ls, width, rows, PATH, None)
    # Over the path, the oldest run last: a run that barely moved (SGD beside momentum,
    # from one start) would vanish under any other
    for path, colour in reversed(earlier):
        _place(marks, path, ls, width, rows, EARLIER, class_rgb(colour))
    _place(marks, ls.path[-1:], ls, width, rows, PRESENT, None)
    lines = []
    for y in range(rows):
        segments = []
        for x in range(width):
            t, b = int(top[y, x]), int(bottom[y, x])
            mark = marks.get((x, y))
            if mark is None:
                segments.append(Segment("▀", _half(t, b)))
            else:
                segments.append(Segment(mark[0], _mark(mark[1], t, b)))
        lines.append(Strip(segments, width).simplify())
    if height > 1:
        lines.append(legend(scale, width))
    return lines


def _place(
    marks: dict[tuple[int, int], tuple[str, RGB | None]],
    path: Array,
    ls: Landscape,
    width: int,
    height: int,
    glyph: str,
    rgb: RGB | None,
) -> None:
    """Mark a thinned ``path`` (a dot per cell at most), later marks over earlier ones."""
    if not len(path):
        return
    picked = path[thinned(len(path), max(width, 8))]
    cols, lines = _cell_of(picked, ls, width, height)
    for col, line in zip(cols.tolist(), lines.tolist(), strict=True):
        if 0 <= col < width and 0 <= line < height:
            marks[(col, line)] = (glyph, rgb)


def legend(scale: BandScale, width: int) -> Strip:
    """The bands' colours between the lowest and highest loss, and the scale's kind; in
    a narrow pane a sample of the bands, so both numbers stay."""
    low, high = ("≤" if scale.clipped else "") + short(scale.low), short(scale.high)
    kind = " log" if scale.log else ""
    room = width - len(low) - len(high) - len(kind) - 2
    swatch = max(1, min(4, room // BANDS))
    shown = range(BANDS) if room >= BANDS else thinned(BANDS, max(room, 2)).tolist()
    segments = [Segment(f"{low} ")]
    for band in shown:
        segments.append(Segment("█" * swatch, Style(color=Color.from_rgb(*band_rgb(band)))))
    segments.append(Segment(f" {high}{kind}"))
    return Strip(segments).crop(0, width).simplify()
