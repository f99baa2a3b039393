"""Drawing styled runs as strips for the line API, styled exactly as Textual styles a
``Text`` returned by ``render()``, so a pane can switch to the line API unchanged on screen;
and refreshing only the lines that changed."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.binding import Binding
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

from tui_backprop.ui.render.styled_lines import Run, StyleLike

ELLIPSIS = "…"


def arrow_bindings(action: str, up_down: str, left_right: str | None = None) -> list[Binding]:
    """The arrow keys as ``action(dx, dy)`` in a pane, kept out of the footer; the
    descriptions name what moves ("Cell ↑")."""
    across = left_right or up_down
    return [
        Binding("up", f"{action}(0, -1)", f"{up_down} ↑", show=False),
        Binding("down", f"{action}(0, 1)", f"{up_down} ↓", show=False),
        Binding("left", f"{action}(-1, 0)", f"{across} ←", show=False),
        Binding("right", f"{action}(1, 0)", f"{across} →", show=False),
    ]


class RunStyler:
    """Turns runs into strips on one widget's base style (built once per style)."""

    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        self._base = widget.visual_style
        self._styles: dict[StyleLike, Style] = {}

    def _style(self, style: StyleLike) -> Style:
        if style not in self._styles:
            base = self._base
            if style is None:
                self._styles[style] = base + Style.combine([base])
            else:
                app = self._widget.app
                rich = app.console.get_style(style) if isinstance(style, str) else style
                span = Style.from_rich_style(rich, app.ansi_theme)
                self._styles[style] = base + Style.combine([base, span])
        return self._styles[style]

    def strip(self, runs: list[Run], y: int, width: int) -> Strip:
        """One line, cut to ``width`` with an ellipsis (as ``text-wrap: nowrap;
        text-overflow: ellipsis`` cut text); each segment carries its offset (for text
        selection) as Textual's own text does."""
        runs = _merge_unstyled(_truncate(runs, width)) or [("", None)]  # as Content has it
        segments, x = [], 0
        for text, style in runs:
            segments.append(Segment(text, self._style(style).rich_style_with_offset(x, y)))
            x += len(text)
        return Strip(segments)


def _truncate(runs: list[Run], width: int) -> list[Run]:
    """Cut to ``width - 1`` cells and an ellipsis, which joins the run it replaces."""
    if sum(cell_len(text) for text, _ in runs) <= width:
        return runs
    if width <= 0:
        return []
    out: list[Run] = []
    room = width - 1
    for text, style in runs:
        if cell_len(text) > room:
            out.append((set_cell_size(text, room) + ELLIPSIS, style) if room else (ELLIPSIS, style))
            break
        out.append((text, style))
        room -= cell_len(text)
    return out


def _merge_unstyled(runs: list[Run]) -> list[Run]:
    """Neighbouring unstyled runs are one piece of text, as in a ``Text``."""
    out: list[Run] = []
    for text, style in runs:
        if out and style is None and out[-1][1] is None:
            out[-1] = (out[-1][0] + text, None)
        else:
            out.append((text, style))
    return out


def refresh_changed(widget: Widget, old: list[Strip], new: list[Strip]) -> None:
    """Repaint only the lines of ``widget`` whose strips differ."""
    width = widget.size.width
    changed = [
        Region(0, y, width, 1)
        for y in range(max(len(old), len(new)))
        if y >= len(old) or y >= len(new) or old[y] != new[y]
    ]
    if changed:
        widget.refresh(*changed)
