"""The per-epoch log, one line per epoch exactly as a headless run prints it.

A virtual list: only the lines on screen are formatted, a screenful at a time, so a run
of a million epochs costs what a run of forty does.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_backprop.engine.history import MetricsLog
from tui_backprop.experiment import epoch_lines


class EpochLog(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    EpochLog {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._history = MetricsLog()
        self._count = 0
        self._window: tuple[int, list[str]] = (0, [])  # the first epoch formatted, its lines
        self._following = True

    @property
    def count(self) -> int:
        """How many epochs the log lists (a thinned history: those it keeps)."""
        return self._count

    def show(self, history: MetricsLog, count: int) -> None:
        """List epochs 0 … ``count - 1`` of ``history`` (those it keeps). A log at its end,
        or going back to fewer epochs, shows the newest line; one scrolled up stays
        where it is."""
        count = history.rows_before(count)
        at_end = self.size.height == 0 or self.scroll_offset.y >= self.max_scroll_y
        self._following = at_end or count < self._count
        self._history, self._count = history, count
        self._window = (0, [])
        self.virtual_size = Size(len(self.line(count - 1)) if count else 0, count)
        if self._following:
            self.scroll_end(animate=False, immediate=True)
        self.refresh()

    def on_resize(self) -> None:
        """A log shown for the first time (its tab opened) starts at its newest line."""
        if self._following:
            self.scroll_end(animate=False, immediate=True)

    def line(self, epoch: int) -> str:
        """Epoch ``epoch``'s line, formatted with the lines around it on first use."""
        start, lines = self._window
        if not start <= epoch < start + len(lines):
            start = max(0, epoch - self.size.height)
            stop = min(self._count, epoch + 2 * max(self.size.height, 1))
            lines = epoch_lines(self._history, start, stop).splitlines()
            self._window = (start, lines)
        return lines[epoch - start]

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        epoch = scroll_y + y
        width = self.size.width
        if epoch >= self._count:
            return Strip.blank(width, self.rich_style)
        text = self.line(epoch)
        strip = Strip([Segment(text, self.rich_style)])
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)
