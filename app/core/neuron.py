"""One sigmoid neuron trained by gradient descent with two costs: why sigmoid + MSE learns slowly.

The neuron computes a = σ(w·x + b). From the same start (w0, b0) it is trained
by full-batch gradient descent once with the quadratic cost ½(a - y)² and once
with the cross-entropy cost -[y log a + (1 - y) log(1 - a)], each averaged over
the samples. The quadratic cost's gradient carries the factor σ'(z) = a(1 - a),
which is tiny when the neuron starts saturated (a near 0 or 1), so learning
crawls; cross-entropy's gradient is (a - y)·x with no such factor.
Imports numpy only.
"""

from dataclasses import dataclass

import numpy as np

from app.core.errors import LossInputError
from app.core.validation import as_float_array, check_positive


@dataclass(frozen=True)
class Trajectory:
    """Cost, weight and bias at each epoch, each shape (epochs + 1,); entry 0 is the start."""

    loss: np.ndarray
    w: np.ndarray
    b: np.ndarray


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # exp of a non-positive number never overflows: σ(z) = 1/(1+e^-z) for z >= 0, e^z/(1+e^z) below.
    decay = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + decay), decay / (1.0 + decay))


def quadratic_cost(w: float, b: float, x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Mean ½(a - y)² and its derivatives: ``(cost, d cost/d w, d cost/d b)``.

    Formula: a = σ(wx + b); d/dw = mean((a - y) σ'(z) x), d/db = mean((a - y) σ'(z)), σ'(z) = a(1 - a).
    """
    activation = _sigmoid(w * x + b)
    error = activation - y
    delta = error * activation * (1 - activation)
    return float(np.mean(0.5 * error**2)), float(np.mean(delta * x)), float(np.mean(delta))


def cross_entropy_cost(w: float, b: float, x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Mean binary cross-entropy of σ(wx + b) against y and its derivatives.

    Formula: C = mean(softplus(z) - y z) (= -[y log a + (1 - y) log(1 - a)]);
    d/dw = mean((a - y) x), d/db = mean(a - y).
    """
    z = w * x + b
    # softplus(z) = log(1 + e^z) via logaddexp: finite for any z, where log(1 - a) would hit log 0.
    cost = float(np.mean(np.logaddexp(0.0, z) - y * z))
    error = _sigmoid(z) - y
    return cost, float(np.mean(error * x)), float(np.mean(error))


def train_neuron(x, y, *, w0: float = 2.0, b0: float = 2.0, learning_rate: float = 0.15, epochs: int = 300) -> dict[str, Trajectory]:
    """Train σ(w·x + b) by full-batch gradient descent with both costs from the same start.

    Args:
      x: input(s), a number or shape (N,).
      y: desired output(s) in [0, 1], shaped as ``x``.
      w0, b0: starting weight and bias.
      learning_rate: step size η > 0.
      epochs: number of steps >= 0.

    Returns:
      ``{"mse": Trajectory, "cross_entropy": Trajectory}``, each with ``epochs + 1``
      entries; entry k is the cost at (w_k, b_k) before step k + 1.

    Formula: (w, b) ← (w, b) - η ∇C. The quadratic cost is ½(a - y)² ("mse").

    Torch equivalent: ``torch.optim.SGD(lr=learning_rate)`` on ``0.5 * F.mse_loss(torch.sigmoid(w*x + b), y)``
    and on ``F.binary_cross_entropy_with_logits(w*x + b, y)``.

    Example:
      >>> run = train_neuron(1.0, 0.0, w0=2.0, b0=2.0, learning_rate=0.15, epochs=300)
      >>> round(float(run["mse"].loss[-1]), 3) > round(float(run["cross_entropy"].loss[-1]), 3)
      True
    """
    xs = np.atleast_1d(as_float_array(x, "x", dtype=np.float64))
    ys = np.atleast_1d(as_float_array(y, "y", dtype=np.float64))
    if xs.ndim != 1 or ys.shape != xs.shape:
        raise LossInputError("y", f"y has shape {ys.shape}, x has {xs.shape}: give one y per x")
    if np.any((ys < 0) | (ys > 1)):
        raise LossInputError("y", "y must be in [0, 1]: it is the output a sigmoid neuron should reach")
    for name, value in (("w0", w0), ("b0", b0)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not np.isfinite(value):
            raise LossInputError(name, f"{name} must be a finite number, got {value!r}")
    rate = check_positive(learning_rate, "learning_rate")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise LossInputError("epochs", f"epochs must be a whole number >= 0, got {epochs!r}")
    runs = {}
    for name, cost_function in (("mse", quadratic_cost), ("cross_entropy", cross_entropy_cost)):
        loss = np.empty(epochs + 1)
        weights = np.empty(epochs + 1)
        biases = np.empty(epochs + 1)
        w, b = float(w0), float(b0)
        for epoch in range(epochs + 1):
            cost, grad_w, grad_b = cost_function(w, b, xs, ys)
            loss[epoch], weights[epoch], biases[epoch] = cost, w, b
            w, b = w - rate * grad_w, b - rate * grad_b
        runs[name] = Trajectory(loss=loss, w=weights, b=biases)
    return runs
