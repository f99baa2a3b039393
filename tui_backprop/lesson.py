"""A teacher's lesson: the experiment it starts, the commands it hides or locks, and its
numbered steps. Read from a TOML file (``--lesson FILE.toml``) or a built-in of the
``lessons`` folder (``--lesson xor``); the format is described in ``docs/lessons.md``.

Reading checks everything but the experiment's values, which the command line reads
through its own flags so that a lesson and the command line mean the same thing. A
step's settings are read by the readers the app hands in (the settings screen's), so a
step and that screen mean the same thing too. Every problem is one ``LessonError`` line
naming the file (and the line, where TOML gives it, or the step).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from tui_backprop.data.text import PATH_LIMIT, printable
from tui_backprop.engine.phases import step_phases
from tui_backprop.lesson_questions import QUESTION_KEYS, Question, QuestionError, read_question
from tui_backprop.toml_input import TomlInputError, parse_toml, read_text

BUILTIN = ("reference", "xor", "circles", "lr-too-high", "optimizers")
# Every kind of phase, in backprop's order (a network of two layers has them all).
PHASES = tuple(dict.fromkeys(p.kind for p in step_phases(2)))
MAX_EPOCH = 1_000_000  # a step's run_to_epoch; more would keep a class waiting
TITLE_LIMIT = 120  # characters of a title shown; a step's text is never cut
KEYS = {"title", "hide", "lock", "experiment", "step"}
STEP_KEYS = {"text", "run_to_epoch", "run_to_phase", "view", "zoom", *QUESTION_KEYS}
SETTING_TYPES = (str, int, float, bool, list)
# What a step may show in the chart's place (b, m, M, C, H), and the panes it may zoom
# (z): a view's own name zooms that view, "none" zooms nothing.
VIEWS = (
    "chart",
    "boundary",
    "map",
    "gallery",
    "delta-gallery",
    "confusion",
    "hidden-space",
    "landscape",
)
ZOOMS = ("network", "weights", "deltas", *VIEWS, "none")
# A step's setting: its TOML value read into (the Settings field, its value); a
# ValueError says why not.
SettingReader = Callable[[object], tuple[str, object]]


class LessonError(ValueError):
    """A lesson that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Step:
    text: str
    run_to_epoch: int | None = None  # train until the trainer has done this many epochs
    run_to_phase: str | None = None  # then walk (n) until a phase of this kind shows
    # Set on entering the step, before it trains: (Settings field, value) pairs.
    settings: tuple[tuple[str, object], ...] = ()
    view: str | None = None  # shown in the chart's place (one of VIEWS)
    zoom: str | None = None  # the pane zoomed (one of ZOOMS)
    question: Question | None = None  # a number asked for once the step is there

    @property
    def hidden(self) -> tuple[int, ...] | None:
        """The hidden layers this step sets, None when it keeps them."""
        value = dict(self.settings).get("hidden")
        return None if value is None else tuple(value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Lesson:
    source: str  # the file, or the built-in's name, as messages name it
    folder: Path | None  # where relative paths in the experiment are looked up
    title: str
    experiment: dict[str, Any]  # setting → TOML value, keys as the command line's flags
    hide: frozenset[str]
    lock: frozenset[str]
    steps: tuple[Step, ...]


def load_lesson(
    name: str, commands: Collection[str], settings: Mapping[str, SettingReader] | None = None
) -> Lesson:
    """The lesson in file ``name``, or the built-in so named; ``commands`` are the names
    ``hide`` and ``lock`` may use, ``settings`` the keys a step may set and their readers."""
    path = Path(name)
    if path.is_file() or name not in BUILTIN:
        text = _read(path, name)
        return parse_lesson(text, name, commands, path.parent, settings)
    text = resources.files("tui_backprop.lessons").joinpath(f"{name}.toml").read_text("utf-8")
    return parse_lesson(text, name, commands, None, settings)


def _read(path: Path, name: str) -> str:
    try:
        return read_text(str(path), "lesson file")
    except TomlInputError as err:
        if not path.exists() and not path.is_symlink():
            raise LessonError(
                f"{printable(name, PATH_LIMIT)}: no such lesson file, nor a built-in lesson "
                f"({', '.join(BUILTIN)})"
            ) from None
        raise LessonError(str(err)) from None


def parse_lesson(
    text: str,
    source: str,
    commands: Collection[str],
    folder: Path | None = None,
    settings: Mapping[str, SettingReader] | None = None,
) -> Lesson:
    try:
        data = parse_toml(text, source)
    except TomlInputError as err:
        raise LessonError(str(err)) from None
    try:
        return _lesson(data, source, commands, folder, settings or {})
    except LessonError as err:
        raise LessonError(f"{source}: {err}") from None


def _lesson(
    data: dict[str, Any],
    source: str,
    commands: Collection[str],
    folder: Path | None,
    settings: Mapping[str, SettingReader],
) -> Lesson:
    _only(data, KEYS, "")
    title = data.get("title")
    if not isinstance(title, str) or not _shown(title, TITLE_LIMIT):
        raise LessonError("title must be a non-empty string")
    experiment = data.get("experiment", {})
    if not isinstance(experiment, dict):
        raise LessonError("experiment must be a table ([experiment])")
    for key, value in experiment.items():
        if not isinstance(value, SETTING_TYPES):
            raise LessonError(f"experiment {key}: a date or table is not a setting")
    steps = data.get("step")
    if not isinstance(steps, list) or not steps:
        raise LessonError("a lesson needs at least one [[step]]")
    return Lesson(
        source=source,
        folder=folder,
        title=_shown(title, TITLE_LIMIT),
        experiment=experiment,
        hide=_names(data, "hide", commands),
        lock=_names(data, "lock", commands),
        steps=tuple(_step(s, i, settings) for i, s in enumerate(steps, 1)),
    )


def _only(table: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            keys = ", ".join(sorted(allowed))
            raise LessonError(f"unknown key {key!r}{where} (known: {keys})")


def _names(data: dict[str, Any], key: str, commands: Collection[str]) -> frozenset[str]:
    names = data.get(key, [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise LessonError(f'{key} must be a list of command names, like ["settings"]')
    for name in names:
        if name not in commands:
            raise LessonError(
                f"{key}: {name!r} is not a command a lesson can {key} "
                f"(see the list in docs/lessons.md)"
            )
    return frozenset(names)


def _step(step: object, number: int, settings: Mapping[str, SettingReader]) -> Step:
    where = f" in step {number}"
    if not isinstance(step, dict):
        raise LessonError(f"step {number} must be a table ([[step]])")
    _only(step, STEP_KEYS | set(settings), where)
    text = step.get("text")
    if not isinstance(text, str) or not _shown(text, len(text)):
        raise LessonError(f"step {number} needs a text")
    epoch = step.get("run_to_epoch")
    if epoch is not None and (
        isinstance(epoch, bool) or not isinstance(epoch, int) or not 0 <= epoch <= MAX_EPOCH
    ):
        raise LessonError(f"run_to_epoch{where} must be a whole number from 0 to {MAX_EPOCH:,}")
    phase = step.get("run_to_phase")
    if phase is not None and phase not in PHASES:
        known = ", ".join(repr(p) for p in PHASES)
        raise LessonError(f"run_to_phase{where} must be one of {known}")
    view, zoom = (
        _one_of(step, key, names, where) for key, names in (("view", VIEWS), ("zoom", ZOOMS))
    )
    chosen = tuple(_setting(settings[k], k, v, where) for k, v in step.items() if k in settings)
    try:
        question = read_question(step, where, _shown)
    except QuestionError as err:
        raise LessonError(str(err)) from None
    return Step(_shown(text, len(text)), epoch, phase, chosen, view, zoom, question)


def _shown(text: str, limit: int) -> str:
    """A teacher's ``text`` as the pane shows it: no escape sequence, control or bidi
    character (the file could retitle or clear the class's terminal), its white space
    one space each."""
    return " ".join(printable(text, limit).split())


def _one_of(step: dict[str, Any], key: str, names: tuple[str, ...], where: str) -> str | None:
    value = step.get(key)
    if value is not None and value not in names:
        known = ", ".join(repr(n) for n in names)
        raise LessonError(f"{key}{where} must be one of {known}")
    return value


def _setting(read: SettingReader, key: str, value: object, where: str) -> tuple[str, object]:
    try:
        return read(value)
    except ValueError as err:
        raise LessonError(f"{key}{where}: {err}") from None
