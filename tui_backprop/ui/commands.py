"""The app's actions in the command palette (ctrl+p)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from functools import partial

from textual.app import SystemCommand
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider

from tui_backprop.ui.command_table import APP_ACTIONS, Command, shown_commands
from tui_backprop.ui.screens.dialog import ClosesOnce

# Textual's own palette entries (``App.get_system_commands``, by title) that do what a
# command of the table does, so a lesson hiding that command hides them too: Screenshot
# writes the screen as SVG like ``e``; Maximize and Minimize are ``z``. Theme, Keys and
# Quit stand for no command a lesson may hide (help and quit never are), so they stay.
SYSTEM_COMMANDS = {"Screenshot": "export", "Maximize": "zoom", "Minimize": "zoom"}


def shown_system_commands(
    commands: Iterable[SystemCommand], hidden: frozenset[str]
) -> Iterator[SystemCommand]:
    """Textual's ``commands`` but those standing for a command named in ``hidden``."""
    return (c for c in commands if SYSTEM_COMMANDS.get(c.title) not in hidden)


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
