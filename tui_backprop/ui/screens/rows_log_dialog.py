"""Rows and log (the ``t`` key): the epoch on screen as the reference exercise prints
it, every row with its prediction, loss and δ, and the per-epoch log lines.

The view follows the main screen: it redraws from each view the main screen publishes
(looking back included), at most ``PLAYING_EVERY`` seconds apart while a run plays.
The look-back and training keys work here as on the main screen.

The table (or the log) has the focus from the start, so the arrow keys scroll it at
once: ↑ ↓ through the rows, ← → sideways to the columns a narrow screen hides (the
loss and δ sit right of the features). ``tab`` switches between rows and log.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import ClassVar, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.dom import DOMNode
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from tui_backprop.ui.command_table import COMMANDS, key_hint
from tui_backprop.ui.model.row_table import RowTable, Source, row_table
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.panes.epoch_log_pane import EpochLog
from tui_backprop.ui.render.pixel_picture import as_text, ink
from tui_backprop.ui.screens.dialog import Dialog
from tui_backprop.ui.session.run_session import Session

PLAYING_EVERY = 0.5  # seconds between redraws while a run plays
TRAIN_KEYS = (("step", "space"), ("toggle_run", "p"))
FORWARDED = ("step", "toggle_run", "history", "history_jump", "history_edge")


def _forwarded() -> list[BindingType]:
    """The main screen's training and look-back keys, answered here on its behalf."""
    return [
        Binding(c.keys, f"main({c.action!r})", c.label, show=False, priority=True)
        for c in COMMANDS
        if c.base in FORWARDED
    ]


class RowsTable(DataTable[str | Text]):
    """The rows' table: ← → scroll sideways a whole column at a time, the row's number
    (the first column) staying in place."""

    def _offsets(self) -> list[int]:
        """The sideways scroll that puts each column after the first right after it."""
        widths = [column.get_render_width(self) for column in self.ordered_columns]
        starts = [sum(widths[:k]) for k in range(1, len(widths))]
        return [start - widths[0] for start in starts]

    def action_cursor_right(self) -> None:
        later = [x for x in self._offsets() if x > self.scroll_x]
        self.scroll_to(x=min(later[0] if later else self.max_scroll_x, self.max_scroll_x))

    def action_cursor_left(self) -> None:
        earlier = [x for x in self._offsets() if x < self.scroll_x]
        self.scroll_to(x=earlier[-1] if earlier else 0)


class ShownRun(Protocol):
    """What this view follows of the screen below it (the main screen): the view it
    publishes, whether the run plays, and its keys, done through its key gate."""

    @property
    def view(self) -> TrainingView | None: ...

    @property
    def running(self) -> bool: ...

    def forward_key(self, action: str) -> Awaitable[None]: ...


class RowsLogDialog(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,t", "app.pop_screen", "Close"),
        Binding("tab,shift+tab", "switch_tab", "Rows or log", priority=True),
        *_forwarded(),
    ]

    def __init__(self, session: Session, main: ShownRun) -> None:
        super().__init__()
        self.session, self.main = session, main
        split = session.experiment.split
        self.source = Source(
            session.trainer,
            session.experiment.dataset.class_names,
            (split.train_rows, split.test_rows),
            split.standardized,
        )
        self.shown: TrainingView | None = None
        self.latest: TrainingView | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="rows-body", classes="dialog") as body:
            body.border_title = "Rows and log"
            with TabbedContent():
                with TabPane("Rows", id="rows-tab"):
                    yield Static(classes="rows-title", id="rows-title")
                    yield Static(classes="rows-note", id="rows-notes")
                    yield RowsTable(
                        cursor_type="none", zebra_stripes=True, fixed_columns=1, id="rows-table"
                    )
                with TabPane("Log", id="log-tab"):
                    yield Static(classes="rows-title", id="log-title")
                    yield EpochLog(id="log")

    def on_resize(self) -> None:
        body = self.query_one("#rows-body")
        body.border_subtitle = keys_hint(self.session.hidden_commands, body.size.width - 4)

    def action_switch_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = "log-tab" if tabs.active == "rows-tab" else "rows-tab"

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """The shown tab's table or log takes the keys: arrows scroll it at once."""
        target = "#rows-table" if event.pane.id == "rows-tab" else "#log"
        for widget in self.query(target):
            widget.focus()
        event.stop()

    def on_mount(self) -> None:
        if isinstance(self.main, DOMNode):  # its ``view`` is a reactive
            self.watch(self.main, "view", self.arrived, init=False)
        self.call_after_refresh(self.arrived, self.main.view)  # once the tabs are built
        self.set_interval(PLAYING_EVERY, self._catch_up)

    def arrived(self, view: TrainingView | None) -> None:
        """A view published: shown at once while paused, else at the next catch-up."""
        self.latest = view
        if not self.main.running:
            self._catch_up()

    def _catch_up(self) -> None:
        view = self.latest
        if view is None or view is self.shown:
            return
        if not (self.query("#rows-table") and self.query("#log")):
            # The tabs build their panes after the screen mounts, later on a busy
            # machine: the next catch-up fills them once they are there.
            return
        first = self.shown is None
        self.shown = view
        self._show_rows(view, row_table(view, self.source))
        self._show_log(view)
        if first:  # the arrow keys scroll the table from the start, no tab needed
            self.query_one("#rows-table", DataTable).focus()

    def _show_rows(self, view: TrainingView, table: RowTable) -> None:
        widget: DataTable[str | Text] = self.query_one("#rows-table", DataTable)
        widget.clear(columns=True)
        widget.add_columns(*(Text(title, justify="right") for title in table.columns))
        first_test = len(table.rows) - table.tests
        pictures = row_pictures(view, table)
        for i, row in enumerate(table.rows):
            style = "italic" if i >= first_test else ""
            cells: list[str | Text] = [Text(cell, style, justify="right") for cell in row]
            if pictures:
                cells[1] = pictures[i]
            widget.add_row(*cells, height=max(1, len(pictures[i].split()) if pictures else 1))
        # Titles and notes name features and classes from the data: never markup.
        self.query_one("#rows-title", Static).update(Content(table.title + self._when(view)))
        notes = " ".join(table.notes)
        if table.tests:
            notes = f"Test rows (italic) never train, so they have no δ. {notes}"
        self.query_one("#rows-notes", Static).update(Content(notes))

    def _show_log(self, view: TrainingView) -> None:
        count = min(view.epoch, len(view.history))
        self.query_one(EpochLog).show(view.history, count)
        title = (
            f"Epochs 0 to {count - 1}, one line each as a headless run prints them"
            if count
            else "No epoch trained yet: space trains epoch 0"
        )
        self.query_one("#log-title", Static).update(Content(title + self._when(view)))

    def _when(self, view: TrainingView) -> str:
        if view.present is not None:
            return f" · looking back: the run has {view.present} epochs"
        if self.main.running:
            return f" · refreshed every {PLAYING_EVERY:g} s while the run plays"
        return ""

    async def action_main(self, action: str) -> None:
        """Do a key of the main screen's, through the same gate as its own keys: a locked
        one says why; a hidden one, or one that waits for an epoch training, does nothing."""
        await self.main.forward_key(action)


def row_pictures(view: TrainingView, table: RowTable) -> list[Text]:
    """Each row's picture (image data), in the column after the row's number."""
    shape = view.network.image
    if shape is None or not table.pixels:
        return []
    return [Text("\n").join(as_text(ink(row, shape).lines())) for row in table.pixels]


def keys_hint(hidden: frozenset[str], room: int = 1000) -> str:
    """The keys of this view, without those of the commands the lesson hides, in words
    that fit ``room`` cells if the long ones do not."""
    train = ", ".join(key for name, key in TRAIN_KEYS if name not in hidden)
    trains = ("", f"{train} train") if train else ("step", "")  # both hidden: no part
    long = key_hint(
        (
            ("", "tab rows or log"),
            ("", "← → ↑ ↓ scroll"),
            ("history", "[ ] look back"),
            trains,
            ("", "esc or t close"),
        ),
        hidden,
    )
    short = key_hint(
        (
            ("", "tab rows/log"),
            ("", "←→↑↓ scroll"),
            ("history", "[ ] back"),
            trains,
            ("", "esc close"),
        ),
        hidden,
    )
    return long if len(long) <= room else short
