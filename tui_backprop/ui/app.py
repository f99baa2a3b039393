"""The app: the main screen on one experiment, the help and the command palette.

The run and its rules live in the session (``ui.session``), which ``MainScreen`` shows
and drives; the app holds what is shared by every screen: the style sheet, the size
breakpoints, help and quit.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import ClassVar

from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import BindingType
from textual.dom import DOMNode
from textual.notifications import Notification, Notify, SeverityLevel
from textual.screen import Screen
from textual.widget import Widget

from tui_backprop.data.text import printable, printable_lines
from tui_backprop.experiment import Experiment
from tui_backprop.freed_memory import return_freed_arrays
from tui_backprop.lesson import Lesson
from tui_backprop.served_tab import LOCAL, TabPolicy, tab_policy
from tui_backprop.ui.commands import Palette, TrainingCommands, shown_system_commands
from tui_backprop.ui.key_bindings import app_bindings
from tui_backprop.ui.main_screen import MainScreen
from tui_backprop.ui.panes_screen import SMALLEST, WIDE
from tui_backprop.ui.screens.help_dialog import show_help
from tui_backprop.ui.session.runner import STEP_THREAD

SWITCH_INTERVAL = 0.001  # seconds a thread may hold the GIL while another waits
LEAST_TOAST = 0.05  # seconds a notice's toast is shown at least
NOTICE_LIMIT = 2000  # characters of a notice line: paths, lists of files
QUIT_PATIENCE = 2.0  # seconds a quit waits at most for a screen still being built
QUITS = ("quit", "app.quit")  # the actions ctrl+c points to


class Notice(Notification):
    """A notification whose time left is never below ``LEAST_TOAST``. Textual checks
    that a notification has not expired, then, a moment later, sets its toast's timer
    to the time left: in a burst of notices that can come out negative by microseconds,
    and a Textual timer with a negative interval spins for ever (the app froze, its
    keys unanswered). Whether it has expired still goes by the true time."""

    @property
    def time_left(self) -> float:
        return max(LEAST_TOAST, self.true_time_left)

    @property
    def true_time_left(self) -> float:
        return super().time_left

    @property
    def has_expired(self) -> bool:
        return self.true_time_left <= 0


NOTHING_TO_WAIT_FOR: Callable[[], AwaitComplete] = AwaitComplete.nothing  # typed for mypy


class BackpropApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "backprop-tui"
    BINDINGS: ClassVar[list[BindingType]] = app_bindings()
    COMMANDS = App.COMMANDS | {TrainingCommands}
    # Textual's annotation makes a ClassVar here an error for mypy
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-too-short"),
        (SMALLEST[1], "-tiny"),
        (20, "-short"),
        (32, "-tall"),
    ]
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-too-narrow"),
        (SMALLEST[0], "-compact"),
        (100, "-narrow"),
        (WIDE, "-wide"),
    ]

    def __init__(
        self,
        experiment: Experiment,
        lesson: Lesson | None = None,
        tab: TabPolicy = LOCAL,
        check: Path | None = None,
    ) -> None:
        super().__init__()
        self.main = MainScreen(experiment, lesson, tab, check)  # check: --check's file

    @property
    def hidden_commands(self) -> frozenset[str]:
        """Commands the lesson or a served tab hides: absent from the footer, help and
        palette."""
        return self.main.session.hidden_commands

    @property
    def notices(self) -> list[Notification]:
        """The notices the app has up now, oldest first. Textual keeps them in
        ``App._notifications`` and offers no public way to read them."""
        return list(self._notifications)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own palette entries, but those of a command the lesson hides."""
        return shown_system_commands(super().get_system_commands(screen), self.hidden_commands)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        # Keys and the palette all come here: a command the lesson locks says so instead.
        refused = self.main.refusal(action) if isinstance(action, str) else None
        if refused is not None and refused.offered:
            self.notify(refused.words, severity="warning", timeout=3)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """``App.notify``, with a ``Notice`` (see there) instead of a plain notification.

        Notices are never read as markup, whatever ``markup`` says (widgets pass True by
        default), and lose any control or bidi character: many quote names or messages
        from outside (files, labels, errors), and none needs styling."""
        timeout = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        message, title = printable_lines(message, NOTICE_LIMIT), printable(title, NOTICE_LIMIT)
        self.post_message(Notify(Notice(message, title, severity, timeout, markup=False)))

    def action_help_quit(self) -> None:
        """ctrl+c: how to quit. Textual's own says it in markup, which notices never
        read (the learner saw "Press [b]ctrl+q[/b]")."""
        keys = [
            key for key, active in self.active_bindings.items() if active.binding.action in QUITS
        ]
        if keys:
            self.notify(f"Press {keys[0]} to quit the app.", title="Do you want to quit?")

    def get_default_screen(self) -> MainScreen:
        return self.main

    def pop_screen(self) -> AwaitComplete:
        # A close typed twice faster than a frame (the help's escape, say) finds only the
        # main screen left: nothing to close, where Textual would raise ScreenStackError.
        if len(self.screen_stack) <= 1:
            return NOTHING_TO_WAIT_FOR()
        # A dialog closed before it is built (d, escape faster than a frame) would meet
        # its widgets removed in its own on_mount: it closes once built instead.
        if not self.screen.is_mounted:
            self.call_after_refresh(self._pop_once_built, self.screen)
            return NOTHING_TO_WAIT_FOR()
        return super().pop_screen()

    def _pop_once_built(self, screen: Screen[object]) -> None:
        if self.screen is screen:  # not closed meanwhile, nor covered by another
            self.pop_screen()

    def action_help(self) -> None:
        show_help(self, self.hidden_commands)

    async def action_quit(self) -> None:
        """Quit once the screens on the stack are built. A screen still being built as
        the app closes (S, then ctrl+q, typed at once) meets its widgets removed under
        it, and Textual ends such an app on that error: status 1 and a traceback
        instead of a quit. The wait is a few frames at most (``QUIT_PATIENCE``)."""
        deadline = time.monotonic() + QUIT_PATIENCE
        while not self._screens_built() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        self.exit()

    def _screens_built(self) -> bool:
        return all(
            widget.is_mounted
            for screen in self.screen_stack
            for widget in screen.walk_children(Widget, with_self=True)
        )

    def action_command_palette(self) -> None:
        # No id, unlike Textual's own: ctrl+p typed again while the last palette is still
        # being removed (enter, then ctrl+p at once) would give the new one the old one's
        # id, and Textual ends the app on a duplicate id.
        if not any(isinstance(screen, Palette) for screen in self.screen_stack):
            self.push_screen(Palette())


def run_app(
    experiment: Experiment, lesson: Lesson | None = None, check_file: str | None = None
) -> int:
    """Run the app; its exit status (1 when it ended on an error, which it has printed).
    ``check_file``: the student's file ``--check`` named, checked on every step shown."""
    # A slow step trains in a thread beside the screen: each time the step's NumPy call
    # returns it waits for the screen to let go of the GIL, by default up to 5 ms (an
    # epoch of 115 ms took 300-500 ms while the screen was busy; 1 ms keeps it at 115).
    sys.setswitchinterval(SWITCH_INTERVAL)
    return_freed_arrays()
    check = None if check_file is None else Path(check_file)
    app = BackpropApp(experiment, lesson, tab_policy(), check)  # read once, here
    app.run()
    code = app.return_code or 0
    if any(t.name == STEP_THREAD and t.is_alive() for t in threading.enumerate()):
        # A step still trains in its thread (quit mid-step): leave now. Python's own
        # exit would wait for it, and NumPy still running as the interpreter shuts
        # down can crash it; nothing of an unfinished step is kept anyway.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
