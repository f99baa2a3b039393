"""Colours of classes: the boundary map, the rows' points, class legends, the output
neurons' labels and the hidden space.

One colour, one meaning. Blue and orange (``palette``) say the sign of a number
everywhere: a weight, an activation, a δ, a neuron map's side of its activation's
middle. Classes therefore get a categorical palette that uses neither: violet for the
first class, lime for the second, rose for a third, then mint, yellow, magenta, teal,
sand, brick and pink (the first three far apart even as the paler points). Every
class colour stays far from both sign colours (a test measures it), so an orange pixel
never means "class 0" and a violet one never means "negative". Past ten classes the
colours repeat; the legend's names tell them apart.

A map pixel's shade says how sure the network is: a faint tint of the class at the
boundary, the class colour where it is certain. Shades are quantised and each Rich
style is built once, because a frame asks for a few thousand of them. The same pixel
codes draw a neuron map in the sign colours (``LOW`` and ``HIGH`` hues).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray
from rich.color import Color
from rich.style import Style

from tui_backprop.ui.render import palette

RGB = tuple[int, int, int]
CLASS_RGB: tuple[RGB, ...] = (
    (150, 125, 245),  # violet
    (140, 220, 90),  # lime
    (230, 70, 110),  # rose
    (120, 230, 170),  # mint
    (240, 230, 110),  # yellow
    (205, 85, 205),  # magenta
    (70, 190, 190),  # teal
    (215, 190, 140),  # sand
    (170, 55, 55),  # brick
    (240, 130, 200),  # pink
)
# Hues of a neuron map's pixel codes: below and above the activation's middle. Negative,
# so that they never meet a class's hue (PLAIN, -1, is no hue).
LOW, HIGH = -2, -3
BASE: RGB = (40, 40, 46)  # what the class colours are mixed into
SHADES = 8  # quantised confidence levels above "unsure"
# Where the network is unsure its class still shows, faintly, so a boundary drawn by an
# untrained (or undecided) network reads as two regions, not as a black pane.
FAINTEST = 0.24
STRONGEST = 0.62  # the most certain region stays darker than the points on it
POINT_LIFT = 0.45  # points are their class colour mixed this much towards white
MUTED: RGB = (120, 120, 128)  # points and lines that carry no class
EARLIER: RGB = (225, 225, 225)  # an earlier run's boundary, grey as its curves are


def class_rgb(k: int) -> RGB:
    return CLASS_RGB[k % len(CLASS_RGB)]


def hue_rgb(hue: int) -> RGB:
    """The colour of a pixel code's hue: a class, or a sign (``LOW``, ``HIGH``)."""
    if hue == LOW:
        return palette.NEGATIVE
    if hue == HIGH:
        return palette.POSITIVE
    return class_rgb(hue)


def shade_codes(
    classes: NDArray[np.intp], confidence: NDArray[np.floating], n_classes: int
) -> NDArray[np.intp]:
    """One code per pixel: class × (SHADES + 1) + shade, the shade from how far the
    confidence is above chance (1 / n_classes) towards certainty."""
    chance = 1.0 / max(n_classes, 2)
    t = np.clip((confidence - chance) / (1.0 - chance), 0.0, 1.0)
    t = np.nan_to_num(t, nan=0.0)
    shade = np.ceil(t * SHADES).astype(np.intp)
    codes: NDArray[np.intp] = classes.astype(np.intp) * (SHADES + 1) + shade
    return codes


PLAIN = -1  # the code of a pixel that shows no class


@cache
def pixel_rgb(code: int) -> RGB:
    if code == PLAIN:
        return BASE
    hue, shade = divmod(code, SHADES + 1)
    return palette.mix(BASE, hue_rgb(hue), FAINTEST + (STRONGEST - FAINTEST) * shade / SHADES)


@cache
def half_block(top: int, bottom: int) -> Style:
    """The style of "▀" showing pixel ``top`` above pixel ``bottom``."""
    return Style(color=Color.from_rgb(*pixel_rgb(top)), bgcolor=Color.from_rgb(*pixel_rgb(bottom)))


@cache
def point_style(k: int, background: RGB) -> Style:
    """A point of class ``k`` (``-1``: no class) on a cell of colour ``background``."""
    rgb = MUTED if k < 0 else palette.mix(class_rgb(k), (255, 255, 255), POINT_LIFT)
    return Style(color=Color.from_rgb(*rgb), bgcolor=Color.from_rgb(*background), bold=True)


@cache
def outline_style(background: RGB) -> Style:
    return Style(color=Color.from_rgb(*EARLIER), bgcolor=Color.from_rgb(*background), bold=True)


def swatch_hex(k: int) -> str:
    return "#{:02x}{:02x}{:02x}".format(*class_rgb(k))
