"""The app's actions in the command palette (ctrl+p)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider

from tui_backprop.ui.command_table import APP_ACTIONS, Command, shown_commands
from tui_backprop.ui.screens.dialog import ClosesOnce


class TrainingCommands(Provider):
    """Every command of the table; the main screen's run on the screen the palette was
    opened over, so over a dialog they do nothing, as their keys do."""

    def _runner(self, c: Command) -> Callable[[], Awaitable[bool]]:
        target = self.app if c.action in APP_ACTIONS else self.screen
        return partial(self.app.run_action, c.action, target)

    def _commands(self) -> tuple[Command, ...]:
        """The table's commands but those the lesson hides."""
        return shown_commands(getattr(self.app, "hidden_commands", frozenset()))

    async def discover(self) -> Hits:
        for c in self._commands():
            yield DiscoveryHit(f"{c.label} ({c.shown})", self._runner(c), help=c.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for c in self._commands():
            title = f"{c.label} ({c.shown})"
            score = max(matcher.match(title), matcher.match(c.help) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    self._runner(c),
                    help=c.help,
                )


class Palette(CommandPalette, ClosesOnce[None]):
    """Textual's command palette, closed once however fast enter is typed."""
