"""The footer of the main screen: the command table's keys, fewer at projector width."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # private: Textual exports no name for a key

from tui_backprop.ui.command_table import COMPACT_FOOTER, COMPACT_ONLY

# Classes a key gets: the style sheet hides "-wide-only" keys below 100 columns (where
# the footer would be cut before q), and "-compact-only" keys from 100 on.
WIDE_ONLY, NARROW_ONLY = "-wide-only", "-compact-only"


class KeyFooter(Footer):
    """Textual's footer, each key marked with the widths it is shown at. It is built
    anew only when the keys it shows change: Textual rebuilds it on every change of the
    screen's bindings, and each rebuild styles some forty keys (a fifth of a tab's
    start-up on a screen whose bindings settle three times as it mounts)."""

    _shown: tuple[tuple[str, str, str, bool, str], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for _, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show
        )
        if shown == self._shown:
            return
        super().bindings_changed(screen)
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # rebuilt for these keys

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and "-command-palette" not in widget.classes:
                # the value the footer binds it to, before mounting, so the key's style
                # is worked out once (not from its own default, then again when bound)
                widget.set_reactive(FooterKey.compact, self.compact)
                if widget.action in COMPACT_ONLY:
                    widget.add_class(NARROW_ONLY)
                elif widget.action not in COMPACT_FOOTER:
                    widget.add_class(WIDE_ONLY)
            yield widget
