"""The numeric core of Loss Lab: pure numpy functions, no web framework.

Layout, one job per module:

- ``regression``, ``probabilistic``, ``margin``: the losses by family; each returns a
  :class:`result.LossResult` (loss, element-wise loss, gradient with respect to input);
- ``losses``: every loss in one namespace, ``app.core.losses.<name>``;
- ``activations``: sigmoid, softmax, log-softmax, logsumexp (dim, temperature);
- ``information``: information content, entropy, cross-entropy and KL of distributions;
- ``validation`` and ``errors``: the shared argument checks and the one error they
  raise, :class:`errors.LossInputError`;
- the registry, the line fit and the neuron trainer build on these for the API and pages.

The submodules are imported here, so ``import app.core`` gives ``app.core.losses`` etc.;
public names are reached through their module (``app.core.losses.mse_loss``).
"""

from app.core import activations, errors, information, losses, margin, probabilistic, regression, result, validation

__all__ = [
    "activations",
    "errors",
    "information",
    "losses",
    "margin",
    "probabilistic",
    "regression",
    "result",
    "validation",
]
