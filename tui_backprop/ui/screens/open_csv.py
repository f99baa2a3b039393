"""Pick a CSV file: browse a folder tree or type a path. The app tries the file and,
if it cannot be used, its one-line reason shows here and nothing else changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Label

Opener = Callable[[str], str | None]  # a path -> None when it opened, else why not


class CsvTree(DirectoryTree):
    """Folders and CSV files only; hidden entries left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in (".csv", ".txt"))
        ]


class OpenCsvScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, folder: Path, opener: Opener) -> None:
        super().__init__()
        self._folder = folder
        self._opener = opener

    def compose(self) -> ComposeResult:
        with Vertical(id="open-dialog"):
            yield Label(
                "Open a CSV file: features in columns, the label in the last one", id="open-title"
            )
            yield CsvTree(self._folder, id="open-tree")
            yield Input(placeholder="path/to/file.csv", id="open-path")
            yield Label("", id="open-error")
            with Horizontal(id="open-buttons"):
                yield Button("Open", variant="primary", id="open-ok")
                yield Button("Cancel", id="open-cancel")

    def on_mount(self) -> None:
        self.query_one("#open-path", Input).focus()

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#open-path", Input).value = str(event.path)
        self._try(str(event.path))

    @on(Input.Submitted, "#open-path")
    def _typed(self, event: Input.Submitted) -> None:
        self._try(event.value)

    @on(Button.Pressed, "#open-ok")
    def _ok(self) -> None:
        self._try(self.query_one("#open-path", Input).value)

    @on(Button.Pressed, "#open-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    def _try(self, path: str) -> None:
        path = path.strip()
        error = "type a path or pick a file" if not path else self._opener(path)
        if error is None:
            self.dismiss(True)
        else:
            self.query_one("#open-error", Label).update(Content(error))  # not markup
