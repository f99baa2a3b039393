"""Optimiser steps against numbers worked out by hand.

Each expected value below is the arithmetic written out in full, so a reader can
check it on paper; none of it is produced by the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tui_backprop.engine.optimizers import Adam, Momentum, Optimizer, make_optimizer


def _params() -> list[np.ndarray]:
    return [np.array([1.0, -2.0]), np.array([[0.5]])]


def test_sgd_step() -> None:
    params = _params()
    grads = [np.array([0.5, 0.25]), np.array([[-4.0]])]
    new = Optimizer(0.1).update(params, grads)
    # p - 0.1 g
    np.testing.assert_allclose(new[0], [1.0 - 0.05, -2.0 - 0.025], rtol=1e-15)
    np.testing.assert_allclose(new[1], [[0.5 + 0.4]], rtol=1e-15)
    # the inputs are left alone
    np.testing.assert_array_equal(params[0], [1.0, -2.0])
    np.testing.assert_array_equal(params[1], [[0.5]])


def test_momentum_two_steps() -> None:
    opt = Momentum(0.1, mu=0.9)
    p0 = [np.array([1.0, -2.0])]
    g1 = [np.array([0.5, 0.25])]
    g2 = [np.array([1.0, -0.5])]

    p1 = opt.update(p0, g1)
    # v1 = 0.9·0 - 0.1·g1 = [-0.05, -0.025]; p1 = p0 + v1
    np.testing.assert_allclose(p1[0], [0.95, -2.025], rtol=1e-15)

    p2 = opt.update(p1, g2)
    # v2 = 0.9·v1 - 0.1·g2 = [-0.045 - 0.1, -0.0225 + 0.05] = [-0.145, 0.0275]
    # p2 = p1 + v2 = [0.95 - 0.145, -2.025 + 0.0275] = [0.805, -1.9975]
    np.testing.assert_allclose(p2[0], [0.805, -1.9975], rtol=1e-14)
    np.testing.assert_array_equal(p1[0], [0.95, -2.025])  # the first result is untouched


def test_momentum_with_a_zero_gradient_keeps_coasting() -> None:
    opt = Momentum(0.5, mu=0.9)
    p = opt.update([np.array([0.0])], [np.array([2.0])])  # v = -1, p = -1
    p = opt.update(p, [np.array([0.0])])  # v = -0.9, p = -1.9
    p = opt.update(p, [np.array([0.0])])  # v = -0.81, p = -2.71
    np.testing.assert_allclose(p[0], [-2.71], rtol=1e-14)


def test_adam_two_steps_with_bias_correction() -> None:
    lr, eps = 0.01, 1e-8
    opt = Adam(lr, beta1=0.9, beta2=0.999, eps=eps)
    p0 = [np.array([1.0, -2.0])]
    g1 = [np.array([0.5, -0.25])]
    g2 = [np.array([0.1, 0.3])]

    p1 = opt.update(p0, g1)
    # m1 = 0.1·g1 = [0.05, -0.025]; v1 = 0.001·g1² = [0.00025, 0.0000625]
    # corrections 1 - 0.9 = 0.1 and 1 - 0.999 = 0.001 give m̂ = g1 and v̂ = g1²,
    # so the first step is lr·g/(|g| + eps) per entry.
    expected1 = [
        1.0 - lr * 0.5 / (0.5 + eps),
        -2.0 - lr * (-0.25) / (0.25 + eps),
    ]
    np.testing.assert_allclose(p1[0], expected1, rtol=1e-14)

    p2 = opt.update(p1, g2)
    # m2 = 0.9·m1 + 0.1·g2 = [0.045 + 0.01, -0.0225 + 0.03] = [0.055, 0.0075]
    # v2 = 0.999·v1 + 0.001·g2² = [0.00024975 + 0.00001, 0.0000624375 + 0.00009]
    #    = [0.00025975, 0.0001524375]
    # corrections 1 - 0.9² = 0.19 and 1 - 0.999² = 0.001999
    m_hat = [0.055 / 0.19, 0.0075 / 0.19]
    v_hat = [0.00025975 / 0.001999, 0.0001524375 / 0.001999]
    expected2 = [
        expected1[0] - lr * m_hat[0] / (math.sqrt(v_hat[0]) + eps),
        expected1[1] - lr * m_hat[1] / (math.sqrt(v_hat[1]) + eps),
    ]
    np.testing.assert_allclose(p2[0], expected2, rtol=1e-12)
    assert opt.t == 2
    np.testing.assert_allclose(opt.m[0], [0.055, 0.0075], rtol=1e-14)
    np.testing.assert_allclose(opt.v[0], [0.00025975, 0.0001524375], rtol=1e-12)


def test_adam_first_step_is_about_lr_whatever_the_gradient_scale() -> None:
    for scale in (1e-3, 1.0, 1e3):
        opt = Adam(0.01)
        p = opt.update([np.array([0.0, 0.0])], [np.array([scale, -scale])])
        np.testing.assert_allclose(p[0], [-0.01, 0.01], rtol=1e-4)


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_float32_stays_float32(name: str) -> None:
    opt = make_optimizer(name, 0.1)
    p = [np.ones((2, 2), dtype=np.float32)]
    g = [np.full((2, 2), 0.5, dtype=np.float32)]
    for _ in range(2):
        p = opt.update(p, g)
    assert p[0].dtype == np.float32


def test_make_optimizer() -> None:
    assert type(make_optimizer("sgd", 0.3)) is Optimizer
    assert isinstance(make_optimizer("momentum", 0.3), Momentum)
    adam = make_optimizer("adam", 0.3)
    assert isinstance(adam, Adam) and adam.lr == 0.3
    with pytest.raises(ValueError, match="sgd, momentum, adam"):
        make_optimizer("rmsprop", 0.1)
