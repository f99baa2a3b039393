"""The app's actions in the command palette (ctrl+p)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui_backprop.ui.command_table import COMMANDS


class TrainingCommands(Provider):
    async def discover(self) -> Hits:
        for c in COMMANDS:
            yield DiscoveryHit(
                f"{c.label} ({c.shown})", partial(self.app.run_action, c.action), help=c.help
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for c in COMMANDS:
            title = f"{c.label} ({c.shown})"
            score = max(matcher.match(title), matcher.match(c.help) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.app.run_action, c.action),
                    help=c.help,
                )
