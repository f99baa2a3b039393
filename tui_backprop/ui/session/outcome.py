"""What an operation of the session hands back to the screen: what to say, and which
parts of what is shown it changed. The session never calls a widget; the screen reads
an ``Outcome`` and does the showing (``MainScreen.show``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from tui_backprop.ui.model.downloads import Download

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True)
class Said:
    """One notice: its text (never markup), and how it is shown."""

    text: str
    severity: Severity = "information"
    title: str = ""
    timeout: float | None = None  # seconds; None: the app's default


@dataclass(frozen=True)
class ValuePrompt:
    """A weight to be typed in: its name, its value now, and what sets the typed text."""

    name: str
    current: float
    setter: Callable[[str], Outcome]


@dataclass(frozen=True)
class Outcome:
    said: tuple[Said, ...] = ()
    publish: bool = False  # the run, or what is shown of it, changed: a new view
    info: bool = False  # the run's description changed (settings, learning rate)
    overlay: bool = False  # the kept runs or the comparison's caption changed
    switched: bool = False  # another experiment: its scene, its step-time guess
    chosen: bool = False  # what the learner chose to see changed (``Session.choices``)
    refused: str | None = None  # why nothing changed, for the dialog that asked
    go_on: bool = True  # False: the key stops here (a fork asks first)
    prompt: ValuePrompt | None = None  # a value to ask for before anything changes
    files: tuple[Download, ...] = ()  # a served tab's downloads, for the browser

    def __add__(self, then: Outcome) -> Outcome:
        """This outcome followed by ``then``: both said, every change shown once."""
        return Outcome(
            self.said + then.said,
            self.publish or then.publish,
            self.info or then.info,
            self.overlay or then.overlay,
            self.switched or then.switched,
            self.chosen or then.chosen,
            self.refused if self.refused is not None else then.refused,
            self.go_on and then.go_on,
            then.prompt or self.prompt,
            self.files + then.files,
        )


NOTHING = Outcome()
SHOWN = Outcome(publish=True)
CHOSEN = Outcome(chosen=True)


def say(
    text: str, severity: Severity = "information", title: str = "", timeout: float | None = None
) -> Outcome:
    """An outcome that only says ``text``."""
    return Outcome((Said(text, severity, title, timeout),))


def warn(text: str, timeout: float | None = None) -> Outcome:
    return say(text, "warning", timeout=timeout)


def refuse(why: str) -> Outcome:
    """Nothing changed, and ``why`` is for the dialog that asked (it stays open)."""
    return Outcome(refused=why)
