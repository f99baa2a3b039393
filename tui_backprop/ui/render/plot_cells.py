"""A built plotext figure read cell by cell, as runs of equally coloured text.

plotext 5 turns its grid of cells into ANSI text that would then be decoded again;
reading the grid skips both steps. A colour triple is decoded from plotext's own ANSI
code, once, so every run is styled exactly as the decoded text would be.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from plotext import _utility as plotext_utility
from rich.style import Style
from rich.text import Text

Run = tuple[str, Style]
Colour = str | int | tuple[int, ...]


def build_cells(plt: Any) -> Any:
    """Build ``plt``'s figure up to its grid of cells (``build()`` without the text)."""
    plt._set_sizes()
    plt._build_matrix()
    return plt.monitor.matrix


def rows_of(matrix: Any) -> list[list[Run]]:
    """The grid's rows, top first, each as runs of (text, style)."""
    return [_row(matrix, row) for row in reversed(matrix.Rows)]


def _row(matrix: Any, row: int) -> list[Run]:
    markers, fg, bg, st = (
        matrix.marker[row],
        matrix.fullground[row],
        matrix.background[row],
        matrix.style[row],
    )
    runs: list[Run] = []
    start = 0
    for col in range(1, len(markers) + 1):
        if col == len(markers) or (fg[col], st[col], bg[col]) != (fg[start], st[start], bg[start]):
            style = cell_style(_key(fg[start]), _key(st[start]), _key(bg[start]))
            runs.append(("".join(markers[start:col]), style))
            start = col
    return runs


def _key(colour: Any) -> Colour:
    return tuple(colour) if isinstance(colour, list) else colour  # hashable for the cache


@cache
def cell_style(fullground: Colour, style: Colour, background: Colour) -> Style:
    """The style Rich decodes from plotext's ANSI code for these colours."""
    code = plotext_utility.colors_to_ansi(fullground, style, background)
    text = Text.from_ansi(f"{code}x{plotext_utility.ansi_end}")
    if not text.spans:
        return Style.null()
    decoded = text.spans[0].style
    return decoded if isinstance(decoded, Style) else Style.parse(decoded)
