"""The backward pass against central finite differences of the objective.

``train_step`` claims to follow the gradient of ``network.objective``. Here every
weight and bias is nudged both ways, the objective is evaluated again, and the slope
is compared with the ``grad_w`` and ``grad_b`` that the step recorded. A network with
two hidden layers (3-5-4-k) makes the hidden deltas chain through a hidden weight
matrix, not only through the output layer's.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest

from tui_backprop.engine.activations import Array
from tui_backprop.engine.losses import OUTPUTS
from tui_backprop.engine.network import (
    Params,
    forward,
    layer_activations,
    objective,
    train_step,
)
from tui_backprop.engine.optimizers import Optimizer

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
# output activation -> number of output units (2 classes, 3 classes, one real target)
OUTPUT_UNITS = {"sigmoid": 1, "softmax": 3, "linear": 1}
N_ROWS = 12
EPS = 1e-6
TOLERANCE = 1e-6
# No hidden pre-activation may lie this close to the ReLU kink at 0, so that no nudge
# of size EPS can carry it across.
KINK_MARGIN = 1e-3


def _targets(output: str, rng: np.random.Generator) -> Array:
    if output == "sigmoid":
        labels = np.arange(N_ROWS) % 2
        return labels.reshape(-1, 1).astype(np.float64)
    if output == "softmax":
        labels = np.arange(N_ROWS) % 3
        return np.eye(3)[labels]
    return rng.normal(0.0, 2.0, (N_ROWS, 1))


def _problem(hidden: str, output: str, bias: bool) -> tuple[Params, Array, Array]:
    """Weights, inputs and targets for a 3-5-4-k network whose hidden pre-activations
    all keep clear of 0; draws again until they do."""
    acts = layer_activations(3, hidden, output)
    sizes = (3, 5, 4, OUTPUT_UNITS[output])
    for attempt in range(100):
        rng = np.random.default_rng(1000 + attempt)
        weights = tuple(
            rng.normal(0.0, 0.8, (fan_in, fan_out)) for fan_in, fan_out in itertools.pairwise(sizes)
        )
        biases = tuple(rng.normal(0.0, 0.3, n) for n in sizes[1:]) if bias else None
        params = Params(weights, biases)
        x = rng.normal(0.0, 1.0, (N_ROWS, 3))
        y = _targets(output, rng)
        hidden_z = [z for z, _ in forward(params, acts, x)[:-1]]
        if min(float(np.abs(z).min()) for z in hidden_z) > KINK_MARGIN:
            return params, x, y
    raise AssertionError("could not draw a network clear of the ReLU kink")


def _numeric_gradient(f: Callable[[list[Array]], float], flat: list[Array]) -> list[Array]:
    """Central differences of f with respect to every entry of every array."""
    grads = []
    for k, array in enumerate(flat):
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            shifted_up = [a.copy() for a in flat]
            shifted_down = [a.copy() for a in flat]
            shifted_up[k][index] += EPS
            shifted_down[k][index] -= EPS
            grad[index] = (f(shifted_up) - f(shifted_down)) / (2 * EPS)
        grads.append(grad)
    return grads


def _relative_error(analytic: Array, numeric: Array) -> float:
    scale = float(np.linalg.norm(analytic) + np.linalg.norm(numeric))
    assert scale > 1e-8, "the gradient is all but zero: the check would prove nothing"
    return float(np.linalg.norm(analytic - numeric)) / scale


@pytest.mark.parametrize("l2", [0.0, 0.05])
@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("bias", [False, True], ids=["no-bias", "bias"])
@pytest.mark.parametrize("output", list(OUTPUT_UNITS))
@pytest.mark.parametrize("hidden", HIDDEN)
def test_recorded_gradients_match_finite_differences(
    hidden: str, output: str, bias: bool, reduction: str, l2: float
) -> None:
    params, x, y = _problem(hidden, output, bias)
    acts = layer_activations(3, hidden, output)
    loss = OUTPUTS[output]

    records, _, _ = train_step(params, acts, loss, x, y, Optimizer(0.1), reduction, l2)

    def f(flat: list[Array]) -> float:
        return objective(Params.from_flat(flat, bias), acts, loss, x, y, reduction, l2)

    numeric = _numeric_gradient(f, [a.copy() for a in params.flat()])
    analytic: list[Array] = []
    for record in records:
        analytic.append(record.grad_w)
        if bias:
            assert record.grad_b is not None
            analytic.append(record.grad_b)
        else:
            assert record.grad_b is None
    assert len(analytic) == len(numeric)
    for k, (a, n) in enumerate(zip(analytic, numeric, strict=True)):
        assert a.shape == n.shape
        error = _relative_error(a, n)
        assert error < TOLERANCE, f"parameter array {k}: relative error {error:.2e}"


@pytest.mark.parametrize("output", list(OUTPUT_UNITS))
def test_mean_reduction_divides_the_summed_gradient_by_the_batch(output: str) -> None:
    params, x, y = _problem("tanh", output, bias=True)
    acts = layer_activations(3, "tanh", output)
    loss = OUTPUTS[output]
    summed, _, _ = train_step(params, acts, loss, x, y, Optimizer(0.1), "sum", 0.0)
    mean, _, _ = train_step(params, acts, loss, x, y, Optimizer(0.1), "mean", 0.0)
    for s, m in zip(summed, mean, strict=True):
        np.testing.assert_allclose(m.grad_w * N_ROWS, s.grad_w, rtol=1e-12)
        assert m.grad_b is not None and s.grad_b is not None
        np.testing.assert_allclose(m.grad_b * N_ROWS, s.grad_b, rtol=1e-12)
        # the per-sample deltas do not depend on the reduction
        np.testing.assert_allclose(m.delta, s.delta, rtol=1e-12)


def test_l2_adds_lambda_times_the_weights_but_not_to_the_biases() -> None:
    params, x, y = _problem("sigmoid", "softmax", bias=True)
    acts = layer_activations(3, "sigmoid", "softmax")
    loss = OUTPUTS["softmax"]
    plain, _, _ = train_step(params, acts, loss, x, y, Optimizer(0.1), "mean", 0.0)
    decayed, _, _ = train_step(params, acts, loss, x, y, Optimizer(0.1), "mean", 0.25)
    for p, d, w in zip(plain, decayed, params.weights, strict=True):
        np.testing.assert_allclose(d.grad_w - p.grad_w, 0.25 * w, rtol=1e-10, atol=1e-14)
        assert p.grad_b is not None and d.grad_b is not None
        np.testing.assert_array_equal(d.grad_b, p.grad_b)


def test_step_reports_mean_loss_before_the_update_and_moves_against_the_gradient() -> None:
    params, x, y = _problem("leaky_relu", "sigmoid", bias=True)
    acts = layer_activations(3, "leaky_relu", "sigmoid")
    loss = OUTPUTS["sigmoid"]
    records, mean_loss, new = train_step(params, acts, loss, x, y, Optimizer(0.05), "sum", 0.0)

    # binary cross-entropy written out from the probabilities, on the old weights
    p = forward(params, acts, x)[-1][1]
    bce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert mean_loss == pytest.approx(float(bce.mean()), rel=1e-12)

    for record, w_old, w_new in zip(records, params.weights, new.weights, strict=True):
        np.testing.assert_array_equal(record.w_before, w_old)
        np.testing.assert_array_equal(record.w_after, w_new)
        np.testing.assert_allclose(w_new, w_old - 0.05 * record.grad_w, rtol=1e-14)
    # a small step downhill lowers the objective
    before = objective(params, acts, loss, x, y, "sum", 0.0)
    after = objective(new, acts, loss, x, y, "sum", 0.0)
    assert after < before
