"""The dataset menu: a built-in dataset (with its size and noise) or a CSV file. The app
tries the choice; if it cannot be used, the reason shows here and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from tui_backprop.data import BUILTIN_NAMES
from tui_backprop.ui.model.dataset_menu import DESCRIPTIONS, parse_noise, parse_size

CSV = "csv"
Chooser = Callable[[str, int, float], str | None]  # None when it switched, else why not


class DatasetScreen(ModalScreen[bool]):
    """Dismissed with True once a built-in is in use; "Open CSV…" hands over to the
    open-CSV screen through ``open_csv``."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        current: str,
        points: int,
        noise: float,
        chooser: Chooser,
        open_csv: Callable[[], None],
    ) -> None:
        super().__init__()
        self._current = current
        self._defaults = (points, noise)
        self._chooser = chooser
        self._open_csv = open_csv

    def compose(self) -> ComposeResult:
        options = [
            Option(Content.assemble((f"{name:<10}", "bold"), DESCRIPTIONS[name]), id=name)
            for name in BUILTIN_NAMES
        ]
        options.append(
            Option(
                Content.assemble((f"{'Open CSV…':<10}", "bold"), "a file of your own (o)"), id=CSV
            )
        )
        with Vertical(id="data-dialog") as dialog:
            dialog.border_title = "Dataset"
            dialog.border_subtitle = "enter: use · esc: cancel"
            yield OptionList(*options, id="data-list")
            with Horizontal(id="data-knobs"):
                yield Label("points", classes="data-label")
                yield Input(str(self._defaults[0]), id="data-points", compact=True)
                yield Label("noise", classes="data-label")
                yield Input(f"{self._defaults[1]:g}", id="data-noise", compact=True)
            yield Label("", id="data-error")
            with Horizontal(id="data-buttons"):
                yield Button("Use", variant="primary", id="data-ok")
                yield Button("Cancel", id="data-cancel")

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.highlighted = (
            listing.get_option_index(self._current) if (self._current in BUILTIN_NAMES) else 0
        )
        listing.focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        fixed = event.option.id in ("seed", CSV)  # seed ignores size and noise
        for knob in self.query(Input):
            knob.disabled = fixed

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._try(event.option.id or "")

    @on(Input.Submitted)
    @on(Button.Pressed, "#data-ok")
    def _ok(self) -> None:
        listing = self.query_one(OptionList)
        if listing.highlighted is not None:
            self._try(listing.get_option_at_index(listing.highlighted).id or "")

    @on(Button.Pressed, "#data-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    def _try(self, name: str) -> None:
        if name == CSV:
            self.dismiss(False)
            self._open_csv()
            return
        try:
            points, noise = self._knobs(name)
        except ValueError as err:
            error: str | None = str(err)
        else:
            error = self._chooser(name, points, noise)
        if error is None:
            self.dismiss(True)
        else:
            self.query_one("#data-error", Label).update(Content(error))  # not markup

    def _knobs(self, name: str) -> tuple[int, float]:
        if name == "seed":
            return self._defaults
        return (
            parse_size(self.query_one("#data-points", Input).value),
            parse_noise(self.query_one("#data-noise", Input).value),
        )
