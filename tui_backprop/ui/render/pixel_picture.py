"""Pictures of image data in half-block cells: "▀" in the colour of one pixel over a
background of the pixel below it, so each character is two pixels stacked and an 8×8
picture takes 8 columns by 4 lines.

Two colourings, one per kind of number:

- ``ink``: a row of data, grey from dark (its smallest value) to white (its largest),
  as the digit was drawn; the values are the inputs as the network takes them.
- ``signed``: weights or principal components, in the sign colours of every number in
  the app (blue positive, orange negative, brighter further from 0) on a scale given
  by the caller, so a layer's pictures share one.

Every colour is quantised, so a frame builds few Rich styles; ``PixelPicture`` keeps
the values and the colours it drew them with, so a test can read both back.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from tui_backprop.engine.activations import Array
from tui_backprop.ui.render import palette

RGB = tuple[int, int, int]
Shape = tuple[int, int]  # width, height in pixels
HALF = "▀"
INK_LEVELS = 16
DARK: RGB = (16, 16, 20)  # the lowest value of a row of data
LIGHT: RGB = (245, 245, 245)  # its highest
MARK: RGB = (255, 215, 95)  # a selected pixel (the diagram's active-layer yellow)
EMPTY: RGB = (40, 40, 46)  # below the last line of an odd-height picture


@dataclass(frozen=True, eq=False)
class PixelPicture:
    """``values`` (height, width) drawn as ``rgb`` (height, width, 3)."""

    values: Array
    rgb: NDArray[np.uint8]

    @property
    def width(self) -> int:
        return int(self.values.shape[1])

    @property
    def lines_needed(self) -> int:
        return cells_high(int(self.values.shape[0]))

    def marked(self, pixel: int) -> PixelPicture:
        """The same picture with pixel ``pixel`` (row-major) in the selection's colour."""
        rgb = self.rgb.copy()
        row, col = divmod(pixel, self.width)
        if 0 <= row < rgb.shape[0]:
            rgb[row, col] = MARK
        return PixelPicture(self.values, rgb)

    def zoomed(self, factor: int) -> PixelPicture:
        """Each pixel as ``factor`` × ``factor`` pixels (the same values, larger)."""
        if factor <= 1:
            return self
        grow = np.ones((factor, factor), dtype=np.uint8)
        rgb = np.stack([np.kron(self.rgb[:, :, c], grow) for c in range(3)], axis=2)
        return PixelPicture(np.kron(self.values, np.ones((factor, factor))), rgb)

    def cells(self) -> list[list[tuple[str, Style]]]:
        """Pixel rows 2k and 2k+1 as line k of cells: the top pixel the foreground, the
        bottom one the background."""
        rgb = self.rgb
        if rgb.shape[0] % 2:
            rgb = np.concatenate([rgb, np.full((1, rgb.shape[1], 3), EMPTY, np.uint8)])
        return [
            [(HALF, half_style(_rgb(t), _rgb(b))) for t, b in zip(top, bottom, strict=True)]
            for top, bottom in zip(rgb[0::2], rgb[1::2], strict=True)
        ]

    def lines(self) -> list[Strip]:
        """``cells`` as strips."""
        return [
            Strip([Segment(ch, style) for ch, style in row], len(row)).simplify()
            for row in self.cells()
        ]


def cells_high(pixel_rows: int) -> int:
    return (pixel_rows + 1) // 2


def _rgb(values: NDArray[np.uint8]) -> RGB:
    return int(values[0]), int(values[1]), int(values[2])


@cache
def half_style(top: RGB, bottom: RGB) -> Style:
    return Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom))


def _as_image(values: Array, shape: Shape) -> Array:
    width, height = shape
    image: Array = np.asarray(values, dtype=np.float64).reshape(height, width)
    return image


def ink(values: Array, shape: Shape) -> PixelPicture:
    """A row of data as a grey picture, darkest at its smallest value."""
    image = _as_image(values, shape)
    finite = np.nan_to_num(image, nan=0.0, posinf=0.0, neginf=0.0)
    low, high = float(finite.min()), float(finite.max())
    t = (finite - low) / (high - low) if high > low else np.zeros_like(finite)
    levels = np.round(t * INK_LEVELS).astype(np.intp)
    return PixelPicture(image, _INK[levels])


def signed(values: Array, shape: Shape, reach: float) -> PixelPicture:
    """Values in the sign colours, full colour at ``reach`` (the scale the caller chose
    for every picture of a layer)."""
    image = _as_image(values, shape)
    finite = np.nan_to_num(image, nan=0.0, posinf=reach, neginf=-reach)
    t = np.clip(np.abs(finite) / reach, 0.0, 1.0) if reach > 0 else np.zeros_like(finite)
    levels = np.ceil(t * palette.LEVELS).astype(np.intp) * np.where(finite < 0, -1, 1)
    return PixelPicture(image, _SIGNED[levels + palette.LEVELS])


def signed_legend(reach: float, tight: bool = False) -> str:
    """The scale of ``signed`` pictures as markup: both ends and their colours (without
    spaces when ``tight``)."""
    neg, pos = palette.negative_rgb_hex(), palette.positive_rgb_hex()
    dots = "…" if tight else " … "
    return f"[{neg}]■[/]−{reach:.2g}{dots}+{reach:.2g}[{pos}]■[/]"


def beside(pictures: list[list[Strip]], gap: int = 2) -> list[Strip]:
    """Pictures' lines side by side, shorter ones padded with blank cells."""
    height = max((len(p) for p in pictures), default=0)
    space = Strip([Segment(" " * gap)], gap)
    out = []
    for y in range(height):
        parts: list[Strip] = []
        for k, picture in enumerate(pictures):
            width = max((line.cell_length for line in picture), default=0)
            line = picture[y] if y < len(picture) else Strip.blank(width)
            parts.extend([space, line] if k else [line])
        out.append(Strip.join(parts))
    return out


def _ramp(a: RGB, b: RGB, steps: int) -> NDArray[np.uint8]:
    return np.array([palette.mix(a, b, k / steps) for k in range(steps + 1)], dtype=np.uint8)


_INK = _ramp(DARK, LIGHT, INK_LEVELS)
_SIGNED = np.concatenate(
    [
        _ramp(palette.NEUTRAL, palette.NEGATIVE, palette.LEVELS)[::-1],
        _ramp(palette.NEUTRAL, palette.POSITIVE, palette.LEVELS)[1:],
    ]
)


def as_text(lines: list[Strip]) -> list[Text]:
    """Picture lines as Rich text, to set beside other text."""
    return [
        Text.assemble(*((seg.text, seg.style or Style.null()) for seg in line)) for line in lines
    ]
