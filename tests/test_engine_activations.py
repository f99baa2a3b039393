"""Activations and losses stay finite and silent far out on the real line."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator

import numpy as np
import pytest

from tui_backprop.engine.activations import ACTIVATIONS, LEAKY_SLOPE, sigmoid
from tui_backprop.engine.losses import OUTPUTS

HUGE = np.array([[-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0]])


@pytest.fixture(autouse=True)
def strict_floats() -> Iterator[None]:
    """Any overflow, invalid operation or division by zero, and any warning at all,
    becomes an error. Underflow to zero is the expected way to reach 0 or 1."""
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_activation_and_derivative_are_finite_at_huge_z(name: str, dtype: str) -> None:
    activation = ACTIVATIONS[name]
    z = HUGE.astype(dtype)
    a = activation.forward(z)
    d = activation.derivative(z, a)
    assert a.shape == z.shape and d.shape == z.shape
    assert a.dtype == np.dtype(dtype) and d.dtype == np.dtype(dtype)
    assert np.isfinite(a).all() and np.isfinite(d).all()


def test_saturating_values_at_huge_z() -> None:
    a = sigmoid(HUGE)
    assert a[0, 0] == 0.0 and a[0, -1] == 1.0
    assert a[0, 3] == 0.5
    # 1/(1+e^-1) from the standard library
    assert a[0, 4] == pytest.approx(1 / (1 + math.exp(-1.0)), rel=1e-15)
    np.testing.assert_array_equal(ACTIVATIONS["sigmoid"].derivative(HUGE, a)[0, [0, -1]], 0.0)

    t = ACTIVATIONS["tanh"].forward(HUGE)
    assert t[0, 0] == -1.0 and t[0, -1] == 1.0

    r = ACTIVATIONS["relu"].forward(HUGE)
    np.testing.assert_array_equal(r, [[0, 0, 0, 0, 1, 40, 1000]])

    leaky = ACTIVATIONS["leaky_relu"].forward(HUGE)
    np.testing.assert_allclose(leaky[0, :3], [-1000 * LEAKY_SLOPE, -40 * LEAKY_SLOPE, -LEAKY_SLOPE])
    np.testing.assert_array_equal(leaky[0, 3:], [0, 1, 40, 1000])


def test_softmax_rows_at_huge_z() -> None:
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1000.0, 1000.0, 999.0]])
    s = ACTIVATIONS["softmax"].forward(z)
    assert np.isfinite(s).all()
    np.testing.assert_allclose(s.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_array_equal(s[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(s[1], [1 / 3, 1 / 3, 1 / 3], rtol=1e-15)
    # two equal logits and one lower by 1: e/(2e+1), e/(2e+1), 1/(2e+1)
    e = math.e
    np.testing.assert_allclose(
        s[2], [e / (2 * e + 1), e / (2 * e + 1), 1 / (2 * e + 1)], rtol=1e-14
    )


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
def test_derivative_matches_the_slope_away_from_kinks(name: str) -> None:
    activation = ACTIVATIONS[name]
    z = np.array([[-3.0, -0.7, -0.2, 0.3, 0.9, 2.5]])
    h = 1e-6
    slope = (activation.forward(z + h) - activation.forward(z - h)) / (2 * h)
    np.testing.assert_allclose(activation.derivative(z, activation.forward(z)), slope, rtol=1e-8)


def test_sigmoid_loss_at_huge_z() -> None:
    # -[y log σ(z) + (1-y) log(1-σ(z))]: for z = ±1000 it is 1000 when the label is
    # the unlikely one and (to double precision) 0 when it is the likely one.
    z = np.array([[1000.0], [1000.0], [-1000.0], [-1000.0], [0.0]])
    y = np.array([[0.0], [1.0], [0.0], [1.0], [1.0]])
    per = OUTPUTS["sigmoid"].per_sample(z, y)
    assert per.shape == (5,)
    np.testing.assert_allclose(per, [1000.0, 0.0, 0.0, 1000.0, math.log(2.0)], atol=1e-12)


def test_softmax_loss_at_huge_z() -> None:
    z = np.array([[1000.0, -1000.0, 0.0], [1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    per = OUTPUTS["softmax"].per_sample(z, y)
    # -log softmax: 0 for the dominant logit, 2000 for one 2000 below it, log 3 for a tie
    np.testing.assert_allclose(per, [0.0, 2000.0, math.log(3.0)], atol=1e-12)


def test_squared_error_at_huge_z() -> None:
    z = np.array([[1000.0], [-1000.0]])
    y = np.array([[-1.0], [0.0]])
    per = OUTPUTS["linear"].per_sample(z, y)
    np.testing.assert_allclose(per, [0.5 * 1001.0**2, 0.5 * 1000.0**2])


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_losses_are_finite_in_float32_at_huge_z(output: str) -> None:
    width = 3 if output == "softmax" else 1
    z = np.full((2, width), 1000.0, dtype=np.float32)
    z[1] = -1000.0
    y = np.zeros((2, width), dtype=np.float32)
    y[:, 0] = 1.0
    per = OUTPUTS[output].per_sample(z, y)
    assert np.isfinite(per).all()


def test_output_pairs_know_whether_they_classify() -> None:
    assert OUTPUTS["sigmoid"].is_classification
    assert OUTPUTS["softmax"].is_classification
    assert not OUTPUTS["linear"].is_classification
    assert OUTPUTS["softmax"].activation is ACTIVATIONS["softmax"]
