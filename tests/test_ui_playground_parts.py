"""The playground's parts without the screen: the settings form, the run list and its
differences, and the history cursor."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tui_backprop.experiment import Experiment
from tui_backprop.settings import SEED_PRESET, resolve
from tui_backprop.ui.model.dataset_menu import open_builtin
from tui_backprop.ui.model.kept_runs import MAX_RUNS, KeptRuns, settings_diff
from tui_backprop.ui.model.looking_back import HistoryCursor, jump
from tui_backprop.ui.model.settings_form import (
    FormError,
    adjust_layers,
    changed,
    form_of,
    needs_reset,
    read_form,
)


@pytest.mark.parametrize(
    "settings", [SEED_PRESET, resolve("xor", {"hidden": (8, 4), "label_column": None, "l2": 1e-4})]
)
def test_the_form_reads_back_what_it_shows(settings: object) -> None:
    assert read_form(form_of(settings), settings) == settings  # type: ignore[arg-type]


def test_the_form_names_a_bad_field() -> None:
    values = form_of(SEED_PRESET) | {"init_scale": "0"}
    with pytest.raises(FormError, match="init scale: 0 must be a finite number > 0"):
        read_form(values, SEED_PRESET)


def test_live_and_reset_changes() -> None:
    new = replace(SEED_PRESET, lr=1.0, optimizer="adam", log="run.csv")
    assert changed(SEED_PRESET, new) == ["lr", "optimizer", "log"]
    assert needs_reset(changed(SEED_PRESET, new)) == []
    new = replace(new, seed=5)
    assert needs_reset(changed(SEED_PRESET, new)) == ["seed"]


@pytest.mark.parametrize(
    ("text", "what", "after"),
    [
        ("8", "+layer", "8,8"),
        ("8,4", "-layer", "8"),
        ("8", "-layer", "none"),
        ("none", "+layer", "4"),
        ("4", "+neuron", "5"),
        ("1", "-neuron", "1"),
        ("8,x", "+layer", "8,x"),
    ],
)
def test_layer_buttons(text: str, what: str, after: str) -> None:
    assert adjust_layers(text, what) == after


def test_run_differences_read_then_vs_now() -> None:
    session = KeptRuns()
    xor = Experiment.build(resolve("xor", {}))
    xor.trainer.train_epoch()
    run = session.keep(xor, "new settings")
    assert run is not None
    now = Experiment.build(resolve("xor", {"hidden": (4,), "lr": 1.0, "bias": False}))
    assert settings_diff(run, now) == "layers 2-8-1 vs 2-4-1, biases on vs off, lr 0.1 vs 1"
    noisy = open_builtin(xor, "xor", 200, 0.3)
    assert settings_diff(run, noisy) == "noise 0.1 vs 0.3"
    assert settings_diff(run, open_builtin(xor, "xor", 300, 0.1)) == "rows 200 vs 300"
    moons = open_builtin(xor, "moons", 100, 0.1)
    assert settings_diff(run, moons) == "data xor vs moons"


def test_a_run_whose_rate_changed_is_labelled_with_its_rates() -> None:
    """The learner's experiment: raise the rate mid-run, look back, lower it while
    looking, fork. The kept run says what it went through, not today's rate."""
    session = KeptRuns()
    xor = Experiment.build(resolve("xor", {}))
    for epoch in range(6):
        if epoch == 3:
            xor.trainer.set_lr(3.0)
        xor.trainer.train_epoch()
    xor.trainer.set_lr(0.1)  # lowered before forking, as `l` does while looking back
    run = session.keep(xor, "fork at 3")
    assert run is not None and run.learning_rates == (0.1, 3.0)
    xor.trainer.fork(3)
    assert settings_diff(run, xor) == "lr 0.1→3 vs 0.1"
    assert xor.trainer.learning_rates() == [0.1]


def test_a_run_without_epochs_is_not_kept_and_old_runs_go() -> None:
    session = KeptRuns()
    ex = Experiment.build(SEED_PRESET)
    assert session.keep(ex, "reset") is None
    ex.trainer.train_epoch()
    for _ in range(MAX_RUNS + 3):
        session.keep(ex, "reset")
    assert len(session.runs) == MAX_RUNS and session.runs[0].number == 4
    ex.trainer.train_epoch()
    kept = session.runs[-1]
    assert len(kept.loss) == 1  # a copy: later epochs do not leak into it
    assert np.isfinite(kept.loss).all()


def test_the_history_cursor() -> None:
    trainer = Experiment.build(SEED_PRESET).trainer
    for _ in range(30):
        trainer.train_epoch()
    cursor = HistoryCursor()
    assert cursor.move_by(trainer, -1) == 29 and cursor.epoch == 29
    assert cursor.move_to(trainer, -5) == 0
    assert cursor.move_to(trainer, 99) == 30 and cursor.state is None
    assert cursor.showing(trainer) is trainer
    cursor.move_to(trainer, 12)
    assert not cursor.may_train() and cursor.asked  # the first time only asks
    cursor.move_by(trainer, 1)
    assert not cursor.asked  # a move forgets the question
    cursor.move_by(trainer, -1)
    assert not cursor.may_train() and cursor.may_train()
    assert cursor.fork(trainer) == 12 and trainer.epoch == 12 and cursor.state is None
    assert not cursor.asked and cursor.may_train()  # the present trains at once
    assert cursor.fork(trainer) is None
    assert [jump(n) for n in (0, 99, 100, 100_000)] == [10, 10, 10, 10_000]


def test_settings_choices_are_the_engines_own() -> None:
    from tui_backprop.engine.activations import ACTIVATIONS
    from tui_backprop.engine.config import DTYPES, REDUCTIONS
    from tui_backprop.engine.initializers import INITS
    from tui_backprop.engine.losses import OUTPUTS
    from tui_backprop.engine.optimizers import OPTIMIZERS
    from tui_backprop.settings import CHOICES

    assert set(CHOICES["activation"]) == set(ACTIVATIONS) - {"softmax"}
    assert set(CHOICES["output"]) == set(OUTPUTS)
    assert set(CHOICES["init"]) == set(INITS)
    assert set(CHOICES["optimizer"]) == set(OPTIMIZERS)
    assert set(CHOICES["reduction"]) == set(REDUCTIONS)
    assert set(CHOICES["dtype"]) == set(DTYPES)


def test_the_settings_limits_are_the_engines_own() -> None:
    from tui_backprop.engine.config import MAX_DEPTH, MAX_WIDTH
    from tui_backprop.settings import MAX_HIDDEN_LAYERS, MAX_LAYER_WIDTH

    assert (MAX_HIDDEN_LAYERS, MAX_LAYER_WIDTH) == (MAX_DEPTH, MAX_WIDTH)
