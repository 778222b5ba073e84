"""The sigmoid-neuron trainer: gradients, the learning slowdown, errors."""

import math

import numpy as np
import pytest

from app.core.errors import LossInputError
from app.core.neuron import cross_entropy_cost, quadratic_cost, train_neuron


@pytest.mark.parametrize("cost", [quadratic_cost, cross_entropy_cost])
def test_cost_gradients_match_finite_differences(cost):
    x, y = np.array([1.0, -0.5, 2.0]), np.array([0.0, 1.0, 0.3])
    value, grad_w, grad_b = cost(0.7, -0.4, x, y)
    step = 1e-6
    assert grad_w == pytest.approx((cost(0.7 + step, -0.4, x, y)[0] - cost(0.7 - step, -0.4, x, y)[0]) / (2 * step), rel=1e-6)
    assert grad_b == pytest.approx((cost(0.7, -0.4 + step, x, y)[0] - cost(0.7, -0.4 - step, x, y)[0]) / (2 * step), rel=1e-6)
    assert value > 0


def test_cross_entropy_cost_is_binary_cross_entropy_and_finite_when_saturated():
    value, _, _ = cross_entropy_cost(2.0, 2.0, np.array([1.0]), np.array([0.0]))
    a = 1 / (1 + math.exp(-4.0))
    assert value == pytest.approx(-math.log(1 - a), rel=1e-12)
    saturated, _, grad_b = cross_entropy_cost(100.0, 100.0, np.array([1.0]), np.array([0.0]))
    assert saturated == pytest.approx(200.0) and grad_b == pytest.approx(1.0)


def test_one_step_of_gradient_descent():
    run = train_neuron(1.0, 0.0, w0=2.0, b0=2.0, learning_rate=0.15, epochs=1)
    a = 1 / (1 + math.exp(-4.0))
    step = 0.15 * a * a * (1 - a)  # (a - y) σ'(z) x with y = 0, x = 1
    assert run["mse"].w.tolist() == pytest.approx([2.0, 2.0 - step], rel=1e-12)
    assert run["cross_entropy"].b.tolist() == pytest.approx([2.0, 2.0 - 0.15 * a], rel=1e-12)
    assert run["mse"].loss[0] == pytest.approx(0.5 * a * a, rel=1e-12)


def test_saturated_start_learns_slowly_with_mse_and_fast_with_cross_entropy():
    run = train_neuron(1.0, 0.0, w0=2.0, b0=2.0, learning_rate=0.15, epochs=300)
    mse, ce = run["mse"], run["cross_entropy"]
    assert len(mse.loss) == len(ce.w) == 301
    assert mse.loss[50] > 0.9 * mse.loss[0]  # stuck on the plateau
    assert ce.loss[50] < 0.1 * ce.loss[0]
    assert np.all(np.diff(ce.loss) < 0)


def test_zero_epochs_is_only_the_start():
    run = train_neuron([1.0, 2.0], [0.0, 1.0], w0=-1.0, b0=0.5, epochs=0)
    assert run["mse"].w.tolist() == [-1.0] and run["cross_entropy"].b.tolist() == [0.5]


def test_errors():
    with pytest.raises(LossInputError, match=r"y must be in \[0, 1\]"):
        train_neuron(1.0, 1.5)
    with pytest.raises(LossInputError, match=r"y has shape \(1,\), x has \(2,\)"):
        train_neuron([1.0, 2.0], [0.0])
    with pytest.raises(LossInputError, match="learning_rate must be a finite number > 0, got 0"):
        train_neuron(1.0, 0.0, learning_rate=0)
    with pytest.raises(LossInputError, match="epochs must be a whole number >= 0, got -1"):
        train_neuron(1.0, 0.0, epochs=-1)
    with pytest.raises(LossInputError, match="w0 must be a finite number, got inf"):
        train_neuron(1.0, 0.0, w0=math.inf)
