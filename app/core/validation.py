"""Shared argument checks for the numeric core.

Every check raises :class:`LossInputError` with a message that names the
argument, says what was received and what is expected.
"""

import functools
from collections.abc import Sequence

import numpy as np

from app.core.errors import LossInputError

FLOAT_DTYPES = (np.float32, np.float64)
REDUCTIONS = ("none", "mean", "sum")


def resolve_dtype(dtype) -> np.dtype | None:
    """Turn ``None``, ``"float32"``, ``"float64"`` or a numpy float dtype into a dtype."""
    if dtype is None:
        return None
    try:
        resolved = np.dtype(dtype)
    except TypeError as error:
        raise LossInputError("dtype", f"dtype must be float32 or float64, got {dtype!r}") from error
    if resolved not in FLOAT_DTYPES:
        raise LossInputError("dtype", f"dtype must be float32 or float64, got {resolved}")
    return resolved


def as_float_array(value, name: str, dtype=None) -> np.ndarray:
    """Return ``value`` as a finite float32/float64 array.

    A floating array keeps its dtype unless ``dtype`` is given; anything else
    (lists, ints, Python floats) becomes ``dtype`` or float64. Booleans, strings,
    ragged lists and NaN/Inf are refused.
    """
    wanted = resolve_dtype(dtype)
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise LossInputError(name, f"{name} must be a rectangular array of numbers: {error}") from error
    if array.dtype == np.bool_ or not (
        np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)
    ):
        raise LossInputError(name, f"{name} must hold real numbers, got values of type {array.dtype}")
    if wanted is None:
        wanted = array.dtype if array.dtype in FLOAT_DTYPES else np.dtype(np.float64)
    with np.errstate(over="ignore"):  # a value past float32's range becomes inf and is reported below
        converted = array.astype(wanted, copy=False)
    if not np.all(np.isfinite(converted)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(converted))[0])
        if np.isfinite(array[bad]):
            raise LossInputError(
                name,
                f"{name} holds {array[bad]} at index {bad}, beyond the {wanted} range "
                f"(about ±{np.finfo(wanted).max:.3g}): use float64 or smaller values",
            )
        raise LossInputError(name, f"{name} must be finite, got {array[bad]} at index {bad}")
    return converted


def check_same_shape(input: np.ndarray, target: np.ndarray, function: str) -> None:
    """Element-wise losses need ``target`` shaped exactly as ``input`` (no broadcasting)."""
    if input.shape != target.shape:
        raise LossInputError(
            "target",
            f"target has shape {input_shape(target)}, input has {input_shape(input)}: "
            f"{function} wants both the same shape",
        )


def same_shape_arrays(input, target, function: str) -> tuple[np.ndarray, np.ndarray]:
    """``input`` as a float array and ``target`` as one of input's dtype, both the same shape."""
    input_array = as_float_array(input, "input")
    target_array = as_float_array(target, "target", dtype=input_array.dtype)
    check_same_shape(input_array, target_array, function)
    return input_array, target_array


def input_shape(array: np.ndarray) -> tuple[int, ...]:
    return tuple(int(size) for size in array.shape)


def check_reduction(reduction: str, allowed: Sequence[str] = REDUCTIONS) -> None:
    if reduction not in allowed:
        raise LossInputError(
            "reduction", f"reduction must be one of {', '.join(repr(r) for r in allowed)}, got {reduction!r}"
        )


def check_non_negative(value: float, name: str) -> float:
    if not isinstance(value, (int, float, np.floating, np.integer)) or isinstance(value, bool):
        raise LossInputError(name, f"{name} must be a number, got {value!r}")
    if not np.isfinite(value) or value < 0:
        raise LossInputError(name, f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def reduce(elementwise: np.ndarray, reduction: str) -> tuple[np.ndarray, float]:
    """Reduce element-wise losses and return ``(loss, scale)``.

    ``scale`` is d loss / d elementwise for one element: 1 for ``"sum"`` and
    ``"none"``, 1/N for ``"mean"`` (the mean of an empty array is NaN, as torch).
    """
    if reduction == "none":
        return elementwise, 1.0
    if reduction == "sum":
        return elementwise.sum(dtype=elementwise.dtype), 1.0
    count = elementwise.size
    if count == 0:
        return np.asarray(np.nan, dtype=elementwise.dtype), 1.0
    return elementwise.mean(dtype=elementwise.dtype), 1.0 / count


def check_positive(value: float, name: str) -> float:
    """A finite number > 0 (temperatures, scales); returns it as a Python float."""
    if not isinstance(value, (int, float, np.floating, np.integer)) or isinstance(value, bool):
        raise LossInputError(name, f"{name} must be a number, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise LossInputError(name, f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def check_in_range(value: float, name: str, low: float, high: float) -> float:
    """A finite number in the closed interval [low, high]; returns it as a Python float."""
    if not isinstance(value, (int, float, np.floating, np.integer)) or isinstance(value, bool):
        raise LossInputError(name, f"{name} must be a number, got {value!r}")
    if not np.isfinite(value) or not low <= value <= high:
        raise LossInputError(name, f"{name} must be between {low} and {high}, got {value!r}")
    return float(value)


def check_axis(dim, ndim: int, name: str = "dim") -> int:
    """A valid axis for an array of ``ndim`` dimensions (negative counts from the end).

    As torch, a 0-d array accepts ``dim`` -1 and 0. Returns the non-negative axis.
    """
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise LossInputError(name, f"{name} must be an integer, got {dim!r}")
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise LossInputError(
            name, f"{name} must be in [{-size}, {size - 1}] for an input with {ndim} dimensions, got {dim}"
        )
    return int(dim) % size


def check_broadcastable(array: np.ndarray, shape: tuple[int, ...], name: str, function: str) -> np.ndarray:
    """Broadcast ``array`` to ``shape`` (numpy/torch rules; the result may not grow past ``shape``)."""
    try:
        grown = np.broadcast_shapes(array.shape, shape)
    except ValueError:
        grown = None
    if grown != tuple(shape):
        raise LossInputError(
            name,
            f"{name} has shape {input_shape(array)}, input has {tuple(int(s) for s in shape)}: "
            f"{function} wants {name} broadcastable to the input's shape",
        )
    return np.broadcast_to(array, shape)


def floating_point_like_torch(function):
    """Decorator: overflow gives inf and 0/0 gives NaN silently, as in torch.

    Finite but huge inputs (1e308 logits, 1e38 in float32) can overflow inside a loss;
    torch returns inf/NaN without complaint, numpy would warn (an error under
    ``filterwarnings = error``). Callers such as the API decide how to report them.
    """

    @functools.wraps(function)
    def quiet(*args, **kwargs):
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            return function(*args, **kwargs)

    return quiet
