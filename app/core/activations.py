"""Activations that turn logits into probabilities: sigmoid, softmax and friends.

Every function divides its input by ``temperature`` first (a temperature above 1
flattens the distribution, below 1 sharpens it) and computes in the dtype of the
input, so float32 shows float32 rounding exactly as torch does: sigmoid(20) is
exactly 1.0 in float32.
"""

import numpy as np

from app.core.errors import LossInputError
from app.core.validation import as_float_array, check_axis, check_positive, floating_point_like_torch

__all__ = ["sigmoid", "softmax", "log_softmax", "logsumexp", "naive_softmax"]


def _scaled_input(input, dim, temperature) -> tuple[np.ndarray, int, bool]:
    """Check the arguments; return ``(input / temperature, axis, was_scalar)``.

    A 0-d input is viewed as shape (1,), as torch treats a scalar along dim 0.
    """
    array = as_float_array(input, "input")
    temperature = check_positive(temperature, "temperature")
    axis = check_axis(dim, array.ndim, "dim")
    was_scalar = array.ndim == 0
    if was_scalar:
        array = array.reshape(1)
    if temperature != 1.0:
        array = array / array.dtype.type(temperature)
        if not np.all(np.isfinite(array)):
            raise LossInputError(
                "temperature",
                f"input / temperature overflows {array.dtype} with temperature={temperature!r}: "
                "use a larger temperature or smaller logits",
            )
    return array, axis, was_scalar


def _restore(output: np.ndarray, was_scalar: bool) -> np.ndarray:
    return output.reshape(()) if was_scalar else output


@floating_point_like_torch
def sigmoid(input, *, dim: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Logistic sigmoid of ``input / temperature``, element by element.

    Args:
      input: logits, any shape; float32/float64 arrays keep their dtype.
      dim: accepted so all activations share one signature; checked, unused.
      temperature: finite number > 0.
    Returns:
      array shaped as ``input``, values in [0, 1].

    Formula: sigma(x) = 1 / (1 + exp(-x / T)).
    Torch: ``torch.sigmoid(input / temperature)``.

    >>> sigmoid(np.array([0.0, 20.0], dtype=np.float32)).tolist()
    [0.5, 1.0]
    """
    array, _, was_scalar = _scaled_input(input, dim, temperature)
    # Same expression as torch's CPU kernel, so float32 rounds to exactly 1.0 above
    # about 16.64; exp(-x) overflowing to inf for x < -88.72 (float32) gives 0, not NaN.
    with np.errstate(over="ignore"):
        output = np.reciprocal(array.dtype.type(1) + np.exp(-array))
    return _restore(output, was_scalar)


@floating_point_like_torch
def softmax(input, *, dim: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Softmax of ``input / temperature`` along ``dim``.

    Args:
      input: logits, any shape (for example (N, C) with ``dim=-1``).
      dim: the axis that sums to 1; negative counts from the end.
      temperature: finite number > 0.
    Returns:
      array shaped as ``input``; every slice along ``dim`` sums to 1.

    Formula: softmax(x)_i = exp(x_i / T) / sum_j exp(x_j / T).
    Torch: ``torch.softmax(input / temperature, dim)``.

    >>> softmax([1000.0, 1000.0]).tolist()
    [0.5, 0.5]
    """
    array, axis, was_scalar = _scaled_input(input, dim, temperature)
    if array.size == 0:
        return array.copy()
    # Subtracting the max changes nothing mathematically but keeps every exp() <= 1,
    # so large logits cannot overflow to inf (and inf / inf to NaN).
    shifted = array - array.max(axis=axis, keepdims=True)
    exponentials = np.exp(shifted)
    output = exponentials / exponentials.sum(axis=axis, keepdims=True)
    return _restore(output, was_scalar)


@floating_point_like_torch
def log_softmax(input, *, dim: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Logarithm of the softmax of ``input / temperature`` along ``dim``.

    Args:
      input: logits, any shape.
      dim: the class axis; negative counts from the end.
      temperature: finite number > 0.
    Returns:
      array shaped as ``input``, values <= 0 (log-probabilities).

    Formula: log_softmax(x)_i = x_i / T - logsumexp_j(x_j / T).
    Torch: ``torch.log_softmax(input / temperature, dim)``.

    >>> log_softmax([0.0, 0.0]).round(4).tolist()
    [-0.6931, -0.6931]
    """
    array, axis, was_scalar = _scaled_input(input, dim, temperature)
    if array.size == 0:
        return array.copy()
    # Stable log-sum-exp: shift by the max so exp() cannot overflow and the log of a
    # tiny softmax value never underflows to log(0) = -inf.
    shifted = array - array.max(axis=axis, keepdims=True)
    output = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return _restore(output, was_scalar)


@floating_point_like_torch
def logsumexp(input, *, dim: int = -1, temperature: float = 1.0) -> np.ndarray:
    """log(sum(exp(input / temperature))) along ``dim`` (the axis is removed).

    Args:
      input: any shape.
      dim: the axis to reduce; negative counts from the end.
      temperature: finite number > 0.
    Returns:
      array with ``dim`` removed (0-d for a 1-D input).

    Formula: logsumexp(x) = m + log(sum_j exp(x_j / T - m)), m = max_j x_j / T.
    Torch: ``torch.logsumexp(input / temperature, dim)``.

    >>> float(logsumexp([1000.0, 1000.0]))
    1000.6931471805599
    """
    array, axis, was_scalar = _scaled_input(input, dim, temperature)
    if array.size == 0:
        # As torch: the log of an empty sum is log(0) = -inf.
        return np.full(np.delete(array.shape, axis), -np.inf, dtype=array.dtype)
    # Factor out the max so exp() stays <= 1: exp(1000) would overflow to inf.
    maximum = array.max(axis=axis, keepdims=True)
    output = np.log(np.exp(array - maximum).sum(axis=axis)) + np.squeeze(maximum, axis=axis)
    return np.asarray(output, dtype=array.dtype)


@floating_point_like_torch
def naive_softmax(input, *, dim: int = -1) -> np.ndarray:
    """Textbook softmax, exp then normalise, without the max shift: it overflows.

    Only for showing what goes wrong: exp(x) is inf above about 88.7 in float32 (709.8
    in float64), and inf / inf gives NaN. Use :func:`softmax` for real work.

    Args:
      input: logits, any shape.
      dim: the axis that should sum to 1.
    Returns:
      array shaped as ``input``; NaN where the exponentials overflowed.

    Formula: exp(x_i) / sum_j exp(x_j).
    Torch: ``torch.exp(x) / torch.exp(x).sum(dim, keepdim=True)``.

    >>> naive_softmax(np.array([100.0, 0.0], dtype=np.float32)).tolist()
    [nan, 0.0]
    """
    array, axis, was_scalar = _scaled_input(input, dim, 1.0)
    if array.size == 0:
        return array.copy()
    with np.errstate(over="ignore", invalid="ignore"):
        exponentials = np.exp(array)
        output = exponentials / exponentials.sum(axis=axis, keepdims=True)
    return _restore(output, was_scalar)
