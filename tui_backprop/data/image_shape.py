"""Whether a dataset's features are the pixels of a picture, and its width and height.

Asked for with ``--image WxH`` (``settings.read_image``), or found on its own: the
features are W·H columns, W·H is a square of at least 16 (so 4×4 and up, taken as
square), and every header name looks like a pixel's: a short prefix (``pixel``, ``pix``,
``px``, ``p``, ``x``) and a number, or two numbers for a row and a column (``pixel0``,
``p_3_4``, ``x12``, ``px3-4``). Both are needed: 16 columns named ``age`` … or 25
columns ``f1`` … are not a picture, nor is a file without a header (its columns are
named ``x1`` … ``xN`` by position, which says nothing: ``--image`` does). Pixels are in
row-major order, as scikit-learn's
and MNIST's CSV exports write them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tui_backprop.data.errors import DatasetError

MIN_PIXELS = 16
OFF = "off"  # --image off: never pictures (``settings.read_image``)
_PIXEL_NAME = re.compile(r"(pixel|pix|px|p|x)[_\-]?\d+([_\-x]\d+)?", re.IGNORECASE)


@dataclass(frozen=True)
class ImageShape:
    """``width`` × ``height`` pixels; how it was chosen: ``detected`` or asked for."""

    width: int
    height: int
    detected: bool = False

    @property
    def pixels(self) -> int:
        return self.width * self.height

    def __str__(self) -> str:
        return f"{self.width}×{self.height}"


def image_shape(
    asked: tuple[int, int] | str | None, names: Sequence[str], source: str
) -> ImageShape | None:
    """The picture the features make: ``asked`` (width, height), ``OFF``, or None to
    detect it from ``names``. A size whose pixels are not the features' number is a
    ``DatasetError``."""
    if asked == OFF:
        return None
    if asked is None or isinstance(asked, str):
        return detect(names)
    width, height = asked
    if width * height != len(names):
        raise DatasetError(
            f"{source}: --image {width}x{height} is {width * height} pixels, but the data "
            f"has {len(names)} feature columns"
        )
    return ImageShape(width, height)


def detect(names: Sequence[str]) -> ImageShape | None:
    """A square picture when the features' number and names say so, else None."""
    side = math.isqrt(len(names))
    if len(names) < MIN_PIXELS or side * side != len(names):
        return None
    if not all(_PIXEL_NAME.fullmatch(name.strip()) for name in names):
        return None
    if tuple(names) == tuple(f"x{i + 1}" for i in range(len(names))):
        return None  # the names a file without a header gets (``columns``)
    return ImageShape(side, side, detected=True)


def detected_note(shape: ImageShape, names: Sequence[str]) -> str:
    """The one line that says a picture was found, and how to choose otherwise."""
    return (
        f"{names[0]}…{names[-1]} look like pixels: drawn as {shape} pictures "
        "(--image WxH or --image off to choose)"
    )
