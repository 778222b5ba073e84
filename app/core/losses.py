"""Every loss of the catalogue in one namespace: ``app.core.losses.<name>``.

The functions live in one module per family and are re-exported here unchanged:

- :mod:`app.core.regression`: ``l1_loss``, ``mse_loss``, ``smooth_l1_loss``, ``huber_loss``;
- :mod:`app.core.probabilistic`: ``cross_entropy``, ``nll_loss``, ``binary_cross_entropy``,
  ``binary_cross_entropy_with_logits``, ``kl_div``, ``sigmoid_focal_loss``;
- :mod:`app.core.margin`: ``soft_margin_loss`` and the article's ``hinge``,
  ``squared_hinge``, ``perceptron``, ``exponential``, ``zero_one``.

Each has the signature ``name(input, target, *, reduction="mean", **options)`` and
returns a :class:`~app.core.result.LossResult` (loss, element-wise loss, gradient).
"""

from app.core.margin import exponential, hinge, perceptron, soft_margin_loss, squared_hinge, zero_one
from app.core.probabilistic import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    kl_div,
    nll_loss,
    sigmoid_focal_loss,
)
from app.core.regression import huber_loss, l1_loss, mse_loss, smooth_l1_loss

__all__ = [
    # regression
    "l1_loss",
    "mse_loss",
    "smooth_l1_loss",
    "huber_loss",
    # probabilistic
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "kl_div",
    "sigmoid_focal_loss",
    # margin
    "soft_margin_loss",
    "hinge",
    "squared_hinge",
    "perceptron",
    "exponential",
    "zero_one",
]
