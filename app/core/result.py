"""The value a loss function returns."""

from dataclasses import dataclass

import numpy as np


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
