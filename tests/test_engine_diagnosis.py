"""The diagnosis finds the cause: each cause on a step made to show it, the order in
which they win, and the real runs that were once called by the wrong name."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import three_classes_one_wide_feature
from tui_backprop.engine.activations import ACTIVATIONS, Array
from tui_backprop.engine.diagnosis import (
    Dead,
    Diagnosis,
    Diverging,
    GradientRatio,
    Saturated,
    Scales,
    diagnose,
)
from tui_backprop.engine.records import LayerRecord, StepRecord
from tui_backprop.experiment import Experiment
from tui_backprop.settings import SEED_PRESET, resolve

STEADY = (0.5, 1.0)  # gradient norms of comparable size
FALLING = np.array([1.0, 0.8, 0.6])


def layer(index: int, activation: str, z: Array, x: Array) -> LayerRecord:
    act = ACTIVATIONS[activation]
    a = act.forward(z)
    w = np.ones((x.shape[1], z.shape[1]))
    grad = np.zeros_like(w)
    return LayerRecord(
        index, activation, x, z, a, act.derivative(z, a), z, grad, None, w, w, None, None
    )


def step_of(hidden_z: Array, activation: str, x: Array | None = None) -> StepRecord:
    """A step whose one hidden layer has pre-activations ``hidden_z`` (rows × units)."""
    rows = hidden_z.shape[0]
    x = np.ones((rows, 2)) if x is None else x
    hidden = layer(0, activation, hidden_z, x)
    output = layer(1, "sigmoid", np.zeros((rows, 1)), hidden.a)
    return StepRecord(
        0, 0, np.arange(rows), x, np.zeros((rows, 1)), (hidden, output), 0.7, 0.1, "sum"
    )


def mild(rows: int, units: int) -> Array:
    return np.random.default_rng(0).uniform(-1, 1, (rows, units))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_units_flat_on_most_rows_are_saturated(activation: str) -> None:
    z = mild(20, 4)
    z[:, :3] = 40.0 * np.sign(z[:, :3])  # three of four far out on every row
    found = diagnose(step_of(z, activation), STEADY, FALLING)
    cause = found.findings[0]
    assert isinstance(cause, Saturated) and (cause.units, cause.of) == (3, 4)
    assert cause.row_share == 1.0 and cause.median_z == 40.0 and found.problem
    assert cause.activation == activation


def test_one_saturated_unit_of_four_or_a_unit_flat_on_few_rows_is_not_the_cause() -> None:
    z = mild(20, 4)
    z[:, 0] = 40.0
    z[:15, 1] = 40.0  # flat on 75 % of rows: below "most"
    found = diagnose(step_of(z, "tanh"), STEADY, FALLING)
    assert found.findings == (GradientRatio(0.5),) and not found.problem


def test_relus_zero_on_every_row_are_dead_but_one_live_row_revives_a_unit() -> None:
    z = mild(10, 4)
    z[:, :3] = -np.abs(z[:, :3])
    found = diagnose(step_of(z, "relu"), STEADY, FALLING)
    assert found.findings[0] == Dead(3, 4, 10)
    z[0, :2] = 0.5  # two of them fire on one row
    found = diagnose(step_of(z, "relu"), STEADY, FALLING)
    assert not any(isinstance(f, Dead) for f in found.findings)
    leaky = z.copy()
    leaky[:, :] = -1.0  # a leaky ReLU still passes a gradient: never dead
    assert diagnose(step_of(leaky, "leaky_relu"), STEADY, FALLING).findings == (GradientRatio(0.5),)


def test_a_feature_spread_far_wider_than_the_rest_is_named() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 4))
    x[:, 2] *= 500.0
    found = diagnose(step_of(mild(30, 3), "tanh", x), STEADY, FALLING)
    scales = found.findings[0]
    assert isinstance(scales, Scales) and scales.feature == 2 and found.problem
    assert scales.spread == pytest.approx(x[:, 2].std())
    standardised = (x - x.mean(axis=0)) / x.std(axis=0)
    quiet = diagnose(step_of(mild(30, 3), "tanh", standardised), STEADY, FALLING)
    assert not any(isinstance(f, Scales) for f in quiet.findings)


@pytest.mark.parametrize(
    ("norms", "kind"),
    [((1e-5, 1.0), "vanishing"), ((3e3, 1.0), "exploding"), ((0.2, 1.0), "steady")],
)
def test_the_gradient_ratio_between_first_and_output_layer(
    norms: tuple[float, ...], kind: str
) -> None:
    found = diagnose(step_of(mild(8, 3), "tanh"), norms, FALLING)
    assert found.findings[0] == GradientRatio(norms[0] / norms[1])
    assert GradientRatio(norms[0] / norms[1]).kind == kind and found.problem == (kind != "steady")


def test_a_loss_far_above_its_lowest_or_not_finite_is_divergence() -> None:
    record = step_of(mild(8, 3), "tanh")
    rising = np.array([1.0, 0.5, 80.0])
    found = diagnose(record, STEADY, rising)
    assert found.findings == (Diverging(160.0, 0.5, 80.0),)
    gone = diagnose(record, STEADY, np.array([1.0, 0.5, np.nan])).findings[0]
    assert isinstance(gone, Diverging) and gone.rise is None and gone.lowest == 0.5
    weights_gone = diagnose(record, STEADY, FALLING, diverged=True).findings[0]
    assert isinstance(weights_gone, Diverging) and weights_gone.rise is None
    # a small loss that rises far but stays below where the run began is still learning
    assert not isinstance(
        diagnose(record, STEADY, np.array([1.0, 1e-4, 0.5])).findings[0], Diverging
    )


def test_divergence_comes_first_and_saturation_names_the_scales_as_its_reason() -> None:
    x = np.ones((20, 3))
    x[:, 1] = np.linspace(0, 2000, 20)
    z = np.full((20, 4), 50.0)
    both = diagnose(step_of(z, "tanh", x), (1e-9, 1.0), np.array([1.0, 500.0]))
    assert [type(f) for f in both.findings] == [Diverging]
    found = diagnose(step_of(z, "tanh", x), (1e-9, 1.0), FALLING)
    assert [type(f) for f in found.findings] == [Saturated, Scales]  # not "vanishing"


def diagnosis_after(experiment: Experiment, epochs: int) -> Diagnosis:
    trainer = experiment.trainer
    for _ in range(epochs):
        trainer.train_epoch()
    record = trainer.last_record
    assert record is not None
    losses = trainer.history.column("loss")[: trainer.epoch]
    return diagnose(record, trainer.history[-1].grad_norms, losses)


def test_unstandardised_data_with_one_wide_feature_is_saturation_from_that_feature(
    tmp_path: Path,
) -> None:
    path = three_classes_one_wide_feature(tmp_path / "wide.csv")
    raw = Experiment.build(resolve(str(path), {"standardize": False}))
    found = diagnosis_after(raw, 5)
    assert isinstance(found.findings[0], Saturated)
    scales = found.findings[1]
    assert isinstance(scales, Scales) and raw.dataset.feature_names[scales.feature] == "proline"
    standardised = diagnosis_after(Experiment.build(resolve(str(path), {})), 5)
    assert not standardised.problem


def test_the_seed_network_at_lr_3_is_saturated_not_vanishing() -> None:
    found = diagnosis_after(Experiment.build(replace(SEED_PRESET, lr=3.0)), 10)
    cause = found.findings[0]
    assert isinstance(cause, Saturated) and cause.activation == "sigmoid"
    assert cause.units == cause.of == 4
    assert not diagnosis_after(Experiment.build(SEED_PRESET), 10).problem


def test_relus_pushed_below_zero_by_a_large_step_are_found_dead() -> None:
    settings = resolve("circles", {"activation": "relu", "lr": 10.0, "hidden": (8,)})
    cause = diagnosis_after(Experiment.build(settings), 30).findings[0]
    assert isinstance(cause, Dead) and cause.units >= 4 and cause.rows == 160
    calm = diagnosis_after(Experiment.build(replace(settings, lr=1.0)), 30)
    assert not calm.problem
