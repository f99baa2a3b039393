"""The command table's commands as Textual bindings: the app's and the main screen's."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from tui_backprop.ui.command_table import APP_ACTIONS, COMMANDS, Command


def binding_of(c: Command, action: str | None = None, priority: bool = False) -> Binding:
    """``c``'s keys bound to its action (or to ``action``, which does it elsewhere)."""
    return Binding(
        c.keys,
        c.action if action is None else action,
        c.label,
        show=c.footer,
        key_display=c.shown,
        tooltip=c.help,
        priority=priority,
    )


def app_bindings() -> list[BindingType]:
    return [binding_of(c) for c in COMMANDS if c.action in APP_ACTIONS]


def screen_bindings() -> list[BindingType]:
    """The main screen's keys: a dialog over it holds them off, since each changes the run.
    Help is here too (the app answers it over dialogs), so the footer keeps the table's order."""
    return [binding_of(c) for c in COMMANDS if c.action != "quit"]
