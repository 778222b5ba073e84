"""The shared argument checks of the numeric core: what they accept, convert and refuse."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from app.core.errors import LossInputError
from app.core.validation import (
    as_float_array,
    check_axis,
    check_broadcastable,
    check_in_range,
    check_non_negative,
    check_positive,
    check_reduction,
    check_same_shape,
    reduce,
    resolve_dtype,
)

# --- dtypes and arrays --------------------------------------------------------------------------


@pytest.mark.parametrize("spelling, expected", [(None, None), ("float32", np.float32), (np.float64, np.float64)])
def test_resolve_dtype(spelling, expected):
    assert resolve_dtype(spelling) == (None if expected is None else np.dtype(expected))


@pytest.mark.parametrize("spelling, shown", [("int32", "int32"), ("float16", "float16"), ("bogus", "'bogus'")])
def test_resolve_dtype_refuses_other_types(spelling, shown):
    with pytest.raises(LossInputError, match=rf"dtype must be float32 or float64, got {shown}") as error:
        resolve_dtype(spelling)
    assert error.value.argument == "dtype"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_arrays_keep_their_dtype(dtype):
    assert as_float_array(np.ones(3, dtype=dtype), "input").dtype == dtype


@pytest.mark.parametrize("value", [[1, 2, 3], [1.5, 2.0], 3, 2.5, np.arange(3, dtype=np.int8), np.ones(2, np.float16)])
def test_everything_else_becomes_float64(value):
    assert as_float_array(value, "input").dtype == np.float64


def test_explicit_dtype_converts_with_that_dtype_rounding():
    array = as_float_array([0.1], "target", dtype="float32")
    assert array.dtype == np.float32
    assert array[0] == np.float32(0.1) and float(array[0]) != 0.1


def test_shape_is_kept_including_0d_and_empty():
    assert as_float_array(2.0, "input").shape == ()
    assert as_float_array([], "input").shape == (0,)
    assert as_float_array([[1, 2], [3, 4]], "input").shape == (2, 2)


@pytest.mark.parametrize(
    "value, message",
    [
        ([True, False], r"input must hold real numbers, got values of type bool"),
        (["1.0"], r"input must hold real numbers, got values of type <U3"),
        ([1 + 2j], r"input must hold real numbers, got values of type complex128"),
        ([[1.0, 2.0], [3.0]], r"input must be a rectangular array of numbers"),
        ([1.0, math.nan], r"input must be finite, got nan at index \(1,\)"),
        ([[0.0, 1.0], [-math.inf, 2.0]], r"input must be finite, got -inf at index \(1, 0\)"),
        (math.inf, r"input must be finite, got inf at index \(\)"),
    ],
)
def test_refused_values_name_the_argument_and_the_problem(value, message):
    with pytest.raises(LossInputError, match=message) as error:
        as_float_array(value, "input")
    assert error.value.argument == "input"


def test_values_beyond_float32_are_refused_not_turned_into_inf():
    with pytest.raises(LossInputError, match=r"input holds -1e\+39 at index \(1,\), beyond the float32 range"):
        as_float_array([1.0, -1e39], "input", dtype="float32")
    assert as_float_array([1e39], "input").dtype == np.float64  # fine in float64


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), elements=st.floats(-1e300, 1e300)))
def test_finite_float64_arrays_pass_through_unchanged(array):
    np.testing.assert_array_equal(as_float_array(array.tolist(), "input"), array)


# --- shapes, reductions, axes ------------------------------------------------------------------------


def test_same_shape_passes_and_mismatch_names_both_shapes():
    check_same_shape(np.zeros((2, 3)), np.ones((2, 3)), "mse_loss")
    with pytest.raises(LossInputError, match=r"target has shape \(3,\), input has \(2, 3\): mse_loss wants both"):
        check_same_shape(np.zeros((2, 3)), np.ones(3), "mse_loss")


def test_check_reduction():
    check_reduction("sum")
    check_reduction("batchmean", allowed=("none", "batchmean"))
    with pytest.raises(LossInputError, match=r"reduction must be one of 'none', 'mean', 'sum', got 'batchmean'"):
        check_reduction("batchmean")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_reduce(dtype):
    values = np.array([1.0, 2.0, 6.0], dtype=dtype)
    none, none_scale = reduce(values, "none")
    assert none is values and none_scale == 1.0
    total, sum_scale = reduce(values, "sum")
    assert total == 9.0 and total.dtype == dtype and sum_scale == 1.0
    mean, mean_scale = reduce(values, "mean")
    assert mean == 3.0 and mean.dtype == dtype and mean_scale == pytest.approx(1 / 3)


def test_mean_of_nothing_is_nan_and_sum_is_zero():
    mean, _ = reduce(np.zeros(0, dtype=np.float32), "mean")
    assert np.isnan(mean) and mean.dtype == np.float32
    assert reduce(np.zeros(0), "sum")[0] == 0.0


@pytest.mark.parametrize("dim, ndim, axis", [(-1, 2, 1), (0, 2, 0), (1, 3, 1), (-1, 0, 0), (0, 0, 0)])
def test_check_axis(dim, ndim, axis):
    assert check_axis(dim, ndim) == axis


@pytest.mark.parametrize(
    "dim, message",
    [
        (2, r"dim must be in \[-2, 1\] for an input with 2 dimensions, got 2"),
        (True, r"dim must be an integer, got True"),
    ],
)
def test_check_axis_refuses(dim, message):
    with pytest.raises(LossInputError, match=message):
        check_axis(dim, 2)


def test_check_broadcastable():
    assert check_broadcastable(np.ones(3), (2, 3), "weight", "f").shape == (2, 3)
    with pytest.raises(LossInputError, match=r"weight has shape \(2,\), input has \(2, 3\): f wants weight"):
        check_broadcastable(np.ones(2), (2, 3), "weight", "f")
    with pytest.raises(LossInputError, match=r"weight has shape \(2, 3\), input has \(3,\)"):
        check_broadcastable(np.ones((2, 3)), (3,), "weight", "f")  # would grow the input


# --- scalar options ------------------------------------------------------------------------------


def test_number_checks_return_python_floats():
    assert check_non_negative(0, "beta") == 0.0 and isinstance(check_non_negative(np.int64(2), "beta"), float)
    assert check_positive(np.float32(0.5), "delta") == 0.5
    assert check_in_range(1, "alpha", 0, 1) == 1.0


@pytest.mark.parametrize(
    "check, value, message",
    [
        (check_non_negative, -1.0, r"beta must be a finite number >= 0, got -1.0"),
        (check_non_negative, math.inf, r"beta must be a finite number >= 0, got inf"),
        (check_non_negative, True, r"beta must be a number, got True"),
        (check_non_negative, "1", r"beta must be a number, got '1'"),
        (check_positive, 0, r"beta must be a finite number > 0, got 0"),
        (check_positive, math.nan, r"beta must be a finite number > 0, got nan"),
        (check_positive, None, r"beta must be a number, got None"),
    ],
)
def test_number_checks_refuse(check, value, message):
    with pytest.raises(LossInputError, match=message) as error:
        check(value, "beta")
    assert error.value.argument == "beta"


@pytest.mark.parametrize("value", [-0.01, 1.01, math.nan])
def test_check_in_range_refuses(value):
    with pytest.raises(LossInputError, match=r"alpha must be between 0 and 1, got"):
        check_in_range(value, "alpha", 0, 1)
