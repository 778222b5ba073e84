"""Regression losses against torch 2.13.0 golden values, finite differences and invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from app.core import regression
from app.core.errors import LossInputError
from tests.golden import assert_close, cases, decode

REGRESSION_CASES = cases("regression")
LOSSES = {
    "l1_loss": regression.l1_loss,
    "mse_loss": regression.mse_loss,
    "smooth_l1_loss": regression.smooth_l1_loss,
    "huber_loss": regression.huber_loss,
}


@pytest.mark.parametrize("case", REGRESSION_CASES, ids=[case["id"] for case in REGRESSION_CASES])
def test_matches_torch(case):
    dtype = np.dtype(case["dtype"])
    input = np.asarray(decode(case["args"]["input"]), dtype=dtype)
    target = np.asarray(decode(case["args"]["target"]), dtype=dtype)
    result = LOSSES[case["function"]](input, target, **case["options"])
    for field in ("loss", "elementwise", "grad"):
        value = getattr(result, field)
        assert value.dtype == dtype, field
        assert_close(value, case["expected"][field], case["dtype"], what=field)


def test_golden_file_covers_every_loss_dtype_and_reduction():
    covered = {(c["function"], c["dtype"], c["options"]["reduction"]) for c in REGRESSION_CASES}
    assert covered == {(f, d, r) for f in LOSSES for d in ("float32", "float64") for r in ("mean", "sum", "none")}
    betas = {c["options"]["beta"] for c in REGRESSION_CASES if c["function"] == "smooth_l1_loss"}
    assert betas == {0.0, 0.5, 1.0, 2.5}


def test_l1_gradient_is_zero_at_zero_residual():
    result = regression.l1_loss([1.0, 2.0, 3.0], [1.0, 0.0, 5.0], reduction="sum")
    assert result.grad.tolist() == [0.0, 1.0, -1.0]


def test_lists_become_float64_and_float_targets_take_the_input_dtype():
    assert regression.mse_loss([1, 2], [0, 0]).loss.dtype == np.float64
    result = regression.mse_loss(np.array([1.0, 2.0], dtype=np.float32), np.array([0.1, 0.2], dtype=np.float64))
    assert result.loss.dtype == result.grad.dtype == result.elementwise.dtype == np.float32
    # float32 arithmetic: 2 - float32(0.2) is not 1.8 exactly.
    assert result.elementwise[1] == np.float32(np.float32(2.0) - np.float32(0.2)) ** 2


def test_empty_mean_is_nan_and_sum_is_zero():
    assert np.isnan(regression.huber_loss([], []).loss)
    assert regression.huber_loss([], [], reduction="sum").loss == 0.0
    assert regression.huber_loss([], []).grad.shape == (0,)


# --- finite differences (float64, away from kinks) ---------------------------------------------


def numerical_gradient(function, input: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar ``function`` at ``input``."""
    gradient = np.zeros_like(input)
    for index in np.ndindex(input.shape):
        shifted = input.copy()
        shifted[index] += step
        upper = function(shifted)
        shifted[index] -= 2 * step
        lower = function(shifted)
        gradient[index] = (upper - lower) / (2 * step)
    return gradient


KINK_FREE_RESIDUALS = np.array([[-3.1, -1.4, -0.7, -0.2], [0.15, 0.45, 1.3, 2.9]])


@pytest.mark.parametrize(
    "function, options",
    [
        ("l1_loss", {}),
        ("mse_loss", {}),
        ("smooth_l1_loss", {"beta": 0.0}),
        ("smooth_l1_loss", {"beta": 0.5}),
        ("smooth_l1_loss", {"beta": 1.0}),
        ("smooth_l1_loss", {"beta": 2.5}),
        ("huber_loss", {"delta": 0.5}),
        ("huber_loss", {"delta": 1.0}),
        ("huber_loss", {"delta": 2.5}),
    ],
)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gradient_matches_finite_differences(function, options, reduction):
    loss_function = LOSSES[function]
    target = np.linspace(-1.0, 1.0, KINK_FREE_RESIDUALS.size).reshape(KINK_FREE_RESIDUALS.shape)
    input = target + KINK_FREE_RESIDUALS

    def scalar_loss(x):
        return float(np.sum(loss_function(x, target, reduction=reduction, **options).loss))

    analytic = loss_function(input, target, reduction=reduction, **options).grad
    np.testing.assert_allclose(analytic, numerical_gradient(scalar_loss, input), rtol=1e-6, atol=1e-9)


# --- invariants ---------------------------------------------------------------------------------

residual_arrays = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=2, max_side=6),
    elements=st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False),
)
positive_parameters = st.floats(1e-3, 1e2, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(residual=residual_arrays, delta=positive_parameters)
def test_huber_is_delta_times_smooth_l1_with_beta_delta(residual, delta):
    target = np.zeros_like(residual)
    huber = regression.huber_loss(residual, target, reduction="sum", delta=delta)
    smooth = regression.smooth_l1_loss(residual, target, reduction="sum", beta=delta)
    np.testing.assert_allclose(huber.elementwise, delta * smooth.elementwise, rtol=1e-12, atol=1e-12 * delta)
    np.testing.assert_allclose(huber.grad, delta * smooth.grad, rtol=1e-12, atol=1e-12 * delta)
    np.testing.assert_allclose(huber.loss, delta * smooth.loss, rtol=1e-12, atol=1e-12 * delta)


@settings(max_examples=60, deadline=None)
@given(residual=residual_arrays, beta=st.floats(1e-9, 1e2, allow_nan=False))
def test_smooth_l1_lies_within_half_beta_below_l1(residual, beta):
    target = np.zeros_like(residual)
    smooth = regression.smooth_l1_loss(residual, target, reduction="none", beta=beta).elementwise
    absolute = regression.l1_loss(residual, target, reduction="none").elementwise
    slack = 1e-12 * (1 + absolute)
    assert np.all(smooth <= absolute + slack)
    assert np.all(smooth >= absolute - beta / 2 - slack)


@settings(max_examples=60, deadline=None)
@given(residual=residual_arrays, reduction=st.sampled_from(["mean", "sum", "none"]))
def test_smooth_l1_with_beta_zero_is_exactly_l1(residual, reduction):
    target = np.zeros_like(residual)
    smooth = regression.smooth_l1_loss(residual, target, reduction=reduction, beta=0.0)
    absolute = regression.l1_loss(residual, target, reduction=reduction)
    for field in ("loss", "elementwise", "grad"):
        np.testing.assert_array_equal(getattr(smooth, field), getattr(absolute, field))


@settings(max_examples=60, deadline=None)
@given(residual=residual_arrays)
def test_mse_dominates_l1_beyond_unit_residuals(residual):
    target = np.zeros_like(residual)
    squared = regression.mse_loss(residual, target, reduction="none").elementwise
    absolute = regression.l1_loss(residual, target, reduction="none").elementwise
    beyond = np.abs(residual) >= 1
    assert np.all(squared[beyond] >= absolute[beyond])
    assert np.all(squared[~beyond] <= absolute[~beyond])


# --- argument errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("function", sorted(LOSSES))
def test_shape_mismatch_is_refused_not_broadcast(function):
    with pytest.raises(LossInputError, match=rf"target has shape \(2, 3\), input has \(3,\): {function} wants both"):
        LOSSES[function]([1.0, 2.0, 3.0], np.zeros((2, 3)))


@pytest.mark.parametrize("function", sorted(LOSSES))
def test_unknown_reduction(function):
    with pytest.raises(LossInputError, match=r"reduction must be one of 'none', 'mean', 'sum', got 'batchmean'"):
        LOSSES[function]([1.0], [0.0], reduction="batchmean")


def test_negative_beta_is_an_error():
    with pytest.raises(LossInputError, match=r"beta must be a finite number >= 0, got -0.5") as error:
        regression.smooth_l1_loss([1.0], [0.0], beta=-0.5)
    assert error.value.argument == "beta"


@pytest.mark.parametrize("delta", [0.0, -1.0])
def test_non_positive_delta_is_an_error(delta):
    with pytest.raises(LossInputError, match=rf"delta must be a finite number > 0, got {delta}"):
        regression.huber_loss([1.0], [0.0], delta=delta)


def test_non_number_beta_is_an_error():
    with pytest.raises(LossInputError, match=r"beta must be a number, got '1'"):
        regression.smooth_l1_loss([1.0], [0.0], beta="1")


def test_nan_input_is_an_error():
    with pytest.raises(LossInputError, match=r"input must be finite, got nan at index \(1,\)"):
        regression.mse_loss([1.0, float("nan")], [0.0, 0.0])


def test_infinite_target_is_an_error():
    with pytest.raises(LossInputError, match=r"target must be finite, got inf at index \(0,\)"):
        regression.l1_loss([1.0], [float("inf")])
