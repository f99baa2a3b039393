"""Phases of a step and the finite-difference gradient check."""

from __future__ import annotations

import numpy as np
import pytest

from tests.reference_blog import dataset_arrays
from tui_backprop.engine import Problem, TrainConfig, Trainer
from tui_backprop.engine.gradcheck import gradient_check, run_gradient_check
from tui_backprop.engine.phases import (
    EXPLANATIONS,
    FORWARD,
    GRADIENTS,
    HIDDEN_DELTA,
    LOSS,
    OUTPUT_DELTA,
    UPDATE,
    Progress,
    step_phases,
)


def test_phases_run_forward_then_backward_in_order() -> None:
    phases = step_phases(3)
    assert [(p.kind, p.layer) for p in phases] == [
        (FORWARD, 0),
        (FORWARD, 1),
        (FORWARD, 2),
        (LOSS, None),
        (OUTPUT_DELTA, 2),
        (HIDDEN_DELTA, 1),
        (HIDDEN_DELTA, 0),
        (GRADIENTS, None),
        (UPDATE, None),
    ]
    assert set(EXPLANATIONS) == {p.kind for p in phases}
    assert step_phases(1)[2].kind == OUTPUT_DELTA and len(step_phases(1)) == 5


def test_progress_reveals_deltas_backwards() -> None:
    n = 3
    seen = []
    for done in range(len(step_phases(n)) + 1):
        p = Progress(n, done)
        seen.append(
            (
                tuple(p.forward_known(i) for i in range(n)),
                p.loss_known,
                tuple(p.delta_known(i) for i in range(n)),
                p.gradients_known,
                p.updated,
            )
        )
    # forward fills in left to right, deltas right to left, never un-learning anything
    assert seen[0] == ((False,) * 3, False, (False,) * 3, False, False)
    assert seen[2][0] == (True, True, False)
    assert seen[4][1] and not any(seen[4][2])
    assert seen[5][2] == (False, False, True)
    assert seen[6][2] == (False, True, True)
    assert seen[7][2] == (True, True, True) and not seen[7][3]
    assert seen[8][3] and not seen[8][4]
    assert seen[9] == ((True,) * 3, True, (True,) * 3, True, True)
    assert Progress(n, 9).complete and Progress(n, 4).current == step_phases(n)[3]


@pytest.mark.parametrize(
    "config",
    [
        TrainConfig(),
        TrainConfig(
            hidden=(5, 3),
            activation="tanh",
            output="softmax",
            bias=True,
            init="xavier",
            init_scale=1.0,
            reduction="mean",
            l2=0.01,
        ),
    ],
)
def test_gradient_check_agrees_with_backprop(config: TrainConfig) -> None:
    x, labels = dataset_arrays()
    if config.output == "softmax":
        labels = np.arange(len(labels)) % 3
    trainer = Trainer(config, Problem(x, labels, n_classes=3 if config.output == "softmax" else 2))
    for _ in range(3):
        trainer.train_epoch()
    check = run_gradient_check(trainer)
    assert check.count == sum(a.size for a in trainer.params.flat())
    assert check.max_relative_error < 1e-6
    assert check.names[:2] == (("W0", "b0") if config.bias else ("W0", "W1"))


def test_gradient_check_catches_a_wrong_gradient() -> None:
    x, labels = dataset_arrays()
    trainer = Trainer(TrainConfig(), Problem(x, labels))
    check = run_gradient_check(trainer)
    broken = type(check)(
        check.names, (check.backprop[0] * 1.01, *check.backprop[1:]), check.numeric
    )
    assert broken.max_relative_error > 5e-3


def test_gradient_check_reports_progress_and_leaves_the_network_alone() -> None:
    x, labels = dataset_arrays()
    trainer = Trainer(TrainConfig(hidden=(40,)), Problem(x, labels))
    before = [a.copy() for a in trainer.params.flat()]
    steps = gradient_check(trainer)
    fractions = list(steps)  # exhausts the generator
    assert fractions and all(0 < f <= 1 for f in fractions) and fractions == sorted(fractions)
    for a, b in zip(before, trainer.params.flat(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_gradient_check_of_a_past_epoch_checks_that_epochs_weights() -> None:
    x, labels = dataset_arrays()
    run = Trainer(TrainConfig(), Problem(x, labels))
    fresh = Trainer(TrainConfig(), Problem(x, labels))
    for _ in range(6):
        run.train_epoch()
    for _ in range(2):
        fresh.train_epoch()
    past = run_gradient_check(run, params=run.state_at(2).params)
    now = run_gradient_check(fresh)
    for a, b in zip(past.backprop, now.backprop, strict=True):
        np.testing.assert_array_equal(a, b)
