"""One colour, one meaning: blue and orange are a number's sign everywhere, and the
classes' colours are none of them."""

from __future__ import annotations

import numpy as np

from tui_backprop.ui.render import class_legend, palette
from tui_backprop.ui.render.class_colours import (
    BASE,
    CLASS_RGB,
    STRONGEST,
    class_rgb,
    pixel_rgb,
    swatch_hex,
)
from tui_backprop.ui.render.neuron_map_draw import Scale

APART = 90  # RGB distance below which two colours could be taken for each other


def distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return float(np.linalg.norm(np.subtract(a, b)))


def test_no_class_colour_is_near_a_sign_colour() -> None:
    assert len(CLASS_RGB) >= 10  # ten classes, ten colours
    for k, rgb in enumerate(CLASS_RGB):
        for sign in (palette.POSITIVE, palette.NEGATIVE):
            assert rgb != sign
            assert distance(rgb, sign) >= APART, (k, rgb, sign)
    assert len(set(CLASS_RGB)) == len(CLASS_RGB)


def test_a_neuron_map_is_drawn_in_the_sign_colours_not_the_class_colours() -> None:
    scale = Scale(0.0, 1.0)
    high, low = (pixel_rgb(int(c)) for c in scale.codes(np.array([1.0, -1.0])))
    assert high == palette.mix(BASE, palette.POSITIVE, STRONGEST)
    assert low == palette.mix(BASE, palette.NEGATIVE, STRONGEST)
    for k in range(2):
        assert pixel_rgb(k * 9 + 8) != high and pixel_rgb(k * 9 + 8) != low
    legend = scale.legend()
    assert palette.negative_rgb_hex() in legend and palette.positive_rgb_hex() in legend
    assert swatch_hex(0) not in legend


def test_a_class_legend_wraps_rather_than_cuts() -> None:
    names = [f"class number {k}" for k in range(10)]
    lines = class_legend.lines(names, 40)
    text = "\n".join(line.text for line in lines)
    assert len(lines) > 1 and all(line.cell_length == 40 for line in lines)
    for k, name in enumerate(names):
        assert f"■{name}" in text
        swatch = next(
            s
            for line in lines
            for s in line
            if s.text == "■" and s.style and s.style.color and s.style.color.triplet == class_rgb(k)
        )
        assert swatch is not None
    assert not class_legend.fits(class_legend.legend(names), 40)
