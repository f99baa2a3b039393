"""Where a lesson stands: its current step, the keys that move between steps, and walking
the run to the phase a step asks for."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

from tui_backprop.engine import Trainer
from tui_backprop.experiment import Experiment
from tui_backprop.lesson import Lesson, SettingReader, Step
from tui_backprop.settings import Settings
from tui_backprop.ui.model.kept_runs import effective_settings
from tui_backprop.ui.model.reconfigure import apply
from tui_backprop.ui.model.settings_form import (
    LIVE_FIELDS,
    RESET_FIELDS,
    Field,
    label_of,
    read_toml,
)
from tui_backprop.ui.model.walk import Walk, live, start

LOCKED = "locked by the lesson"
LESSON_ONLY = "lesson_step"  # the action of the lesson's own keys
LESSON_TEXT = "lesson_text"  # the key that folds and unfolds the step's text
NO_LESSON = frozenset({LESSON_ONLY, LESSON_TEXT})  # without a lesson its keys are hidden
# The setting each lockable command changes: a lock keeps it on every other road too
# (the settings screen, a preset, a new dataset).
LOCKED_SETTINGS = {"lr": "lr", "feature": "features"}
# Settings screen fields a step may not set: the preset fills in others there; the
# stop rule and the files are the run's, as in a lesson's [experiment].
NOT_IN_STEPS = {"preset", "epochs", "load_weights", "save_weights", "log"}


def step_key(field: Field) -> str:
    """A field's key in a lesson step: its command-line flag without the dashes."""
    return "layers" if field.name == "hidden" else field.name.replace("_", "-")


def _reader(field: Field, value: object) -> tuple[str, object]:
    return field.name, read_toml(field, value)


# The settings a step may set, by key, with the settings screen's readers.
STEP_SETTINGS: dict[str, SettingReader] = {
    step_key(f): partial(_reader, f)
    for f in LIVE_FIELDS + RESET_FIELDS
    if f.name not in NOT_IN_STEPS
}


def step_settings(step: Step, now: Settings) -> Settings:
    """``now`` with the settings ``step`` sets."""
    return replace(now, **dict(step.settings))  # type: ignore[arg-type]


@dataclass
class LessonState:
    lesson: Lesson | None
    index: int = 0  # the step shown, from 0

    @property
    def hidden(self) -> frozenset[str]:
        return NO_LESSON if self.lesson is None else self.lesson.hide

    @property
    def locked(self) -> frozenset[str]:
        return frozenset() if self.lesson is None else self.lesson.lock

    @property
    def locked_settings(self) -> frozenset[str]:
        """The settings no road may change: those of the locked commands."""
        return frozenset(LOCKED_SETTINGS[n] for n in self.locked if n in LOCKED_SETTINGS)

    @property
    def step(self) -> Step | None:
        return None if self.lesson is None else self.lesson.steps[self.index]

    def refusal(self, now: Settings, new: Settings) -> str | None:
        """Why ``new`` may not replace ``now`` (it changes a setting the lesson locks),
        in the words the settings screen shows; None when it may."""
        name = locked_change(self.locked_settings, now, new)
        return None if name is None else f"{label_of(name)}: {LOCKED}"

    def keeping_locks(self, experiment: Experiment, now: Settings) -> Experiment | str:
        """``experiment`` with the locked settings as they are ``now`` (a preset or a new
        dataset brings its own), or why not when they do not fit it."""
        new = effective_settings(experiment)
        why = self.refusal(now, new)
        if why is None:
            return experiment
        kept = replace(new, **{n: getattr(now, n) for n in self.locked_settings})
        try:
            return apply(experiment, kept)[0]
        except ValueError:
            return why

    def move(self, direction: int) -> Step | None:
        """The step ``direction`` away, now the current one; None past either end."""
        if self.lesson is None or not 0 <= self.index + direction < len(self.lesson.steps):
            return None
        self.index += direction
        return self.lesson.steps[self.index]

    def heading(self) -> str:
        """The pane's title: the lesson and how far through it the class is."""
        if self.lesson is None:
            return ""
        return f"Lesson: {self.lesson.title} · step {self.index + 1} of {len(self.lesson.steps)}"

    def progress(self) -> str:
        """How far through the lesson, shortly: "2/5"."""
        return "" if self.lesson is None else f"{self.index + 1}/{len(self.lesson.steps)}"

    def text(self) -> str:
        step = self.step
        return "" if step is None else f"{self.index + 1}. {step.text}"


def locked_change(locked: frozenset[str], old: Settings, new: Settings) -> str | None:
    """The first of the ``locked`` settings that ``new`` changes, or None."""
    return next((name for name in sorted(locked) if getattr(old, name) != getattr(new, name)), None)


def walk_to(walk: Walk | None, trainer: Trainer, kind: str) -> Walk | None:
    """Walk on phase by phase (as ``n`` does) until a phase of ``kind`` is shown, going
    into at most one new epoch: where it stopped, or None when the run has diverged."""
    walk = live(walk, trainer)
    started = False
    while walk is None or walk.phase.kind != kind:
        nxt = walk.advanced() if walk is not None else None
        if nxt is None:
            if started:  # a whole epoch without that phase (hidden delta, no hidden layer)
                return walk
            nxt, started = start(trainer), True
            if nxt is None:
                return None
        walk = nxt
    return walk
