"""The lesson's locks on settings, without an app: which changes are refused, in what
words, and how a new experiment keeps the locked settings."""

from __future__ import annotations

from dataclasses import replace

from tui_backprop.experiment import Experiment
from tui_backprop.lesson import Lesson, Step
from tui_backprop.settings import resolve
from tui_backprop.ui.model.kept_runs import effective_settings
from tui_backprop.ui.model.lesson_steps import LOCKED, LessonState
from tui_backprop.ui.model.settings_form import label_of

XOR = resolve("xor", {"lr": 0.5})


def state(*lock: str) -> LessonState:
    lesson = Lesson("t", None, "T", {}, frozenset(), frozenset(lock), (Step("one"),))
    return LessonState(lesson)


def test_a_change_to_a_locked_setting_is_refused_in_words() -> None:
    lr_locked = state("lr")
    assert lr_locked.refusal(XOR, replace(XOR, lr=0.1)) == f"{label_of('lr')}: {LOCKED}"
    assert lr_locked.refusal(XOR, replace(XOR, l2=0.01)) is None  # not locked
    assert state().refusal(XOR, replace(XOR, lr=0.1)) is None  # nothing locked


def test_a_new_experiment_keeps_the_locked_settings() -> None:
    now = XOR
    other = Experiment.build(resolve("circles", {"lr": 0.03}))
    kept = state("lr").keeping_locks(other, now)
    assert isinstance(kept, Experiment)
    assert effective_settings(kept).lr == now.lr
    assert effective_settings(kept).dataset == effective_settings(other).dataset
    assert state().keeping_locks(other, now) is other  # no lock: as it came


def test_an_experiment_that_already_fits_the_locks_is_kept_as_it_is() -> None:
    same = Experiment.build(resolve("circles", {"lr": XOR.lr}))
    assert state("lr").keeping_locks(same, XOR) is same
