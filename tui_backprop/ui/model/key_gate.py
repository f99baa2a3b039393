"""Whether an action may run now, and if not, why: the one answer for the main screen's
keys and footer (``check_action``), the app's lesson locks, the keys the rows view does
on the main screen's behalf, and the changes made by hand in the panes.

The rules, first that holds wins:

1. a command the lesson hides, or a served tab leaves out, is not offered and does nothing;
2. under a dialog the main screen's keys are held off, all but help;
3. a command the lesson locks stays offered, and says so when used;
4. while a slow epoch trains in a thread, only commands that change what is shown, and
   the file keys (which write once the epoch is done), run
   (``command_table.WhileStepping``); a change by hand says why it waits.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from tui_backprop.ui.command_table import WhileStepping, command_name, while_stepping
from tui_backprop.ui.model.lesson_steps import LOCKED

HELP = "help"
# A weight set or a point added or removed by hand in a pane: not a command of the
# table, changes the run as training does.
HAND_EDIT = "hand_edit"
TRAINING = "An epoch is training: try again when it is done."
# Training or walking on would put the number asked for on screen before the answer.
ASKED = frozenset({"step", "phase", "toggle_run"})
ASKING = "The question waits for its answer: tab goes back to it, > skips the step."


class Why(Enum):
    HIDDEN = "hidden"
    COVERED = "covered"
    LOCKED = "locked"
    TRAINING = "training"


@dataclass(frozen=True)
class KeySituation:
    """What the gate needs to know of the app at the moment a key comes."""

    hidden: frozenset[str] = frozenset()  # command names (``command_table.command_name``)
    locked: frozenset[str] = frozenset()
    covered: bool = False  # a dialog covers the main screen
    stepping: bool = False  # a slow epoch trains in a thread
    asking: bool = False  # a lesson's question waits for its answer


@dataclass(frozen=True)
class Refusal:
    why: Why
    words: str = ""  # what the user is told, if anything

    @property
    def offered(self) -> bool:
        """The key stays in the footer and reaches the app, which says why it refuses."""
        return self.why is Why.LOCKED


def refusal(action: str, now: KeySituation) -> Refusal | None:
    """Why ``action`` (with or without its arguments) may not run now, or None if it may."""
    name = command_name(action)
    if name in now.hidden:
        return Refusal(Why.HIDDEN)
    if now.covered and name != HELP:
        return Refusal(Why.COVERED)
    if now.asking and name in ASKED:
        return Refusal(Why.LOCKED, ASKING)
    if name in now.locked:
        return Refusal(Why.LOCKED, f"{name}: {LOCKED}")
    if now.stepping and while_stepping(action) is WhileStepping.WAITS:
        return Refusal(Why.TRAINING, TRAINING)
    return None
