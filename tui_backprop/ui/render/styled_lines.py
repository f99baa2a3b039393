"""Lines of styled text built run by run, for a pane that draws with the line API:
like appending to a Rich ``Text``, without the markup and the re-splitting that turning
a ``Text`` into lines would cost every frame."""

from __future__ import annotations

from rich.style import Style

StyleLike = str | Style | None  # a Rich style or style string; None: the pane's own
Run = tuple[str, StyleLike]


class StyledLines:
    """Rows of (text, style) runs; ``append`` behaves as ``Text.append`` does."""

    def __init__(self) -> None:
        self.rows: list[list[Run]] = [[]]

    def append(self, text: str, style: StyleLike = None) -> None:
        for k, part in enumerate(text.split("\n")):
            if k:
                self.rows.append([])
            if part:
                self.rows[-1].append((part, style))

    def line_count(self) -> int:
        """Lines of text, as ``str.splitlines`` counts them (no trailing empty line)."""
        return len(self.rows) - (not self.rows[-1])
