"""The dataset menu: a built-in dataset (with its size and noise) or a CSV file. The app
tries the choice; if it cannot be used, the reason shows here and nothing changes.

A served tab has no "Open CSV…": it lists the CSV files of the server's data folder by
name instead (``--data-dir``, see ``served_tab``), which open as the key returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui_backprop.data import BUILTIN_NAMES
from tui_backprop.settings import read_non_negative, read_points
from tui_backprop.ui.model.dataset_menu import (
    DESCRIPTIONS,
    REGRESSION,
)
from tui_backprop.ui.screens.dialog import FormDialog

CSV = "csv"
FILE = "file:"  # before a data folder file's name in its option's id
T = TypeVar("T")
Chooser = Callable[[str, int, float], str | None]  # None when it switched, else why not
FileChooser = Callable[[str], str | None]  # a data folder file's name, answered as above


class DatasetDialog(FormDialog):
    """Dismissed with True once a built-in is in use; "Open CSV…" hands over to the
    open-CSV screen through ``open_csv`` (left out when None). ``files`` are offered
    by name and tried with ``open_file``."""

    ID_PREFIX = "data"
    FRAME_TITLE = "Dataset"
    FRAME_SUBTITLE = "enter: use · esc: cancel"
    OK_LABEL = "Use"

    def __init__(
        self,
        current: str,
        points: int,
        noise: float,
        chooser: Chooser,
        open_csv: Callable[[], None] | None,
        files: tuple[str, ...] = (),
        open_file: FileChooser | None = None,
    ) -> None:
        super().__init__()
        self._current = current
        self._defaults = (points, noise)
        self._chooser = chooser
        self._open_csv = open_csv
        self._files = files
        self._open_file = open_file

    def compose_fields(self) -> ComposeResult:
        options = []
        for name in BUILTIN_NAMES:
            if name == REGRESSION[0]:
                options.append(Option(Content.styled("regression", "italic"), disabled=True))
            row = Content.assemble((f"{name:<10}", "bold"), DESCRIPTIONS[name])
            options.append(Option(row, id=name))
        if self._files:
            options.append(Option(Content.styled("data folder", "italic"), disabled=True))
        options += [Option(Content.styled(name, "bold"), id=FILE + name) for name in self._files]
        if self._open_csv is not None:
            row = Content.assemble((f"{'Open CSV…':<10}", "bold"), "a file of your own (o)")
            options.append(Option(row, id=CSV))
        yield OptionList(*options, id="data-list")
        with Horizontal(id="data-knobs"):
            yield Label("points", classes="data-label")
            yield Input(str(self._defaults[0]), id="data-points", compact=True)
            yield Label("noise", classes="data-label")
            yield Input(f"{self._defaults[1]:g}", id="data-noise", compact=True)

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.highlighted = (
            listing.get_option_index(self._current) if (self._current in BUILTIN_NAMES) else 0
        )
        listing.focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        ident = event.option.id or ""
        fixed = ident in ("seed", CSV) or ident.startswith(FILE)  # seed: size, noise fixed
        for knob in self.query(Input):
            knob.disabled = fixed

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._try(event.option.id or "")

    def submit(self) -> None:
        listing = self.query_one(OptionList)
        if listing.highlighted is not None:
            self._try(listing.get_option_at_index(listing.highlighted).id or "")

    def _try(self, name: str) -> None:
        if name == CSV and self._open_csv is not None:
            self.dismiss(False)
            self._open_csv()
        elif name.startswith(FILE) and self._open_file is not None:
            opener, file = self._open_file, name.removeprefix(FILE)
            self.try_apply(lambda: opener(file))
        else:
            self.try_apply(lambda: self._choose(name))

    def _choose(self, name: str) -> str | None:
        try:
            points, noise = self._knobs(name)
        except ValueError as err:
            return str(err)
        return self._chooser(name, points, noise)

    def _knobs(self, name: str) -> tuple[int, float]:
        if name == "seed":
            return self._defaults
        return (
            labelled("points", read_points, self.query_one("#data-points", Input).value),
            labelled("noise", read_non_negative, self.query_one("#data-noise", Input).value),
        )


def labelled(what: str, read: Callable[[str], T], text: str) -> T:
    """``read(text)``, its ValueError naming the box it came from."""
    try:
        return read(text)
    except ValueError as err:
        raise ValueError(f"{what}: {err}") from None
