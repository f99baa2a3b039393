"""What the session tests share: a session on a small experiment, trained a few epochs,
and the texts an outcome says."""

from __future__ import annotations

from pathlib import Path

from tui_backprop.experiment import Experiment
from tui_backprop.lesson import Lesson, Step
from tui_backprop.served_tab import LOCAL, TabPolicy
from tui_backprop.settings import SEED_PRESET, Settings, resolve
from tui_backprop.ui.model.settings_form import FormError, form_of, read_form
from tui_backprop.ui.session.outcome import Outcome
from tui_backprop.ui.session.run_session import Session

XOR = resolve("xor", {"points": 40, "hidden": (3,), "lr": 0.5})


def session_of(
    settings: Settings = SEED_PRESET,
    epochs: int = 0,
    lesson: Lesson | None = None,
    tab: TabPolicy = LOCAL,
) -> Session:
    """A session on ``settings`` with ``epochs`` trained."""
    session = Session(Experiment.build(settings), lesson, tab)
    for _ in range(epochs):
        session.trainer.train_epoch()
    return session


def lesson_of(*steps: Step, lock: frozenset[str] = frozenset()) -> Lesson:
    return Lesson("test", Path("."), "A test", {}, frozenset(), lock, steps or (Step("one"),))


def texts(outcome: Outcome) -> list[str]:
    return [said.text for said in outcome.said]


def form_refusal(session: Session, **values: str | bool) -> str | None:
    """What the settings dialog does with ``values`` typed over the current settings:
    read the form (without the fields a served tab leaves out), then apply it; the line
    it would show (None: applied)."""
    left_out = session.tab.hidden_settings
    shown = {name: v for name, v in form_of(session.settings).items() if name not in left_out}
    try:
        new = read_form(shown | values, session.settings)
    except FormError as err:
        return str(err)
    return session.apply_settings(new).refused
