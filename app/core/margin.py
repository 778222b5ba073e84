"""Margin losses for binary labels y in {-1, +1}, functions of the margin m = y * f(x).

``soft_margin_loss`` is torch's logistic loss. The others come from the source
article's list and have no torch function; they are defined by their formulas:

=================  =====================  ======================================
name               loss of the margin m   derivative d loss / d f (y = target)
=================  =====================  ======================================
``hinge``          max(0, 1 - m)          -y where m < 1, else 0 (0 at m == 1)
``squared_hinge``  max(0, 1 - m)²         -2 y max(0, 1 - m)
``perceptron``     max(0, -m)             -y where m < 0, else 0 (0 at m == 0)
``exponential``    exp(-m)                -y exp(-m)
``zero_one``       1 if m <= 0, else 0    0 everywhere (a step has no useful slope)
=================  =====================  ======================================

At a kink the derivative takes the flat side, as torch's ``relu`` does at 0, so a
sample sitting exactly on the margin (hinge) or on the boundary (perceptron) pushes
no further. ``zero_one`` counts m == 0 (no decision) as a mistake.
"""

import numpy as np

from app.core.errors import LossInputError
from app.core.result import LossResult, reduced_result
from app.core.validation import (
    check_reduction,
    floating_point_like_torch,
    same_shape_arrays,
)

__all__ = ["soft_margin_loss", "hinge", "squared_hinge", "perceptron", "exponential", "zero_one"]


@floating_point_like_torch
def soft_margin_loss(input, target, *, reduction: str = "mean") -> LossResult:
    """Logistic (soft margin) loss log(1 + exp(-y f)).

    Args:
      input: scores f(x), any shape.
      target: labels, the same shape as ``input``; usually -1 or +1 (torch accepts
        any real number and so does this function).
      reduction: ``"mean"``, ``"sum"`` or ``"none"``; the mean is over all elements.

    Returns:
      LossResult; ``elementwise`` and ``grad`` have the shape of ``input``.

    Formula, with m = y f: l = log(1 + exp(-m)); d l / d f = -y sigmoid(-m).

    Torch equivalent: ``torch.nn.functional.soft_margin_loss(input, target, reduction=...)``.
    Torch 2.13 evaluates log1p(exp(-m)) as written, so it returns inf (and a NaN
    gradient) once -m exceeds about 88.7 in float32 or 709.8 in float64; this
    function returns the finite value (e.g. 100 for m = -100) and the gradient -y.

    Example:
      >>> soft_margin_loss([0.0, 2.0, -100.0], [1.0, 1.0, 1.0], reduction="none").elementwise.round(4).tolist()
      [0.6931, 0.1269, 100.0]
    """
    input_array, target_array = _input_and_target(input, target, reduction, "soft_margin_loss")
    margin = target_array * input_array
    # exp(-|m|) <= 1 never overflows; log(1 + exp(-m)) = max(-m, 0) + log1p(exp(-|m|)).
    decay = np.exp(-np.abs(margin))
    elementwise = np.maximum(-margin, 0) + np.log1p(decay)
    # sigmoid(-m) from the same bounded exponential: e / (1 + e) for m >= 0, 1 / (1 + e) for m < 0.
    sigmoid_of_negative_margin = np.where(margin >= 0, decay, 1) / (1 + decay)
    return reduced_result(elementwise, -target_array * sigmoid_of_negative_margin, reduction)


@floating_point_like_torch
def hinge(input, target, *, reduction: str = "mean") -> LossResult:
    """Hinge loss max(0, 1 - y f), the SVM loss: zero once a sample is beyond the margin.

    Args:
      input: scores f(x), any shape.
      target: labels, exactly -1 or +1, the same shape as ``input``.
      reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Returns:
      LossResult; ``elementwise`` and ``grad`` have the shape of ``input``.

    Formula, with m = y f: l = max(0, 1 - m); d l / d f = -y if m < 1 else 0
    (0 at the kink m == 1).

    Torch equivalent: none as a function; ``torch.relu(1 - target * input)``
    gives the same values and gradient.

    Example:
      >>> hinge([2.0, 0.5, -1.0], [1.0, 1.0, 1.0], reduction="none").elementwise.tolist()
      [0.0, 0.5, 2.0]
    """
    input_array, target_array = _margin_input_and_target(input, target, reduction, "hinge")
    shortfall = 1 - target_array * input_array
    elementwise = np.maximum(shortfall, 0)
    gradient = np.where(shortfall > 0, -target_array, 0).astype(input_array.dtype, copy=False)
    return reduced_result(elementwise, gradient, reduction)


@floating_point_like_torch
def squared_hinge(input, target, *, reduction: str = "mean") -> LossResult:
    """Squared hinge loss max(0, 1 - y f)²: the hinge made smooth at the margin.

    Args:
      input: scores f(x), any shape.
      target: labels, exactly -1 or +1, the same shape as ``input``.
      reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Returns:
      LossResult; ``elementwise`` and ``grad`` have the shape of ``input``.

    Formula, with m = y f: l = max(0, 1 - m)²; d l / d f = -2 y max(0, 1 - m).

    Torch equivalent: none as a function; ``torch.relu(1 - target * input) ** 2``.

    Example:
      >>> squared_hinge([2.0, 0.5, -1.0], [1.0, 1.0, 1.0], reduction="none").elementwise.tolist()
      [0.0, 0.25, 4.0]
    """
    input_array, target_array = _margin_input_and_target(input, target, reduction, "squared_hinge")
    shortfall = np.maximum(1 - target_array * input_array, 0)
    elementwise = np.square(shortfall)
    gradient = -2 * target_array * shortfall
    return reduced_result(elementwise, gradient, reduction)


@floating_point_like_torch
def perceptron(input, target, *, reduction: str = "mean") -> LossResult:
    """Perceptron loss max(0, -y f): zero for every correctly classified sample, however close.

    Args:
      input: scores f(x), any shape.
      target: labels, exactly -1 or +1, the same shape as ``input``.
      reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Returns:
      LossResult; ``elementwise`` and ``grad`` have the shape of ``input``.

    Formula, with m = y f: l = max(0, -m); d l / d f = -y if m < 0 else 0
    (0 on the boundary m == 0).

    Torch equivalent: none as a function; ``torch.relu(-target * input)``.

    Example:
      >>> perceptron([2.0, 0.5, -1.0], [1.0, 1.0, 1.0], reduction="none").elementwise.tolist()
      [0.0, 0.0, 1.0]
    """
    input_array, target_array = _margin_input_and_target(input, target, reduction, "perceptron")
    margin = target_array * input_array
    elementwise = np.maximum(-margin, 0)
    gradient = np.where(margin < 0, -target_array, 0).astype(input_array.dtype, copy=False)
    return reduced_result(elementwise, gradient, reduction)


@floating_point_like_torch
def exponential(input, target, *, reduction: str = "mean") -> LossResult:
    """Exponential loss exp(-y f), AdaBoost's loss: grows without bound for confident mistakes.

    Args:
      input: scores f(x), any shape.
      target: labels, exactly -1 or +1, the same shape as ``input``.
      reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Returns:
      LossResult; ``elementwise`` and ``grad`` have the shape of ``input``.

    Formula, with m = y f: l = exp(-m); d l / d f = -y exp(-m). The value passes
    the float32 range (about 3.4e38) at m < -88.7 and is then inf, as torch's
    ``exp`` would be.

    Torch equivalent: none as a function; ``torch.exp(-target * input)``.

    Example:
      >>> exponential([0.0, 1.0], [1.0, -1.0], reduction="none").elementwise.round(4).tolist()
      [1.0, 2.7183]
    """
    input_array, target_array = _margin_input_and_target(input, target, reduction, "exponential")
    elementwise = np.exp(-(target_array * input_array))
    return reduced_result(elementwise, -target_array * elementwise, reduction)


@floating_point_like_torch
def zero_one(input, target, *, reduction: str = "mean") -> LossResult:
    """Zero-one loss: 1 for a misclassified sample (margin <= 0), else 0; ``"mean"`` is the error rate.

    Args:
      input: scores f(x), any shape.
      target: labels, exactly -1 or +1, the same shape as ``input``.
      reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Returns:
      LossResult; ``elementwise`` and ``grad`` have the shape of ``input``.

    Formula, with m = y f: l = 1 if m <= 0 else 0 (a score of exactly 0 makes no
    decision and counts as a mistake); d l / d f = 0 everywhere, which is why the
    loss cannot be minimised by gradient descent and surrogates exist.

    Torch equivalent: none; ``(target * input <= 0).float()``.

    Example:
      >>> zero_one([2.0, 0.0, -1.0], [1.0, 1.0, 1.0]).loss.item()
      0.6666666666666666
    """
    input_array, target_array = _margin_input_and_target(input, target, reduction, "zero_one")
    elementwise = (target_array * input_array <= 0).astype(input_array.dtype)
    return reduced_result(elementwise, np.zeros_like(input_array), reduction)


def _input_and_target(input, target, reduction: str, function: str) -> tuple[np.ndarray, np.ndarray]:
    """Check the reduction and return ``input`` and ``target`` as same-shaped arrays of input's dtype."""
    check_reduction(reduction)
    return same_shape_arrays(input, target, function)


def _margin_input_and_target(input, target, reduction: str, function: str) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`_input_and_target`, and every target must be exactly -1 or +1."""
    input_array, target_array = _input_and_target(input, target, reduction, function)
    not_a_label = (target_array != 1) & (target_array != -1)
    if np.any(not_a_label):
        index = tuple(int(i) for i in np.argwhere(not_a_label)[0])
        raise LossInputError(
            "target",
            f"target must be -1 or +1 for {function}, got {target_array[index]} at index {index}: "
            "relabel the classes as -1 and +1 (0/1 labels y become 2y - 1)",
        )
    return input_array, target_array


