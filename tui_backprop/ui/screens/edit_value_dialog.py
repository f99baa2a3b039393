"""Type a value for the weight or bias selected in the weights pane."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Label

from tui_backprop.ui.screens.dialog import FormDialog

Setter = Callable[[str], str | None]  # the text typed -> None once set, else why not


class EditValueDialog(FormDialog):
    ID_PREFIX = "edit"
    FRAME_TITLE = "Set a weight by hand"
    OK_LABEL = "Set"

    def __init__(self, name: str, current: float, setter: Setter) -> None:
        super().__init__()
        self._name, self._current, self._setter = name, current, setter

    def compose_fields(self) -> ComposeResult:
        # the weight's name holds the data's feature names: not markup
        yield Label(Content(f"{self._name} is {self._current:.6g}; the next epoch starts from:"))
        yield Input(f"{self._current:.6g}", id=self.part_id("value"), select_on_focus=True)

    def submit(self) -> None:
        text = self.query_one(f"#{self.part_id('value')}", Input).value
        self.try_apply(lambda: self._setter(text))
