"""Pick a CSV file: browse a folder tree or type a path. The app tries the file and,
if it cannot be used, its one-line reason shows here and nothing else changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.widgets import DirectoryTree, Input, Label

from tui_backprop.ui.screens.dialog import FormDialog

Opener = Callable[[str], str | None]  # a path -> None when it opened, else why not


class CsvTree(DirectoryTree):
    """Folders and CSV files only; hidden entries left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in (".csv", ".txt"))
        ]


class OpenCsvScreen(FormDialog):
    ID_PREFIX = "open"
    OK_LABEL = "Open"

    def __init__(self, folder: Path, opener: Opener) -> None:
        super().__init__()
        self._folder = folder
        self._opener = opener

    def compose_fields(self) -> ComposeResult:
        yield Label(
            "Open a CSV file: features in columns, the label in the last one", id="open-title"
        )
        yield CsvTree(self._folder, id="open-tree")
        yield Input(placeholder="path/to/file.csv", id="open-path")

    def on_mount(self) -> None:
        self.query_one("#open-path", Input).focus()

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#open-path", Input).value = str(event.path)
        self.submit()

    def submit(self) -> None:
        path = self.query_one("#open-path", Input).value.strip()
        self.try_apply(lambda: self._opener(path) if path else "type a path or pick a file")
