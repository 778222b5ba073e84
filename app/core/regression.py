"""Regression losses on the residual ``input - target``: L1, L2 (MSE), smooth L1 and Huber.

Each function matches the ``torch.nn.functional`` function of the same name in
float32 and float64, and returns the loss, the element-wise loss and the analytic
gradient with respect to ``input`` together in a :class:`LossResult`.
"""

import numpy as np

from app.core.result import LossResult, reduced_result
from app.core.validation import (
    check_non_negative,
    check_positive,
    check_reduction,
    floating_point_like_torch,
    same_shape_arrays,
)

__all__ = ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss"]


@floating_point_like_torch
def l1_loss(input, target, *, reduction: str = "mean") -> LossResult:
    """Mean absolute error |input - target|.

    Args:
      input: predictions, any shape.
      target: true values, the same shape as ``input``.
      reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Returns:
      LossResult; ``elementwise`` and ``grad`` have the shape of ``input``.

    Formula: l_i = |x_i - y_i|; d l_i / d x_i = sign(x_i - y_i), which is 0 at a
    zero residual (the subgradient torch picks).

    Torch equivalent: ``torch.nn.functional.l1_loss(input, target, reduction=...)``.

    Example:
      >>> float(l1_loss([1.0, 2.0, 4.0], [1.0, 0.0, 5.0]).loss)
      1.0
    """
    input_array, target_array = _input_and_target(input, target, reduction, "l1_loss")
    return _l1_result(input_array, target_array, reduction)


@floating_point_like_torch
def mse_loss(input, target, *, reduction: str = "mean") -> LossResult:
    """Mean squared error (input - target)².

    Args:
      input: predictions, any shape.
      target: true values, the same shape as ``input``.
      reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Returns:
      LossResult; ``elementwise`` and ``grad`` have the shape of ``input``.

    Formula: l_i = (x_i - y_i)²; d l_i / d x_i = 2 (x_i - y_i).

    Torch equivalent: ``torch.nn.functional.mse_loss(input, target, reduction=...)``.

    Example:
      >>> float(mse_loss([1.0, 2.0, 4.0], [1.0, 0.0, 5.0]).loss)
      1.6666666666666667
    """
    input_array, target_array = _input_and_target(input, target, reduction, "mse_loss")
    residual = np.subtract(input_array, target_array, out=np.empty_like(input_array))  # an array even when 0-d
    elementwise = np.square(residual)
    # The residual is ours alone: turn it into the gradient in place (no extra 10^7-element copy).
    gradient = np.multiply(residual, 2, out=residual)
    return reduced_result(elementwise, gradient, reduction)


@floating_point_like_torch
def smooth_l1_loss(input, target, *, reduction: str = "mean", beta: float = 1.0) -> LossResult:
    """Smooth L1: quadratic for residuals below ``beta``, linear (L1 minus beta/2) beyond.

    Args:
      input: predictions, any shape.
      target: true values, the same shape as ``input``.
      reduction: ``"mean"``, ``"sum"`` or ``"none"``.
      beta: where the quadratic part hands over to the linear part, >= 0.
        ``beta=0`` is exactly :func:`l1_loss`, as in torch.

    Returns:
      LossResult; ``elementwise`` and ``grad`` have the shape of ``input``.

    Formula, with r = x - y: l = r² / (2 beta) if |r| < beta, else |r| - beta / 2;
    d l / d x = clip(r / beta, -1, 1).

    Torch equivalent: ``torch.nn.functional.smooth_l1_loss(input, target, reduction=..., beta=...)``.

    Example:
      >>> smooth_l1_loss([0.5, 3.0], [0.0, 0.0], reduction="none").elementwise.tolist()
      [0.125, 2.5]
    """
    beta = check_non_negative(beta, "beta")
    input_array, target_array = _input_and_target(input, target, reduction, "smooth_l1_loss")
    if beta == 0:
        return _l1_result(input_array, target_array, reduction)
    beta_value = input_array.dtype.type(beta)
    residual = input_array - target_array
    distance = np.abs(residual)
    quadratic = 0.5 * residual * residual / beta_value
    elementwise = np.where(distance < beta_value, quadratic, distance - 0.5 * beta_value)
    gradient = np.clip(residual / beta_value, -1, 1)
    return reduced_result(elementwise, gradient, reduction)


@floating_point_like_torch
def huber_loss(input, target, *, reduction: str = "mean", delta: float = 1.0) -> LossResult:
    """Huber loss: quadratic for residuals below ``delta``, linear with slope ``delta`` beyond.

    Args:
      input: predictions, any shape.
      target: true values, the same shape as ``input``.
      reduction: ``"mean"``, ``"sum"`` or ``"none"``.
      delta: where the quadratic part hands over to the linear part, > 0.

    Returns:
      LossResult; ``elementwise`` and ``grad`` have the shape of ``input``.

    Formula, with r = x - y: l = r² / 2 if |r| < delta, else delta (|r| - delta / 2);
    d l / d x = clip(r, -delta, delta). For equal parameters,
    huber(delta) = delta * smooth_l1(beta=delta).

    Torch equivalent: ``torch.nn.functional.huber_loss(input, target, reduction=..., delta=...)``.

    Example:
      >>> huber_loss([0.5, 3.0], [0.0, 0.0], reduction="none", delta=2.0).elementwise.tolist()
      [0.125, 4.0]
    """
    delta = check_positive(delta, "delta")
    input_array, target_array = _input_and_target(input, target, reduction, "huber_loss")
    delta_value = input_array.dtype.type(delta)
    residual = input_array - target_array
    distance = np.abs(residual)
    quadratic = 0.5 * residual * residual
    linear = delta_value * (distance - 0.5 * delta_value)
    elementwise = np.where(distance < delta_value, quadratic, linear)
    gradient = np.clip(residual, -delta_value, delta_value)
    return reduced_result(elementwise, gradient, reduction)


def _input_and_target(input, target, reduction: str, function: str) -> tuple[np.ndarray, np.ndarray]:
    """Check the reduction and return ``input`` and ``target`` as same-shaped arrays of input's dtype."""
    check_reduction(reduction)
    return same_shape_arrays(input, target, function)


def _l1_result(input_array: np.ndarray, target_array: np.ndarray, reduction: str) -> LossResult:
    """L1 on checked arrays (shared by l1_loss and smooth_l1_loss with beta=0)."""
    residual = input_array - target_array
    return reduced_result(np.abs(residual), np.sign(residual), reduction)


