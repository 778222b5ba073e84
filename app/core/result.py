"""The value a loss function returns."""

from dataclasses import dataclass

import numpy as np

from app.core.validation import reduce


@dataclass(frozen=True)
class LossResult:
    """A loss value and its derivative, travelling together.

    Attributes:
      loss: the reduced loss: a 0-d array for ``"mean"``, ``"sum"`` and
        ``"batchmean"``; for ``"none"`` the element-wise array.
      elementwise: the loss with ``reduction="none"``, shaped as torch shapes it.
      grad: d loss / d input (for ``"none"``: of the sum of the loss), shaped as
        ``input``.
    All three share the dtype of ``input``.
    """

    loss: np.ndarray
    elementwise: np.ndarray
    grad: np.ndarray


def reduced_result(elementwise: np.ndarray, derivative: np.ndarray, reduction: str) -> LossResult:
    """Reduce ``elementwise`` and scale ``derivative`` (d l_i / d x_i) to d loss / d x.

    ``derivative`` must be a private array of the caller's: it is scaled in place
    (no extra copy of a 10^7-element gradient).
    """
    # numpy hands back scalars for 0-d results; LossResult holds arrays (0-d ones for scalar input).
    elementwise, derivative = np.asarray(elementwise), np.asarray(derivative)
    loss, scale = reduce(elementwise, reduction)
    if scale != 1.0:
        np.multiply(derivative, scale, out=derivative)
    return LossResult(loss=np.asarray(loss), elementwise=elementwise, grad=derivative)
