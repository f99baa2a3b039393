"""The footer of the main screen: the command table's keys, fewer at projector width."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui_backprop.ui.command_table import COMPACT_FOOTER, COMPACT_ONLY

# Classes a key gets: the style sheet hides "-wide-only" keys below 100 columns (where
# the footer would be cut before q), and "-compact-only" keys from 100 on.
WIDE_ONLY, NARROW_ONLY = "-wide-only", "-compact-only"


class KeyFooter(Footer):
    """Textual's footer, each key marked with the widths it is shown at."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and "-command-palette" not in widget.classes:
                if widget.action in COMPACT_ONLY:
                    widget.add_class(NARROW_ONLY)
                elif widget.action not in COMPACT_FOOTER:
                    widget.add_class(WIDE_ONLY)
            yield widget
