"""Line fits under L2, L1, smooth L1 and Huber: optimality, robustness, weights, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.errors import LossInputError
from app.core.fit import FIT_LOSSES, fit_line, point_loss

X = np.arange(7.0)
Y = np.array([0.2, 1.1, 1.9, 3.2, 3.9, 5.1, 40.0])  # y ≈ x with one outlier


def mean_loss(slope, intercept, loss, **options):
    return point_loss(Y - (slope * X + intercept), loss, **options).mean()


def test_l2_is_ordinary_least_squares():
    fit = fit_line(X, Y, "mse_loss")
    slope, intercept = np.polyfit(X, Y, 1)
    assert fit.slope == pytest.approx(slope, rel=1e-12)
    assert fit.intercept == pytest.approx(intercept, rel=1e-12)
    np.testing.assert_allclose(fit.weight, np.full(7, 1 / 7))
    assert fit.iterations == 0


@pytest.mark.parametrize("loss", FIT_LOSSES)
def test_fit_is_a_minimum_of_the_mean_loss(loss):
    fit = fit_line(X, Y, loss, beta=0.5, delta=0.5)
    options = {"beta": 0.5, "delta": 0.5}
    best = mean_loss(fit.slope, fit.intercept, loss, **options)
    for d_slope, d_intercept in [(1e-4, 0), (-1e-4, 0), (0, 1e-4), (0, -1e-4), (1e-4, -1e-4), (-1e-4, 1e-4)]:
        assert best <= mean_loss(fit.slope + d_slope, fit.intercept + d_intercept, loss, **options) + 1e-12
    np.testing.assert_allclose(fit.residual, Y - (fit.slope * X + fit.intercept))
    assert fit.weight.sum() == pytest.approx(1.0)


def test_robust_losses_hold_while_l2_swings_to_the_outlier():
    slopes = {loss: fit_line(X, Y, loss).slope for loss in FIT_LOSSES}
    assert slopes["mse_loss"] > 3.5
    for loss in ("l1_loss", "smooth_l1_loss", "huber_loss"):
        assert slopes[loss] == pytest.approx(1.0, abs=0.25), loss  # the outlier pulls with a bounded force
    weights = fit_line(X, Y, "huber_loss").weight
    assert weights[-1] < weights[:-1].min() / 10  # the outlier steers the Huber fit least


def test_l1_fit_is_exact_through_two_points():
    fit = fit_line([0, 1, 2, 3, 4], [0, 1, 2, 3, 40], "l1_loss")
    assert (fit.slope, fit.intercept) == (1.0, 0.0)


def test_smooth_l1_with_beta_zero_is_l1_and_huber_is_beta_scaled_smooth_l1():
    assert fit_line(X, Y, "smooth_l1_loss", beta=0).slope == pytest.approx(fit_line(X, Y, "l1_loss").slope, abs=1e-9)
    huber = fit_line(X, Y, "huber_loss", delta=0.7)
    smooth = fit_line(X, Y, "smooth_l1_loss", beta=0.7)
    assert huber.slope == pytest.approx(smooth.slope, rel=1e-9)
    np.testing.assert_allclose(huber.point_loss, 0.7 * smooth.point_loss, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(-100, 100), min_size=3, max_size=12, unique=True),
    st.floats(-5, 5),
    st.floats(-5, 5),
)
def test_points_on_a_line_are_fitted_exactly_by_every_loss(xs, slope, intercept):
    ys = [slope * x + intercept for x in xs]
    for loss in FIT_LOSSES:
        fit = fit_line(xs, ys, loss)
        assert fit.slope == pytest.approx(slope, abs=1e-6)
        assert fit.intercept == pytest.approx(intercept, abs=1e-5)


def test_a_tiny_beta_with_large_residuals_stays_finite_and_quiet():
    fit = fit_line([0.0, 0.0, 3.0], [0.0, 1.3e70, 0.0], "smooth_l1_loss", beta=1.2e-169)
    assert np.all(np.isfinite(fit.point_loss)) and np.isfinite(fit.slope)


def test_errors():
    with pytest.raises(LossInputError, match="x must hold at least two distinct values"):
        fit_line([1, 1], [0, 1], "mse_loss")
    with pytest.raises(LossInputError, match="y has 2 values, x has 3: give one y per x"):
        fit_line([0, 1, 2], [0, 1], "l1_loss")
    with pytest.raises(LossInputError, match=r"x must be a list of at least 2 numbers, got shape \(1,\)"):
        fit_line([0], [0], "l1_loss")
    with pytest.raises(LossInputError, match="cannot fit with 'hinge'"):
        fit_line([0, 1], [0, 1], "hinge")
    with pytest.raises(LossInputError, match="delta must be a finite number > 0, got 0"):
        fit_line([0, 1], [0, 1], "huber_loss", delta=0)
    with pytest.raises(LossInputError, match="beta must be a finite number >= 0, got -1"):
        fit_line([0, 1], [0, 1], "smooth_l1_loss", beta=-1)
    with pytest.raises(LossInputError, match=r"y must lie within ±1e\+100 so that squares and sums of the fit stay finite"):
        fit_line([0, 1], [0, 1e200], "mse_loss")
    with pytest.raises(LossInputError, match=r"x must lie within ±1e\+100"):
        fit_line([3e292, -1.7e308], [0, 0], "mse_loss")  # checked before the spread, which would overflow
    with pytest.raises(LossInputError, match=r"x must spread over at least 1e-100, or the slope overflows"):
        fit_line([0, 2.2e-311], [0, 1], "mse_loss")
    with pytest.raises(LossInputError, match="y must be finite"):
        fit_line([0, 1], [0, float("nan")], "mse_loss")
