"""Colours: the Playground's blue for positive values and orange for negative ones.

Blue and orange mean the sign and nothing else: weights, edges, activations, δ,
gradients and the neuron maps (above or below the activation's middle). Classes have
their own categorical colours (``class_colours``), none of them near these two.

Every scale is quantised into a few levels and its Rich styles are built once, because
the panes ask for thousands of styles per frame.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from numpy.typing import NDArray
from rich.color import Color
from rich.style import Style
from rich.text import Text

POSITIVE = (8, 119, 189)  # the Playground's blue
NEGATIVE = (245, 147, 34)  # the Playground's orange
NEUTRAL = (52, 52, 58)  # a zero: a cell that is still visibly a cell
BACKGROUND = (30, 30, 30)  # what faint edges fade into
INVALID = (186, 60, 91)  # NaN or infinity
LEVELS = 12
RGB = tuple[int, int, int]


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour a fraction ``t`` of the way from ``a`` to ``b``."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _color(rgb: RGB) -> Color:
    return Color.from_rgb(*rgb)


def _readable_on(rgb: RGB) -> Color:
    luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
    return _color((20, 20, 20) if luma > 150 else (235, 235, 235))


def magnitude(values: NDArray[np.floating]) -> float:
    """The largest finite magnitude in ``values``: where a colour scale ends."""
    finite = values[np.isfinite(values)]
    return float(np.abs(finite).max()) if finite.size else 0.0


def level(value: float, scale: float) -> int:
    """Signed level in -LEVELS..LEVELS of ``value`` on a scale whose end is ``scale``."""
    if scale <= 0 or not math.isfinite(scale):
        return 0
    t = min(abs(value) / scale, 1.0)
    n = math.ceil(t * LEVELS) if t > 0 else 0
    return n if value >= 0 else -n


@cache
def cell_style(lvl: int, bold: bool = False) -> Style:
    """Background shaded by a signed level, with a foreground that stays readable."""
    rgb = mix(NEUTRAL, POSITIVE if lvl >= 0 else NEGATIVE, abs(lvl) / LEVELS)
    return Style(bgcolor=_color(rgb), color=_readable_on(rgb), bold=bold)


@cache
def line_style(lvl: int) -> Style:
    """A foreground for an edge: faint for small weights, never quite invisible."""
    t = 0.22 + 0.78 * abs(lvl) / LEVELS
    return Style(color=_color(mix(BACKGROUND, POSITIVE if lvl >= 0 else NEGATIVE, t)))


def value_style(value: float, scale: float, bold: bool = False) -> Style:
    if not math.isfinite(value):
        return invalid_style()
    return cell_style(level(value, scale), bold)


@cache
def invalid_style() -> Style:
    return Style(bgcolor=_color(INVALID), color=_color((255, 255, 255)), bold=True)


def hex_of(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def positive_rgb_hex() -> str:
    return hex_of(POSITIVE)


def negative_rgb_hex() -> str:
    return hex_of(NEGATIVE)


def legend(*notes: str) -> Text:
    """A pane's border: which colour is which sign, then ``notes`` (plain text, since
    they may hold class names)."""
    text = Text().append("■", positive_rgb_hex()).append(" positive  ")
    text.append("■", negative_rgb_hex()).append(" negative")
    for note in notes:
        text.append("  ").append(note)
    return text
