"""Activations against torch 2.13 goldens, argument errors and invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from app.core import activations
from app.core.activations import log_softmax, logsumexp, naive_softmax, sigmoid, softmax
from app.core.errors import LossInputError
from tests.golden import assert_close, cases, decode

GOLDEN = cases("activations")


@pytest.mark.parametrize("golden", GOLDEN, ids=[c["id"] for c in GOLDEN])
def test_matches_torch(golden):
    dtype = np.dtype(golden["dtype"])
    args = golden["args"]
    input = np.asarray(args["input"], dtype=dtype).reshape(args["input_shape"])
    output = getattr(activations, golden["function"])(input, **golden["options"])
    expected = np.reshape(decode(golden["expected"]["output"]), golden["expected"]["output_shape"])
    assert isinstance(output, np.ndarray) and output.dtype == dtype
    assert_close(output, expected, golden["dtype"], what="output")


def test_golden_covers_every_function_dtype_and_temperature():
    seen = {(c["function"], c["dtype"]) for c in GOLDEN}
    for function in activations.__all__:
        assert (function, "float32") in seen and (function, "float64") in seen
    assert {c["options"].get("temperature") for c in GOLDEN} >= {0.1, 0.5, 2.0, 10.0, 100.0}


def test_float32_sigmoid_rounds_to_exactly_one_like_torch():
    assert sigmoid(np.array([16.64, 20.0], dtype=np.float32)).tolist() == [1.0, 1.0]
    assert sigmoid(np.array([16.0], dtype=np.float32)).tolist() != [1.0]
    assert sigmoid(np.array([20.0])).tolist() != [1.0]  # float64 still resolves it


def test_naive_softmax_overflows_to_nan_where_the_stable_form_does_not():
    logits = np.array([100.0, 0.0], dtype=np.float32)
    assert np.isnan(naive_softmax(logits)[0])
    assert softmax(logits)[0] == 1.0 and softmax(logits)[1] < 1e-43
    assert np.isnan(naive_softmax(np.array([710.0, 0.0]))[0])
    np.testing.assert_allclose(naive_softmax(np.array([1.0, 2.0])), softmax(np.array([1.0, 2.0])), rtol=1e-15)


def test_huge_finite_logits_give_torch_values_without_warnings():
    # filterwarnings=error would turn a numpy overflow warning into a failure here.
    assert softmax([1e308, -1e308]).tolist() == [1.0, 0.0]
    assert log_softmax([1e308, -1e308]).tolist() == [0.0, -np.inf]
    assert sigmoid(np.array([-1e38], dtype=np.float32)).tolist() == [0.0]


def test_input_is_not_modified_and_lists_become_float64():
    logits = np.array([[1.0, 2.0], [3.0, -4.0]], dtype=np.float32)
    before = logits.copy()
    for function in (sigmoid, softmax, log_softmax, logsumexp):
        function(logits, temperature=2.0)
    np.testing.assert_array_equal(logits, before)
    assert softmax([1, 2, 3]).dtype == np.float64


ERROR_CASES = [
    (softmax, {"temperature": 0.0}, "temperature", r"temperature must be a finite number > 0, got 0.0"),
    (log_softmax, {"temperature": -1.0}, "temperature", r"temperature must be a finite number > 0"),
    (sigmoid, {"temperature": float("inf")}, "temperature", r"finite number > 0"),
    (logsumexp, {"temperature": "hot"}, "temperature", r"temperature must be a number, got 'hot'"),
    (softmax, {"temperature": True}, "temperature", r"must be a number"),
    (softmax, {"temperature": 1e-310}, "temperature", r"input / temperature overflows float64"),
    (softmax, {"dim": 2}, "dim", r"dim must be in \[-2, 1\] for an input with 2 dimensions, got 2"),
    (sigmoid, {"dim": -3}, "dim", r"dim must be in \[-2, 1\]"),
    (log_softmax, {"dim": 1.0}, "dim", r"dim must be an integer, got 1.0"),
    (naive_softmax, {"dim": 5}, "dim", r"dim must be in"),
]


@pytest.mark.parametrize(("function", "options", "argument", "message"), ERROR_CASES)
def test_bad_arguments_raise_naming_the_argument(function, options, argument, message):
    with pytest.raises(LossInputError, match=message) as raised:
        function([[1.0, 2.0], [3.0, 4.0]], **options)
    assert raised.value.argument == argument


@pytest.mark.parametrize("bad", [[1.0, float("nan")], [[1.0], [2.0, 3.0]], ["a", "b"]])
def test_bad_input_is_refused(bad):
    with pytest.raises(LossInputError, match=r"^input must") as raised:
        softmax(bad)
    assert raised.value.argument == "input"


logit_matrices = hnp.arrays(
    st.sampled_from([np.float32, np.float64]),
    hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5),
    elements=st.floats(-500, 500, width=32),
)


@settings(max_examples=80, deadline=None)
@given(logits=logit_matrices, data=st.data())
def test_softmax_sums_to_one_and_ignores_a_constant_shift(logits, data):
    dim = data.draw(st.integers(-logits.ndim, logits.ndim - 1))
    shift = data.draw(st.sampled_from([-50.0, -1.0, 3.0, 64.0]))
    tolerance = 1e-5 if logits.dtype == np.float32 else 1e-12
    probabilities = softmax(logits, dim=dim)
    np.testing.assert_allclose(probabilities.sum(axis=dim), 1.0, rtol=tolerance)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    shifted = softmax(logits.astype(np.float64) + shift, dim=dim)
    np.testing.assert_allclose(shifted, softmax(logits.astype(np.float64), dim=dim), atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(
    first=st.floats(-40, 40), second=st.floats(-40, 40), temperature=st.sampled_from([0.5, 1.0, 3.0])
)
def test_sigmoid_of_difference_equals_two_class_softmax(first, second, temperature):
    pair = softmax([first, second], temperature=temperature)
    np.testing.assert_allclose(sigmoid(first - second, temperature=temperature), pair[0], rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(sigmoid(second - first, temperature=temperature), pair[1], rtol=1e-12, atol=1e-300)


@settings(max_examples=60, deadline=None)
@given(
    logits=hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6), elements=st.floats(-30, 30)),
    temperature=st.sampled_from([0.25, 1.0, 4.0]),
)
def test_log_softmax_is_logits_minus_logsumexp(logits, temperature):
    expected = logits / temperature - logsumexp(logits, dim=1, temperature=temperature)[:, None]
    np.testing.assert_allclose(log_softmax(logits, dim=1, temperature=temperature), expected, atol=1e-12)
    np.testing.assert_allclose(
        np.exp(log_softmax(logits, dim=1, temperature=temperature)), softmax(logits, dim=1, temperature=temperature),
        rtol=1e-12, atol=1e-300,
    )


def test_high_temperature_flattens_and_low_temperature_sharpens():
    logits = np.array([2.0, 1.0, 0.0])
    assert np.ptp(softmax(logits, temperature=100.0)) < 0.01
    assert softmax(logits, temperature=0.01)[0] == 1.0
