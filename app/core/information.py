"""Information measures of discrete distributions: information content, entropy, cross-entropy, KL.

All work in float64 and take ``base="e"`` (nats) or ``base="2"`` (bits); a value in
bits is the value in nats divided by ln 2. Terms with p_i = 0 contribute nothing
(the convention 0 * log 0 = 0, the limit of p log p as p -> 0). Where q_i = 0 but
p_i > 0 the event deemed impossible happens, and cross-entropy and KL are +inf.

Distributions are 1-D, non-negative and sum to 1 within 1e-6; they are never
normalised silently, so a typo shows up as an error rather than a wrong number.
"""

import math

import numpy as np

from app.core.errors import LossInputError
from app.core.validation import as_float_array

__all__ = ["information_content", "entropy", "cross_entropy", "kl_divergence"]

BASES = {"e": 1.0, "2": math.log(2.0)}  # divide a value in nats by this to express it in the base
SUM_TOLERANCE = 1e-6


def information_content(q, *, base: str = "e") -> np.ndarray:
    """Surprise -log q of each event, in nats or bits.

    Args:
      q: probabilities of events, any shape, each in [0, 1]. Each element is its
        own event, so they need not sum to 1.
      base: ``"e"`` for nats, ``"2"`` for bits.

    Returns:
      float64 array shaped as ``q``; +inf where q = 0 (an impossible event).

    Formula: I(q) = -log_b q.

    Torch equivalent: ``-torch.log(q)`` (divided by ln 2 for bits).

    Example:
      >>> information_content([1.0, 0.5, 0.25], base="2").tolist()
      [0.0, 1.0, 2.0]
    """
    divisor = _base_divisor(base)
    probabilities = as_float_array(q, "q", dtype=np.float64)
    outside = (probabilities < 0) | (probabilities > 1)
    if np.any(outside):
        index = tuple(int(i) for i in np.argwhere(outside)[0])
        raise LossInputError("q", f"q must hold probabilities in [0, 1], got {probabilities[index]} at index {index}")
    with np.errstate(divide="ignore"):  # log 0 = -inf: an impossible event is infinitely surprising
        # 0 - log q rather than -log q, which would give -0.0 for a certain event.
        return (0.0 - np.log(probabilities)) / divisor


def entropy(p, *, base: str = "e") -> float:
    """Shannon entropy H(p): the expected surprise of a draw from p.

    Args:
      p: a distribution, shape (K,).
      base: ``"e"`` for nats, ``"2"`` for bits.

    Returns:
      H(p) as a Python float, between 0 and log K.

    Formula: H(p) = -sum_i p_i log_b p_i, with 0 log 0 = 0.

    Torch equivalent: ``torch.special.entr(p).sum()`` (nats) or
    ``torch.distributions.Categorical(probs=p).entropy()``.

    Example:
      >>> entropy([0.5, 0.5, 0.0], base="2")
      1.0
    """
    divisor = _base_divisor(base)
    distribution = _distribution(p, "p")
    return (0.0 - _sum_p_log_q(distribution, distribution)) / divisor  # 0 - x: no -0.0 for a certain outcome


def cross_entropy(p, q, *, base: str = "e") -> float:
    """Cross-entropy H(p, q): the expected surprise when draws come from p but are coded for q.

    Args:
      p: the true distribution, shape (K,).
      q: the model's distribution, shape (K,).
      base: ``"e"`` for nats, ``"2"`` for bits.

    Returns:
      H(p, q) as a Python float, >= H(p); inf where some q_i = 0 with p_i > 0.

    Formula: H(p, q) = -sum_i p_i log_b q_i = H(p) + KL(p || q), with 0 log q = 0.

    Torch equivalent: ``-torch.special.xlogy(p, q).sum()``; with logits instead of
    q, ``torch.nn.functional.cross_entropy(logits, p)`` for probability targets.

    Example:
      >>> cross_entropy([1.0, 0.0], [0.5, 0.5], base="2")
      1.0
    """
    divisor = _base_divisor(base)
    true_distribution, model_distribution = _distribution_pair(p, q)
    return (0.0 - _sum_p_log_q(true_distribution, model_distribution)) / divisor


def kl_divergence(p, q, *, base: str = "e") -> float:
    """Kullback-Leibler divergence KL(p || q): the extra surprise of coding p's draws for q.

    Args:
      p: the true distribution, shape (K,).
      q: the model's distribution, shape (K,).
      base: ``"e"`` for nats, ``"2"`` for bits.

    Returns:
      KL(p || q) as a Python float, >= 0 and 0 only when p == q; inf where some
      q_i = 0 with p_i > 0.

    Formula: KL(p || q) = sum_i p_i log_b (p_i / q_i), with 0 log(0 / q) = 0.

    Torch equivalent: ``torch.nn.functional.kl_div(q.log(), p, reduction="sum")``.

    Example:
      >>> kl_divergence([1.0, 0.0], [0.5, 0.5], base="2")
      1.0
    """
    divisor = _base_divisor(base)
    true_distribution, model_distribution = _distribution_pair(p, q)
    support = true_distribution > 0
    true_on_support = true_distribution[support]
    with np.errstate(divide="ignore"):  # q_i = 0 under p_i > 0 gives log(p/0) = +inf, the true value
        # log p - log q rather than log(p / q): the ratio can overflow when q is tiny.
        log_ratio = np.log(true_on_support) - np.log(model_distribution[support])
    return float(np.sum(true_on_support * log_ratio)) / divisor


def _sum_p_log_q(p: np.ndarray, q: np.ndarray) -> float:
    """sum_i p_i log q_i over the support of p (p_i = 0 terms are 0, whatever q_i is)."""
    support = p > 0
    with np.errstate(divide="ignore"):  # q_i = 0 under p_i > 0 gives -inf, the true value
        return float(np.sum(p[support] * np.log(q[support])))


def _base_divisor(base: str) -> float:
    if not isinstance(base, str) or base not in BASES:
        raise LossInputError("base", f'base must be "e" (nats) or "2" (bits), got {base!r}')
    return BASES[base]


def _distribution(values, name: str) -> np.ndarray:
    """``values`` as a float64 1-D distribution: non-negative and summing to 1 within 1e-6."""
    distribution = as_float_array(values, name, dtype=np.float64)
    if distribution.ndim != 1 or distribution.size == 0:
        raise LossInputError(
            name, f"{name} must be a non-empty 1-D list of probabilities, got shape {distribution.shape}"
        )
    if np.any(distribution < 0):
        index = int(np.argmax(distribution < 0))
        raise LossInputError(name, f"{name} must be non-negative, got {distribution[index]} at index {index}")
    total = math.fsum(distribution.tolist())
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise LossInputError(
            name, f"{name} must sum to 1 (within {SUM_TOLERANCE:g}), got a sum of {total!r}: divide by the sum first"
        )
    return distribution


def _distribution_pair(p, q) -> tuple[np.ndarray, np.ndarray]:
    true_distribution = _distribution(p, "p")
    model_distribution = _distribution(q, "q")
    if true_distribution.shape != model_distribution.shape:
        raise LossInputError(
            "q",
            f"q has {model_distribution.size} probabilities, p has {true_distribution.size}: "
            "both must describe the same outcomes",
        )
    return true_distribution, model_distribution
