"""The boundary pane's principal-component view of image data: the two components the
plane is made of, each drawn as a picture of the input's shape (in the sign colours,
on one scale for both), in the picture's top left corner. A row lies right of the
middle when it is like PC1's blue pixels and unlike its orange ones, and so on up.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui_backprop.engine.activations import Array
from tui_backprop.ui.render import palette
from tui_backprop.ui.render.pixel_picture import beside, signed

CAPTION = Style(color="#e6e6e6", bgcolor="#28282e", bold=True)


def with_components(lines: list[Strip], axes: Array, shape: tuple[int, int]) -> list[Strip]:
    """``lines`` with the pictures of ``axes`` (2, pixels) over their top left corner,
    each under its name; ``lines`` alone when the pictures would take over a third of
    the width or half of the height."""
    reach = palette.magnitude(axes)
    pictures = [signed(axes[k], shape, reach).lines() for k in range(2)]
    block = beside(pictures, 1)
    width = max((line.cell_length for line in block), default=0)
    if not lines or 3 * width > lines[0].cell_length or 2 * (len(block) + 1) > len(lines):
        return lines
    names = "PC1".ljust(shape[0] + 1) + "PC2"
    block = [Strip([Segment(names.ljust(width), CAPTION)], width), *block]
    total = lines[0].cell_length
    out = list(lines)
    for y, part in enumerate(block):
        out[y] = Strip.join([part, out[y].crop(width, total)])
    return out
