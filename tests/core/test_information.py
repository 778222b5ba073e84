"""Information measures against torch 2.13.0 (xlogy in float64) and their identities."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.core import information
from app.core.errors import LossInputError
from tests.golden import assert_close, cases

INFORMATION_CASES = cases("information")
MEASURES = {
    "information_content": information.information_content,
    "entropy": information.entropy,
    "cross_entropy": information.cross_entropy,
    "kl_divergence": information.kl_divergence,
}


@pytest.mark.parametrize("case", INFORMATION_CASES, ids=[case["id"] for case in INFORMATION_CASES])
def test_matches_torch(case):
    value = MEASURES[case["function"]](**case["args"], **case["options"])
    if case["function"] == "information_content":
        assert isinstance(value, np.ndarray) and value.dtype == np.float64
    else:
        assert isinstance(value, float)
    assert_close(value, case["expected"]["value"], "float64", what=case["function"])


def test_zero_log_zero_is_zero():
    assert information.entropy([1.0, 0.0]) == 0.0
    assert information.cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert information.kl_divergence([0.0, 1.0], [0.5, 0.5]) == pytest.approx(math.log(2))


def test_impossible_events_cost_infinitely():
    assert information.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert information.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert information.information_content([0.0, 1.0]).tolist() == [math.inf, 0.0]


def test_a_fair_coin_carries_one_bit():
    assert information.entropy([0.5, 0.5], base="2") == pytest.approx(1.0, rel=1e-15)
    assert information.information_content([0.125], base="2").tolist() == [3.0]


def test_information_content_keeps_shape_and_needs_no_normalisation():
    assert information.information_content([[1.0, 0.5], [0.5, 0.5]]).shape == (2, 2)


# --- identities -------------------------------------------------------------------------------------


@st.composite
def distributions(draw, size: int | None = None, allow_zeros: bool = True):
    """A 1-D distribution (normalised weights), some entries possibly exactly 0."""
    size = size or draw(st.integers(1, 8))
    low = 0.0 if allow_zeros else 1e-6
    weights = np.array(draw(st.lists(st.floats(low, 1e3), min_size=size, max_size=size)))
    if allow_zeros:
        weights = weights * np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    assume(weights.sum() > 0)
    return weights / weights.sum()


@st.composite
def distribution_pairs(draw, allow_zeros_in_q: bool = True):
    p = draw(distributions())
    q = draw(distributions(size=p.size, allow_zeros=allow_zeros_in_q))
    return p, q


@settings(max_examples=80, deadline=None)
@given(pair=distribution_pairs(), base=st.sampled_from(["e", "2"]))
def test_cross_entropy_is_entropy_plus_kl(pair, base):
    p, q = pair
    cross_entropy = information.cross_entropy(p, q, base=base)
    split = information.entropy(p, base=base) + information.kl_divergence(p, q, base=base)
    np.testing.assert_allclose(cross_entropy, split, rtol=1e-9, atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(pair=distribution_pairs())
def test_kl_is_non_negative_and_zero_for_equal_distributions(pair):
    p, q = pair
    assert information.kl_divergence(p, q) >= -1e-12
    assert information.kl_divergence(p, p) == 0.0


@settings(max_examples=80, deadline=None)
@given(pair=distribution_pairs(allow_zeros_in_q=False))
def test_bits_are_nats_divided_by_ln_2(pair):
    p, q = pair
    for measure, args in (
        (information.entropy, (p,)),
        (information.cross_entropy, (p, q)),
        (information.kl_divergence, (p, q)),
    ):
        in_bits, in_nats = measure(*args, base="2"), measure(*args, base="e")
        np.testing.assert_allclose(in_bits, in_nats / math.log(2), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(information.information_content(q, base="2"), -np.log2(q), rtol=1e-12, atol=1e-15)


@settings(max_examples=80, deadline=None)
@given(p=distributions())
def test_entropy_lies_between_zero_and_log_k(p):
    value = information.entropy(p)
    assert 0.0 <= value <= math.log(p.size) + 1e-12


# --- argument errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["p", "q"])
def test_distributions_must_sum_to_one(name):
    arguments = {"p": [0.5, 0.5], "q": [0.5, 0.5], name: [0.5, 0.6]}
    with pytest.raises(LossInputError, match=rf"{name} must sum to 1 \(within 1e-06\), got a sum of 1.1") as error:
        information.kl_divergence(**arguments)
    assert error.value.argument == name


def test_sum_within_tolerance_is_accepted_without_normalising():
    slightly_off = [0.5, 0.5 + 5e-7]
    assert information.cross_entropy(slightly_off, [0.5, 0.5]) == pytest.approx((1 + 5e-7) * math.log(2), rel=1e-12)


def test_negative_probability_is_an_error():
    with pytest.raises(LossInputError, match=r"p must be non-negative, got -0.25 at index 1"):
        information.entropy([1.25, -0.25])


@pytest.mark.parametrize("value, shape", [([[0.5, 0.5]], r"\(1, 2\)"), ([], r"\(0,\)"), (1.0, r"\(\)")])
def test_distributions_are_non_empty_1d(value, shape):
    with pytest.raises(LossInputError, match=rf"p must be a non-empty 1-D list of probabilities, got shape {shape}"):
        information.entropy(value)


def test_lengths_must_match():
    with pytest.raises(LossInputError, match=r"q has 3 probabilities, p has 2: both must describe the same outcomes"):
        information.cross_entropy([0.5, 0.5], [0.2, 0.3, 0.5])


@pytest.mark.parametrize("base", ["10", "bits", 2, None])
def test_unknown_base(base):
    with pytest.raises(LossInputError, match=r'base must be "e" \(nats\) or "2" \(bits\), got'):
        information.entropy([1.0], base=base)


@pytest.mark.parametrize("value", [1.5, -0.1])
def test_information_content_wants_probabilities(value):
    with pytest.raises(LossInputError, match=rf"q must hold probabilities in \[0, 1\], got {value} at index \(1,\)"):
        information.information_content([0.5, value])


def test_nan_is_an_error():
    with pytest.raises(LossInputError, match=r"q must be finite, got nan"):
        information.cross_entropy([1.0, 0.0], [math.nan, 1.0])
