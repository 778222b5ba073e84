"""Margin losses: soft_margin_loss against torch 2.13.0, the article's losses against their
formulas evaluated with torch ops + autograd (scripts/golden/margin.py), finite differences
and invariants."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from app.core import margin
from app.core.errors import LossInputError
from tests.golden import assert_close, cases, decode

MARGIN_CASES = cases("margin")
LOSSES = {
    "soft_margin_loss": margin.soft_margin_loss,
    "hinge": margin.hinge,
    "squared_hinge": margin.squared_hinge,
    "perceptron": margin.perceptron,
    "exponential": margin.exponential,
    "zero_one": margin.zero_one,
}
ARTICLE_LOSSES = sorted(set(LOSSES) - {"soft_margin_loss"})
# Below float32's smallest normal number values are subnormal and carry only a few significant
# bits (exp(-100) is 27 steps of 1.4e-45), so they are compared absolutely.
FLOAT32_SUBNORMAL_ATOL = float(np.finfo(np.float32).tiny)


@pytest.mark.parametrize("case", MARGIN_CASES, ids=[case["id"] for case in MARGIN_CASES])
def test_matches_golden(case):
    dtype = np.dtype(case["dtype"])
    input = np.asarray(decode(case["args"]["input"]), dtype=dtype)
    target = np.asarray(decode(case["args"]["target"]), dtype=dtype)
    result = LOSSES[case["function"]](input, target, **case["options"])
    atol = FLOAT32_SUBNORMAL_ATOL if dtype == np.float32 else 0.0
    for field in ("loss", "elementwise", "grad"):
        value = getattr(result, field)
        assert value.dtype == dtype, field
        assert_close(value, case["expected"][field], case["dtype"], what=field, atol=atol)


def test_golden_file_covers_every_loss_dtype_and_reduction():
    covered = {(c["function"], c["dtype"], c["options"]["reduction"]) for c in MARGIN_CASES}
    assert covered == {(f, d, r) for f in LOSSES for d in ("float32", "float64") for r in ("mean", "sum", "none")}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_soft_margin_stays_finite_at_large_margins(dtype):
    # torch 2.13 gives inf and a NaN gradient here in float32; the stable form gives the true values.
    scores, labels = np.array([-100.0, 100.0], dtype=dtype), np.array([1.0, -1.0], dtype=dtype)
    result = margin.soft_margin_loss(scores, labels, reduction="none")
    assert result.elementwise.tolist() == [100.0, 100.0]
    assert result.grad.tolist() == [-1.0, 1.0]


def test_margins_past_the_float32_range_give_inf_without_warnings():
    # 1e30 * -1e30 overflows float32: the loss is inf (the true value, 1e60, is not representable).
    scores = np.array([-1e30, 1e30], dtype=np.float32)
    result = margin.soft_margin_loss(scores, np.array([1e30, 1e30], dtype=np.float32), reduction="none")
    assert result.elementwise.tolist() == [math.inf, 0.0]
    np.testing.assert_array_equal(result.grad, -np.float32(1e30) * np.array([1, 0], dtype=np.float32))


def test_kink_conventions():
    # hinge at m == 1 and perceptron at m == 0 take the flat side; zero_one counts m == 0 as a mistake.
    assert margin.hinge([1.0, -1.0], [1.0, -1.0], reduction="none").grad.tolist() == [0.0, 0.0]
    assert margin.perceptron([0.0], [1.0], reduction="none").grad.tolist() == [0.0]
    result = margin.zero_one([0.0, 0.5, -0.5], [1.0, 1.0, 1.0], reduction="none")
    assert result.elementwise.tolist() == [1.0, 0.0, 1.0]
    assert result.grad.tolist() == [0.0, 0.0, 0.0]


def test_zero_one_mean_is_the_error_rate():
    scores = [2.0, -1.0, 0.3, -0.2, 1.5]
    labels = [1.0, 1.0, -1.0, -1.0, 1.0]
    assert margin.zero_one(scores, labels).loss == pytest.approx(2 / 5)


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


# Margins -2.2, -0.6, 0.4, 1.7, 0.3, -1.1, 2.5, -0.25: none at the kinks 0 and 1.
KINK_FREE_INPUT = np.array([[-2.2, -0.6, 0.4, 1.7], [-0.3, 1.1, -2.5, 0.25]])
KINK_FREE_TARGET = np.array([[1.0, 1.0, 1.0, 1.0], [-1.0, -1.0, -1.0, -1.0]])


@pytest.mark.parametrize("function", sorted(LOSSES))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gradient_matches_finite_differences(function, reduction):
    loss_function = LOSSES[function]

    def scalar_loss(x):
        return float(np.sum(loss_function(x, KINK_FREE_TARGET, reduction=reduction).loss))

    analytic = loss_function(KINK_FREE_INPUT, KINK_FREE_TARGET, reduction=reduction).grad
    numeric = numerical_gradient(scalar_loss, KINK_FREE_INPUT)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


# --- invariants ---------------------------------------------------------------------------------

score_arrays = hnp.arrays(
    np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=6), elements=st.floats(-30, 30, allow_nan=False)
)


def labels_like(scores: np.ndarray, data) -> np.ndarray:
    signs = data.draw(hnp.arrays(np.bool_, scores.shape))
    return np.where(signs, 1.0, -1.0)


@settings(max_examples=60, deadline=None)
@given(scores=score_arrays, data=st.data())
def test_surrogates_bound_the_zero_one_loss(scores, data):
    labels = labels_like(scores, data)

    def elementwise(name):
        return LOSSES[name](scores, labels, reduction="none").elementwise

    mistakes = elementwise("zero_one")
    assert np.all(elementwise("hinge") >= mistakes)
    assert np.all(elementwise("squared_hinge") >= mistakes)
    assert np.all(elementwise("exponential") >= mistakes)
    # The logistic loss in bits, log2(1 + exp(-m)), is 1 at m = 0 and above the step everywhere.
    assert np.all(elementwise("soft_margin_loss") / math.log(2) >= mistakes - 1e-12)
    assert np.all(elementwise("perceptron") <= elementwise("hinge"))


@settings(max_examples=60, deadline=None)
@given(scores=score_arrays, data=st.data())
def test_losses_depend_on_the_margin_only(scores, data):
    labels = labels_like(scores, data)
    for name, loss_function in LOSSES.items():
        direct = loss_function(scores, labels, reduction="none")
        # The same margins with every label +1.
        flipped = loss_function(labels * scores, np.ones_like(labels), reduction="none")
        np.testing.assert_array_equal(direct.elementwise, flipped.elementwise, err_msg=name)
        np.testing.assert_array_equal(direct.grad, labels * flipped.grad, err_msg=name)


@settings(max_examples=60, deadline=None)
@given(scores=score_arrays, targets=st.data())
def test_stable_soft_margin_equals_the_textbook_formula_where_that_is_finite(scores, targets):
    labels = targets.draw(hnp.arrays(np.float64, scores.shape, elements=st.floats(-2, 2, allow_nan=False)))
    result = margin.soft_margin_loss(scores, labels, reduction="none")
    np.testing.assert_allclose(result.elementwise, np.log1p(np.exp(-labels * scores)), rtol=1e-12, atol=1e-300)
    decay = np.exp(-labels * scores)
    np.testing.assert_allclose(result.grad, -labels * decay / (1 + decay), rtol=1e-12, atol=1e-300)


# --- argument errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("function", ARTICLE_LOSSES)
@pytest.mark.parametrize("bad_label", [0.0, 0.5, 2.0])
def test_article_losses_want_labels_minus_one_or_plus_one(function, bad_label):
    with pytest.raises(
        LossInputError, match=rf"target must be -1 or \+1 for {function}, got {bad_label} at index \(1,\): relabel"
    ) as error:
        LOSSES[function]([0.5, 0.5, 0.5], [1.0, bad_label, -1.0])
    assert error.value.argument == "target"


def test_soft_margin_accepts_any_real_target_as_torch_does():
    result = margin.soft_margin_loss([1.0], [0.0], reduction="sum")
    assert result.loss == pytest.approx(math.log(2))


@pytest.mark.parametrize("function", sorted(LOSSES))
def test_shape_mismatch_is_refused(function):
    with pytest.raises(LossInputError, match=rf"target has shape \(1, 2\), input has \(2,\): {function} wants both"):
        LOSSES[function]([1.0, -1.0], [[1.0, -1.0]])


@pytest.mark.parametrize("function", sorted(LOSSES))
def test_unknown_reduction(function):
    with pytest.raises(LossInputError, match=r"reduction must be one of 'none', 'mean', 'sum', got 'average'"):
        LOSSES[function]([1.0], [1.0], reduction="average")


def test_infinite_score_is_an_error():
    with pytest.raises(LossInputError, match=r"input must be finite, got -inf at index \(0,\)"):
        margin.hinge([-math.inf], [1.0])
