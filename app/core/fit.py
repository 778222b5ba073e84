"""Straight-line fits of points under L2, L1, smooth-L1 and Huber losses.

A line y = slope·x + intercept is chosen to minimise the mean loss of the
residuals r_i = y_i - (slope·x_i + intercept). L2 has a closed form (least
squares); the others are solved by iteratively reweighted least squares
(IRLS): each round solves a weighted least-squares problem with weights
w_i = ψ(r_i) / r_i, where ψ is the derivative of the loss, until the line
stops moving. The final weights, normalised to sum 1, say how much each point
steers the fit: equal for L2, small for outliers under L1 and Huber.
Imports numpy only.
"""

from dataclasses import dataclass

import numpy as np

from app.core.errors import LossInputError
from app.core.validation import as_float_array, check_non_negative, check_positive

FIT_LOSSES = ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss")
MAX_ITERATIONS = 500
# Coordinates beyond this, or x closer together than MIN_X_SPREAD, would overflow float64 in the fit.
MAX_COORDINATE = 1e100
MIN_X_SPREAD = 1e-100
# The line has converged when it moves less than this, relative to the data's scale.
TOLERANCE = 1e-12


@dataclass(frozen=True)
class LineFit:
    """A fitted line and how each point fares under it.

    Attributes:
      loss: the loss minimised, e.g. ``"huber_loss"``.
      slope, intercept: the line y = slope·x + intercept.
      residual: y - line(x) per point, shape (N,).
      point_loss: the loss of each residual, shape (N,).
      weight: each point's final IRLS weight, normalised to sum 1, shape (N,).
      iterations: IRLS rounds used (0 for the closed-form L2 fit).
    """

    loss: str
    slope: float
    intercept: float
    residual: np.ndarray
    point_loss: np.ndarray
    weight: np.ndarray
    iterations: int


def point_loss(residual: np.ndarray, loss: str, *, beta: float = 1.0, delta: float = 1.0) -> np.ndarray:
    """Element-wise loss of residuals, shape as ``residual`` (torch's formulas, reduction="none")."""
    with np.errstate(over="ignore"):  # np.where evaluates both branches; the unused one may overflow
        return _point_loss(residual, loss, beta=beta, delta=delta)


def _point_loss(residual: np.ndarray, loss: str, *, beta: float, delta: float) -> np.ndarray:
    size = np.abs(residual)
    if loss == "mse_loss":
        return residual**2
    if loss == "l1_loss" or (loss == "smooth_l1_loss" and beta == 0):
        return size
    if loss == "smooth_l1_loss":
        return np.where(size < beta, 0.5 * residual**2 / beta, size - 0.5 * beta)
    if loss == "huber_loss":
        return np.where(size < delta, 0.5 * residual**2, delta * (size - 0.5 * delta))
    raise LossInputError("loss", f"cannot fit with {loss!r}; use one of {', '.join(FIT_LOSSES)}")


def irls_weight(residual: np.ndarray, loss: str, *, beta: float = 1.0, delta: float = 1.0, floor: float) -> np.ndarray:
    """IRLS weight ψ(r)/r of each residual; |r| is floored at ``floor`` so L1's 1/|r| stays finite."""
    with np.errstate(over="ignore"):  # np.where evaluates both branches; the unused one may overflow
        return _irls_weight(np.maximum(np.abs(residual), floor), loss, beta=beta, delta=delta)


def _irls_weight(size: np.ndarray, loss: str, *, beta: float, delta: float) -> np.ndarray:
    if loss == "mse_loss":
        return np.ones_like(size)
    if loss == "l1_loss" or (loss == "smooth_l1_loss" and beta == 0):
        return 1.0 / size
    if loss == "smooth_l1_loss":
        return np.where(size < beta, 1.0 / beta, 1.0 / size)
    return np.where(size < delta, 1.0, delta / size)


def fit_line(x, y, loss: str, *, beta: float = 1.0, delta: float = 1.0) -> LineFit:
    """Fit y = slope·x + intercept minimising the mean ``loss`` of the residuals.

    Args:
      x: point abscissae, shape (N,), N >= 2 with at least two distinct values.
      y: point ordinates, shape (N,).
      loss: ``"mse_loss"``, ``"l1_loss"``, ``"smooth_l1_loss"`` or ``"huber_loss"``.
      beta: smooth_l1_loss's beta (>= 0; 0 is L1).
      delta: huber_loss's delta (> 0).

    Returns:
      LineFit with the line, per-point residual, loss and normalised weight.

    Formula: minimise (1/N) Σ ℓ(y_i - slope·x_i - intercept). L2: ordinary least
    squares. Others: IRLS from the L2 line with weights ψ(r)/r (L1: 1/|r|,
    smooth L1: 1/β inside |r| < β else 1/|r|, Huber: 1 inside |r| < δ else δ/|r|).

    Torch equivalent: none (fitting ``torch.nn.functional.<loss>`` by gradient descent converges to the same line).

    Example:
      >>> fit = fit_line([0, 1, 2, 3, 4], [0, 1, 2, 3, 40], "l1_loss")
      >>> round(fit.slope, 9), round(fit.intercept, 9), fit.weight.round(3).tolist()
      (1.0, 0.0, [0.25, 0.25, 0.25, 0.25, 0.0])
    """
    if loss not in FIT_LOSSES:
        raise LossInputError("losses", f"cannot fit with {loss!r}; use one of {', '.join(FIT_LOSSES)}")
    beta = check_non_negative(beta, "beta")
    delta = check_positive(delta, "delta")
    for name, value in (("beta", beta), ("delta", delta)):
        if value > MAX_COORDINATE:
            raise LossInputError(name, f"{name} must be at most {MAX_COORDINATE:g}, got {value!r}")
    xs = as_float_array(x, "x", dtype=np.float64)
    ys = as_float_array(y, "y", dtype=np.float64)
    if xs.ndim != 1 or xs.size < 2:
        raise LossInputError("x", f"x must be a list of at least 2 numbers, got shape {xs.shape}")
    if ys.shape != xs.shape:
        raise LossInputError("y", f"y has {ys.size} values, x has {xs.size}: give one y per x")
    for name, values in (("x", xs), ("y", ys)):
        if np.abs(values).max() > MAX_COORDINATE:
            raise LossInputError(
                name, f"{name} must lie within ±{MAX_COORDINATE:g} so that squares and sums of the fit stay finite"
            )
    if np.ptp(xs) == 0:
        raise LossInputError("x", "x must hold at least two distinct values: a vertical line is not y = slope·x + b")
    if np.ptp(xs) < MIN_X_SPREAD:
        raise LossInputError("x", f"x must spread over at least {MIN_X_SPREAD:g}, or the slope overflows")
    # Centre and scale x so the 2x2 normal equations stay well conditioned.
    centre, scale = xs.mean(), np.ptp(xs)
    design = np.stack([(xs - centre) / scale, np.ones_like(xs)], axis=1)
    weights = np.ones_like(xs)
    coefficients = _weighted_least_squares(design, ys, weights)
    iterations = 0
    if loss != "mse_loss":
        # Below this residual size L1's weight 1/|r| is capped, keeping the solve finite.
        floor = max(float(np.abs(ys).max()), 1.0) * 1e-10
        for iterations in range(1, MAX_ITERATIONS + 1):
            weights = irls_weight(ys - design @ coefficients, loss, beta=beta, delta=delta, floor=floor)
            updated = _weighted_least_squares(design, ys, weights)
            moved = np.abs(updated - coefficients).max()
            coefficients = updated
            if moved <= TOLERANCE * max(1.0, float(np.abs(coefficients).max())):
                break
    slope = coefficients[0] / scale
    intercept = coefficients[1] - slope * centre
    if loss == "l1_loss" or (loss == "smooth_l1_loss" and beta == 0):
        slope, intercept = _polish_l1(xs, ys, slope, intercept)
    residual = ys - (slope * xs + intercept)
    if loss != "mse_loss":
        weights = irls_weight(residual, loss, beta=beta, delta=delta, floor=floor)
    return LineFit(
        loss=loss,
        slope=float(slope),
        intercept=float(intercept),
        residual=residual,
        point_loss=point_loss(residual, loss, beta=beta, delta=delta),
        weight=weights / weights.sum(),
        iterations=iterations,
    )


def _polish_l1(xs: np.ndarray, ys: np.ndarray, slope: float, intercept: float) -> tuple[float, float]:
    """Snap an IRLS L1 line to the exact optimum nearby.

    An L1 line fit has an optimum through two of the points; IRLS lands within
    rounding of it. Try the lines through pairs of the points closest to the
    IRLS line and keep whichever has the smallest total absolute residual.
    """
    nearest = np.argsort(np.abs(ys - (slope * xs + intercept)))[:5]
    best = (float(np.abs(ys - (slope * xs + intercept)).sum()), slope, intercept)
    for position, first in enumerate(nearest):
        for second in nearest[position + 1 :]:
            if xs[first] == xs[second]:
                continue
            candidate_slope = (ys[second] - ys[first]) / (xs[second] - xs[first])
            candidate_intercept = ys[first] - candidate_slope * xs[first]
            total = float(np.abs(ys - (candidate_slope * xs + candidate_intercept)).sum())
            if total < best[0]:
                best = (total, float(candidate_slope), float(candidate_intercept))
    return best[1], best[2]


def _weighted_least_squares(design: np.ndarray, ys: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Solve min Σ w_i (y_i - design_i · c)² for the 2 coefficients c."""
    weighted = design * weights[:, None]
    return np.linalg.solve(design.T @ weighted, weighted.T @ ys)
