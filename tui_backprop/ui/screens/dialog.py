"""The frame every dialog shares, and the form dialog built on it.

``Dialog`` centres one bordered frame (the container with the class ``dialog``) over
the dimmed main screen. ``FormDialog`` fills that frame with a subclass's fields, an
error line and an OK/Cancel row, and keeps the one rule every form here follows: the
app's callback answers None once it has used the choice, and the dialog closes; or a
one-line reason, which shows in the error line while the dialog stays open and
nothing else changes. What every frame shares is styled here; each dialog's own
size and fields are in app.tcss, with the rest of the layout (a test keeps it so).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label
from textual.widgets.button import ButtonVariant

from tui_backprop.data.text import printable_lines

ResultT = TypeVar("ResultT")
Attempt = Callable[[], str | None]  # None when it worked, else why not
_DONE: Callable[[], AwaitComplete] = AwaitComplete.nothing  # a close with nothing to wait for
ERROR_LIMIT = 2000  # characters of an error line: long enough for real paths


class ClosesOnce(Screen[ResultT]):
    """A screen that closes once. Keys typed faster than a frame (enter twice) reach it
    again after it has asked to close, and a second close would pop the screen below."""

    _dismissed = False

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        if self._dismissed or not self.is_active:
            return _DONE()
        self._dismissed = True
        return super().dismiss(result)


class Dialog(ModalScreen[ResultT], ClosesOnce[ResultT]):
    """A modal screen with one bordered frame in the middle."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    .dialog {
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    """


class FormDialog(Dialog[bool]):
    """A form: fields, an error line and OK/Cancel; dismissed with True once applied.

    Subclasses name their widgets' id prefix, fill ``compose_fields`` and say in
    ``submit`` what OK (or enter in a text field) does, usually through ``try_apply``.
    """

    DEFAULT_CSS = """
    .dialog-error {
        color: $error;
        text-style: bold;
        width: 100%;  /* a long reason wraps: cut, it lost its end */
        height: auto;
    }
    .dialog-buttons {
        height: auto;
        align-horizontal: right;
    }
    .dialog-buttons Button {
        margin-left: 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    ID_PREFIX: ClassVar[str]  # the frame is #<prefix>-dialog, the error line #<prefix>-error
    FRAME_TITLE: ClassVar[str | None] = None
    FRAME_SUBTITLE: ClassVar[str | None] = None
    OK_LABEL: ClassVar[str] = "OK"
    COMPACT_BUTTONS: ClassVar[bool] = False

    def compose(self) -> ComposeResult:
        with Vertical(id=self.part_id("dialog"), classes="dialog") as frame:
            frame.border_title = self.FRAME_TITLE
            frame.border_subtitle = self.FRAME_SUBTITLE
            yield from self.compose_fields()
            yield Label("", id=self.part_id("error"), classes="dialog-error")
            with Horizontal(id=self.part_id("buttons"), classes="dialog-buttons"):
                yield self._button(self.OK_LABEL, "ok", variant="primary")
                yield self._button("Cancel", "cancel")

    def _button(self, label: str, part: str, variant: ButtonVariant = "default") -> Button:
        return Button(
            label,
            variant=variant,
            id=self.part_id(part),
            classes=f"dialog-{part}",
            compact=self.COMPACT_BUTTONS,
        )

    def part_id(self, part: str) -> str:
        """The id of one part of this dialog: ``open-error`` for the open dialog's error."""
        return f"{self.ID_PREFIX}-{part}"

    def compose_fields(self) -> ComposeResult:
        """The widgets above the error line."""
        raise NotImplementedError

    def submit(self) -> None:
        """What OK, or enter in a text field, does."""
        raise NotImplementedError

    def try_apply(self, attempt: Attempt) -> None:
        """Close once ``attempt`` works; else show why not and stay open."""
        if self._dismissed:  # applied already: a second enter must not apply it again
            return
        error = attempt()
        if error is None:
            self.dismiss(True)
        else:
            self.show_error(error)

    def show_error(self, error: str) -> None:
        """One line in the error colour; an empty one clears it."""
        # An error may quote what was typed or a file's name: not markup, no escapes.
        shown = Content(printable_lines(error, ERROR_LIMIT))
        self.query_one(f"#{self.part_id('error')}", Label).update(shown)

    @on(Input.Submitted)
    @on(Button.Pressed, ".dialog-ok")
    def _submitted(self) -> None:
        self.submit()

    @on(Button.Pressed, ".dialog-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
