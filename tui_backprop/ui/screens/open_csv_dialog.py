"""Pick a CSV file: browse a folder tree or type a path. The app tries the file and,
if it cannot be used, its one-line reason shows here and nothing else changes.

A file of ``BACKGROUND_BYTES`` or more is read in a worker thread: a progress bar shows
how far the read got, the dialog keeps answering keys, and escape stops the read and
closes the dialog with nothing changed. Smaller files open at once, as the key returns."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from rich.text import Text, TextType
from textual import on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.message import Message
from textual.widgets import DirectoryTree, Input, Label, ProgressBar
from textual.worker import Worker, WorkerState

from tui_backprop.data import Progress
from tui_backprop.data.text import PATH_LIMIT, printable
from tui_backprop.ui.screens.dialog import FormDialog

BACKGROUND_BYTES = 1_000_000  # smaller files read in a few milliseconds

Opener = Callable[[str], str | None]  # a path -> None when it opened, else why not
Opened = Callable[[], str | None]  # finishes a read on the UI thread, as an Opener answers
Loader = Callable[[str, Progress], Opened]  # runs in a worker thread


class Cancelled(Exception):
    """Raised into a read that escape has stopped; the dialog swallows it."""


class CsvTree(DirectoryTree):
    """Folders and CSV files only; hidden entries left out. A name is shown as
    ``printable`` makes it: a file named with an escape sequence must not retitle or
    clear the terminal."""

    def process_label(self, label: TextType) -> Text:
        shown = printable(label if isinstance(label, str) else label.plain, PATH_LIMIT)
        return super().process_label(shown)

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in (".csv", ".txt"))
        ]


class OpenCsvDialog(FormDialog):
    ID_PREFIX = "open"
    OK_LABEL = "Open"

    class Read(Message):
        """How far the worker's read got."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    def __init__(self, folder: Path, opener: Opener, loader: Loader | None = None) -> None:
        super().__init__()
        self._folder = folder
        self._opener = opener
        self._loader = loader
        self._stop = threading.Event()
        self._loading: Worker[Opened] | None = None  # a file being read (see ``reading``)

    @property
    def reading(self) -> bool:
        """A file is being read in a worker (one at a time; escape stops it)."""
        return self._loading is not None

    def compose_fields(self) -> ComposeResult:
        yield Label(
            "Open a CSV file: features in columns, the label in the last one", id="open-title"
        )
        yield CsvTree(self._folder, id="open-tree")
        yield Input(placeholder="path/to/file.csv", id="open-path")
        bar = ProgressBar(show_eta=False, id="open-progress")
        bar.display = False  # shown only while a file is read
        yield bar

    def on_mount(self) -> None:
        self.query_one("#open-path", Input).focus()

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        # The box shows the name as the tree does; the file opened is the one picked.
        self.query_one("#open-path", Input).value = printable(str(event.path), PATH_LIMIT)
        self._open(str(event.path))

    def submit(self) -> None:
        self._open(self.query_one("#open-path", Input).value.strip())

    def _open(self, path: str) -> None:
        if self._loading is not None:
            return  # one read at a time; escape stops it
        if path and self._loader is not None and _size(path) >= BACKGROUND_BYTES:
            self._start(self._loader, path)
            return
        self.try_apply(lambda: self._opener(path) if path else "type a path or pick a file")

    def _start(self, loader: Loader, path: str) -> None:
        self.show_error("")
        bar = self.query_one("#open-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._loading = self.run_worker(
            lambda: loader(path, self._report), thread=True, exit_on_error=False
        )

    def _report(self, done: int, total: int) -> None:
        """In the worker: pass on how far the read got, or stop it if escape was pressed."""
        if self._stop.is_set():
            raise Cancelled
        self.post_message(self.Read(done, total))

    def on_open_csv_dialog_read(self, message: Read) -> None:
        self.query_one("#open-progress", ProgressBar).update(
            total=message.total, progress=message.done
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker is not self._loading or event.state not in _FINISHED:
            return
        self._loading = None
        self.query_one("#open-progress", ProgressBar).display = False
        if event.state == WorkerState.SUCCESS and worker.result is not None:
            self.try_apply(worker.result)
        elif event.state == WorkerState.ERROR and not isinstance(worker.error, Cancelled):
            self.show_error(f"could not open the file: {worker.error}")

    def dismiss(self, result: bool | None = None) -> AwaitComplete:
        self._stop.set()  # a read still going stops at its next report; its result is dropped
        return super().dismiss(result)


_FINISHED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # the opener names the problem
