"""A class legend (a swatch of each class's colour and its name) for a pane's border
when it fits there, else as lines of its own inside the pane, wrapped to its width:
a legend is never cut, however many classes or however long their names."""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from tui_backprop.ui.render.class_colours import swatch_hex

SWATCH = "■"
GAP = "  "
BELOW = "classes below"  # what the border says when the legend is inside the pane


def legend(names: Sequence[str]) -> Text:
    """The legend for a border, as ``Text``: a class name is never read as markup."""
    text = Text()
    for k, name in enumerate(names):
        text.append(" " if k else "").append(SWATCH, swatch_hex(k)).append(name)
    return text


def fits(text: Text, room: int) -> bool:
    """Whether border text ``text`` takes at most ``room`` cells."""
    return text.cell_len <= room


def lines(names: Sequence[str], width: int, base: Style | None = None) -> list[Strip]:
    """The legend wrapped into lines of ``width`` cells; a name too long for a line is
    cut there, with the rest of the legend still on the lines after."""
    if width < 3:
        return []
    name_style = base or Style.null()
    out: list[Strip] = []
    line: list[Segment] = []
    used = 0
    for k, name in enumerate(names):
        item = name[: width - 2]
        size = len(item) + 1
        if line and used + len(GAP) + size > width:
            out.append(_padded(line, used, width, name_style))
            line, used = [], 0
        if line:
            line.append(Segment(GAP, name_style))
            used += len(GAP)
        line += [Segment(SWATCH, Style(color=swatch_hex(k), bold=True)), Segment(item, name_style)]
        used += size
    if line:
        out.append(_padded(line, used, width, name_style))
    return out


def _padded(line: list[Segment], used: int, width: int, style: Style) -> Strip:
    return Strip([*line, Segment(" " * (width - used), style)], width)
