"""Probabilistic losses: cross-entropy, NLL, binary cross-entropy, KL divergence, focal.

Each function follows ``torch.nn.functional`` (torch 2.13): same argument names,
defaults, reductions, shapes and error conditions, and the same numbers in float32
and float64, including torch's edge cases (the BCE log clamp at -100, NaN for the
mean over zero total weight). Each returns a :class:`LossResult` whose ``grad`` is
the analytic gradient with respect to ``input`` computed as torch's autograd does.

Deliberate differences from torch, all refusing input torch would turn into NaN or
accepting a harmless spelling:
- ``cross_entropy``/``nll_loss`` also accept class indices given as floats with whole
  values (JSON clients often send 1.0 for 1); torch wants an integer tensor.
- ``label_smoothing`` below 0 is an error (torch silently treats it as 0).
- ``kl_div`` with ``log_target=False`` refuses negative targets (torch gives NaN)
  and wants ``target`` shaped as ``input`` (torch broadcasts with a warning).
- ``cross_entropy``/``nll_loss`` refuse an input with no classes (C = 0).
"""

from typing import NamedTuple

import numpy as np

from app.core.activations import sigmoid
from app.core.errors import LossInputError
from app.core.result import LossResult
from app.core.validation import (
    as_float_array,
    check_broadcastable,
    check_in_range,
    check_reduction,
    floating_point_like_torch,
    input_shape,
    reduce,
    same_shape_arrays,
)

__all__ = [
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "kl_div",
    "sigmoid_focal_loss",
]

# torch clamps each log in binary_cross_entropy at -100 so that p = 0 or 1 gives a
# finite loss, and bounds the backward denominator (1 - p) * p below by 1e-12.
BCE_LOG_FLOOR = -100.0
BCE_GRAD_EPSILON = float(np.float32(1e-12))  # a C++ float in torch, also in float64 (9.99999996e-13)
KL_REDUCTIONS = ("none", "mean", "sum", "batchmean")


# ---------------------------------------------------------------- class-index losses


def _class_axis_rows(input: np.ndarray, function: str) -> tuple[np.ndarray, int]:
    """View ``input`` (C,), (N, C) or (N, C, d1, ...) as rows (M, C), classes last."""
    if input.ndim == 0:
        raise LossInputError(
            "input", f"input is a single number: {function} wants scores shaped (C,) or (N, C)"
        )
    classes = input.shape[0] if input.ndim == 1 else input.shape[1]
    if classes == 0:
        raise LossInputError(
            "input", f"input has shape {input_shape(input)}, with no classes: {function} wants at least one class"
        )
    if input.ndim <= 2:
        return input.reshape(-1, classes), classes
    return np.moveaxis(input, 1, -1).reshape(-1, classes), classes


def _rows_to_input_shape(rows: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Undo :func:`_class_axis_rows`."""
    if len(shape) <= 2:
        return rows.reshape(shape)
    moved = (shape[0], *shape[2:], shape[1])
    return np.ascontiguousarray(np.moveaxis(rows.reshape(moved), -1, 1))


def _index_shape(input: np.ndarray) -> tuple[int, ...]:
    """Shape of a class-index target for ``input``: the input without its class axis."""
    return () if input.ndim == 1 else (input.shape[0], *input.shape[2:])


def _class_indices(target, input: np.ndarray, ignore_index: int, function: str) -> np.ndarray:
    """Check class-index targets; return them flat as int64."""
    raw = np.asarray(target)
    expected = _index_shape(input)
    if raw.shape != expected:
        hint = (
            " (class probabilities shaped as input must be floats, e.g. 1.0 not 1)"
            if raw.shape == input.shape and function == "cross_entropy"
            else ""
        )
        raise LossInputError(
            "target",
            f"target has shape {input_shape(raw)}, input has {input_shape(input)}: "
            f"{function} wants one class index per row, shape {expected}{hint}",
        )
    if raw.dtype == np.bool_ or not (np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)):
        raise LossInputError("target", f"target must hold class indices (integers), got values of type {raw.dtype}")
    if np.issubdtype(raw.dtype, np.floating):
        if not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw)):
            raise LossInputError("target", f"target must hold whole-number class indices, got {raw.tolist()}")
    flat = raw.reshape(-1)
    classes = input.shape[0] if input.ndim == 1 else input.shape[1]
    # Range check before the int64 cast, so a float such as 1e300 is reported as itself.
    bad = (flat != ignore_index) & ((flat < 0) | (flat >= classes))
    if np.any(bad):
        first = flat[np.argmax(bad)].item()
        raise LossInputError(
            "target",
            f"target holds class index {first}, out of range for {classes} classes: "
            f"use 0..{classes - 1} (or ignore_index={ignore_index} to skip a row)",
        )
    return flat.astype(np.int64)


def _class_weight(weight, classes: int, dtype: np.dtype) -> np.ndarray | None:
    if weight is None:
        return None
    weights = as_float_array(weight, "weight", dtype=dtype)
    if weights.shape != (classes,):
        raise LossInputError(
            "weight",
            f"weight has shape {input_shape(weights)}: it must be 1-D with one entry per class, shape ({classes},)",
        )
    return weights


def _check_ignore_index(ignore_index) -> int:
    if not isinstance(ignore_index, (int, np.integer)) or isinstance(ignore_index, bool):
        raise LossInputError("ignore_index", f"ignore_index must be an integer, got {ignore_index!r}")
    return int(ignore_index)


def _stable_log_softmax_rows(rows: np.ndarray) -> np.ndarray:
    """log_softmax over the last axis of (M, C) rows, in the rows' dtype."""
    # Shift by the row max so exp() <= 1 never overflows; then log-sum-exp is exact.
    log_probabilities = rows - rows.max(axis=1, keepdims=True)
    sums = np.exp(log_probabilities).sum(axis=1, keepdims=True)
    log_probabilities -= np.log(sums)
    return log_probabilities


def _target_weights(indices, weights, ignore_index, dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-row (safe index, kept mask, w_{y_n} with 0 for ignored rows)."""
    kept = indices != ignore_index
    safe = np.where(kept, indices, 0)
    if weights is None:
        row_weight = kept.astype(dtype)
    else:
        row_weight = np.where(kept, weights[safe], dtype.type(0))
    return safe, kept, row_weight


class _NllParts(NamedTuple):
    """The NLL over rows and what its gradient needs."""

    row_loss: np.ndarray  # (M,) -w_{y_n} log p_{n, y_n}, 0 on ignored rows
    loss: np.ndarray  # reduced (or the row losses for "none")
    safe: np.ndarray  # (M,) target index, 0 on ignored rows (safe to index with)
    kept: np.ndarray  # (M,) bool, False on ignored rows
    total_weight: np.ndarray  # sum of w_{y_n} over kept rows ("mean" divides by it)
    coef: np.ndarray  # (M,) d loss / d(-log p_{n, y_n}); 0 on ignored rows


def _nll_from_log_probabilities(
    log_probabilities: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray | None,
    ignore_index: int,
    reduction: str,
) -> "_NllParts":
    """Weighted NLL over (M, C) rows of log-probabilities, with what its gradient needs.

    Mean divides by the total weight of kept rows (0/0 = NaN when nothing is kept).
    """
    dtype = log_probabilities.dtype
    safe, kept, row_weight = _target_weights(indices, weights, ignore_index, dtype)
    total_weight = row_weight.sum(dtype=dtype)
    picked = np.take_along_axis(log_probabilities, safe[:, None], axis=1)[:, 0]
    row_loss = -(row_weight * picked)
    if reduction == "mean":
        with np.errstate(divide="ignore", invalid="ignore"):
            loss = np.asarray(row_loss.sum(dtype=dtype) / total_weight, dtype=dtype)
            scale = dtype.type(1) / total_weight
            # torch's backward writes weight / total_weight only on kept rows, so a row
            # with weight 0 gets 0 * inf = NaN when the total is 0; ignored rows stay 0.
            coef = np.where(kept, row_weight * scale, dtype.type(0))
    else:
        loss = row_loss.sum(dtype=dtype) if reduction == "sum" else row_loss
        coef = row_weight
    return _NllParts(row_loss, np.asarray(loss, dtype=dtype), safe, kept, total_weight, coef)


@floating_point_like_torch
def nll_loss(input, target, *, reduction: str = "mean", weight=None, ignore_index: int = -100) -> LossResult:
    """Negative log-likelihood of the target class, given log-probabilities.

    Args:
      input: log-probabilities, shape (C,), (N, C) or (N, C, d1, ...).
      target: class indices in [0, C) or ``ignore_index``, shape (), (N,) or (N, d1, ...).
      reduction: "none" | "mean" | "sum".
      weight: optional per-class weights, shape (C,).
      ignore_index: target value whose rows contribute nothing (not even to the mean's
        denominator).
    Returns:
      LossResult; elementwise has the target's shape, grad the input's.

    Formula: l_n = -w_{y_n} x_{n, y_n}; mean = sum_n l_n / sum_n w_{y_n} over kept rows.
    Torch: ``torch.nn.functional.nll_loss``.

    >>> float(nll_loss([[-0.5, -1.0]], [1]).loss)
    1.0
    """
    check_reduction(reduction)
    ignore_index = _check_ignore_index(ignore_index)
    log_probabilities = as_float_array(input, "input")
    rows, classes = _class_axis_rows(log_probabilities, "nll_loss")
    indices = _class_indices(target, log_probabilities, ignore_index, "nll_loss")
    weights = _class_weight(weight, classes, rows.dtype)
    nll = _nll_from_log_probabilities(rows, indices, weights, ignore_index, reduction)
    grad_rows = np.zeros_like(rows)
    np.put_along_axis(grad_rows, nll.safe[:, None], -nll.coef[:, None], axis=1)
    loss = nll.loss
    elementwise = nll.row_loss.reshape(_index_shape(log_probabilities))
    if reduction == "none":
        loss = elementwise
    return LossResult(loss, elementwise, _rows_to_input_shape(grad_rows, log_probabilities.shape))


def _cross_entropy_indices(rows, indices, weights, ignore_index, label_smoothing, reduction):
    """Class-index cross-entropy on (M, C) rows: (row losses, loss, grad rows)."""
    dtype = rows.dtype
    classes = rows.shape[1]
    log_probabilities = _stable_log_softmax_rows(rows)
    nll = _nll_from_log_probabilities(log_probabilities, indices, weights, ignore_index, reduction)
    target_column = nll.safe[:, None]
    # Gradient of log_softmax: g - softmax * sum(g). The NLL part puts -coef at the
    # target, so its row sum is -coef; the softmax gets its own buffer, updated in place.
    grad = np.exp(log_probabilities)
    if label_smoothing == 0.0:
        grad *= nll.coef[:, None]
        at_target = np.take_along_axis(grad, target_column, axis=1) - nll.coef[:, None]
        np.put_along_axis(grad, target_column, at_target, axis=1)
        return nll.row_loss, nll.loss, grad
    # torch: (1 - eps) * nll + eps / C * smooth, smooth_n = -sum_c w_c log p_{n,c},
    # 0 on ignored rows, and for "mean" divided by the same total weight as the NLL.
    keep = dtype.type(1 - label_smoothing)
    share = dtype.type(label_smoothing / classes)
    class_weights = np.ones(classes, dtype=dtype) if weights is None else weights
    smooth_rows = np.where(nll.kept, -(log_probabilities * class_weights).sum(axis=1), dtype.type(0))
    with np.errstate(divide="ignore", invalid="ignore"):
        if reduction == "mean":
            smooth = smooth_rows.sum(dtype=dtype) / nll.total_weight
            smooth_scale = np.where(nll.kept, share / nll.total_weight, dtype.type(0))
        else:
            smooth = smooth_rows.sum(dtype=dtype) if reduction == "sum" else smooth_rows
            smooth_scale = np.where(nll.kept, share, dtype.type(0))
        loss = np.asarray(keep * nll.loss + share * smooth, dtype=dtype)
        row_loss = keep * nll.row_loss + share * smooth_rows
        nll_coef = keep * nll.coef
        # d loss / d log p: -nll_coef at the target and -smooth_scale * w_c everywhere.
        grad *= (nll_coef + smooth_scale * class_weights.sum(dtype=dtype))[:, None]
        grad -= smooth_scale[:, None] * class_weights
        at_target = np.take_along_axis(grad, target_column, axis=1) - nll_coef[:, None]
    np.put_along_axis(grad, target_column, at_target, axis=1)
    return row_loss, loss, grad


def _cross_entropy_probabilities(rows, probabilities, weights, label_smoothing, reduction):
    """Probability-target cross-entropy on (M, C) rows: (row losses, loss, grad rows)."""
    dtype = rows.dtype
    classes = rows.shape[1]
    if label_smoothing > 0:
        probabilities = probabilities * dtype.type(1 - label_smoothing) + dtype.type(label_smoothing / classes)
    weighted = probabilities if weights is None else probabilities * weights
    log_probabilities = _stable_log_softmax_rows(rows)
    row_loss = -(log_probabilities * weighted).sum(axis=1)
    count = rows.shape[0]
    if reduction == "mean":
        # torch divides by the number of rows (not by weights) and gives NaN when empty.
        loss = row_loss.sum(dtype=dtype) / dtype.type(count) if count else dtype.type(np.nan)
        scale = dtype.type(1) / dtype.type(count) if count else dtype.type(1)
    else:
        loss = row_loss.sum(dtype=dtype) if reduction == "sum" else row_loss
        scale = dtype.type(1)
    # d loss / d log p = -scale * weighted; log_softmax backward: g - softmax * sum(g).
    grad_log_probabilities = weighted * -scale
    grad = np.exp(log_probabilities)
    grad *= -grad_log_probabilities.sum(axis=1, keepdims=True)
    grad += grad_log_probabilities
    return row_loss, np.asarray(loss, dtype=dtype), grad


@floating_point_like_torch
def cross_entropy(
    input,
    target,
    *,
    reduction: str = "mean",
    weight=None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
) -> LossResult:
    """Cross-entropy between softmax(input) and the target, from raw logits.

    Args:
      input: logits, shape (C,), (N, C) or (N, C, d1, ...); the class axis is 1 (0 for 1-D).
      target: either class indices (integers), shape (), (N,) or (N, d1, ...), or class
        probabilities (floats) shaped as ``input``.
      reduction: "none" | "mean" | "sum".
      weight: optional per-class weights, shape (C,).
      ignore_index: class-index value whose rows are skipped; only the default -100 is
        allowed with probability targets (as torch).
      label_smoothing: eps in [0, 1]; the target becomes (1 - eps) * one_hot + eps / C.
    Returns:
      LossResult; elementwise shaped as input without the class axis, grad as input.

    Formula: l_n = -sum_c w_c q_{n,c} log softmax(x_n)_c, with q the (smoothed) target;
    class-index "mean" divides by sum_n w_{y_n} over kept rows, probability "mean" by N.
    Torch: ``torch.nn.functional.cross_entropy``.

    >>> round(float(cross_entropy([[1.4746, 0.7613, -0.5468], [1.1310, 0.2323, 0.5530]], [0, 1]).loss), 4)
    1.0299
    """
    check_reduction(reduction)
    ignore_index = _check_ignore_index(ignore_index)
    label_smoothing = check_in_range(label_smoothing, "label_smoothing", 0.0, 1.0)
    logits = as_float_array(input, "input")
    rows, classes = _class_axis_rows(logits, "cross_entropy")
    weights = _class_weight(weight, classes, rows.dtype)
    raw_target = np.asarray(target)
    if np.issubdtype(raw_target.dtype, np.floating) and raw_target.shape == logits.shape:
        if ignore_index != -100:
            raise LossInputError(
                "ignore_index",
                f"ignore_index={ignore_index} only applies to class-index targets; "
                "target holds class probabilities (same shape as input): leave ignore_index at -100",
            )
        probabilities = as_float_array(raw_target, "target", dtype=logits.dtype)
        prob_rows, _ = _class_axis_rows(probabilities, "cross_entropy")
        row_loss, loss, grad = _cross_entropy_probabilities(rows, prob_rows, weights, label_smoothing, reduction)
    else:
        indices = _class_indices(raw_target, logits, ignore_index, "cross_entropy")
        row_loss, loss, grad = _cross_entropy_indices(rows, indices, weights, ignore_index, label_smoothing, reduction)
    elementwise = row_loss.reshape(_index_shape(logits))
    if reduction == "none":
        loss = elementwise
    return LossResult(loss, elementwise, _rows_to_input_shape(grad, logits.shape))


# ---------------------------------------------------------------- element-wise losses


def _optional_broadcast(value, name: str, like: np.ndarray, function: str) -> np.ndarray | None:
    if value is None:
        return None
    array = as_float_array(value, name, dtype=like.dtype)
    return check_broadcastable(array, like.shape, name, function)


def _finish(elementwise: np.ndarray, grad_elementwise: np.ndarray, reduction: str) -> LossResult:
    loss, scale = reduce(elementwise, reduction)
    dtype = elementwise.dtype
    grad = grad_elementwise if scale == 1.0 else grad_elementwise * dtype.type(scale)
    return LossResult(np.asarray(loss, dtype=dtype), elementwise, np.asarray(grad, dtype=dtype))


@floating_point_like_torch
def binary_cross_entropy(input, target, *, reduction: str = "mean", weight=None) -> LossResult:
    """Binary cross-entropy between probabilities and targets, logs clamped at -100.

    Args:
      input: probabilities in [0, 1], any shape.
      target: values in [0, 1] (0/1 labels or soft labels), shaped as ``input``.
      reduction: "none" | "mean" | "sum".
      weight: optional rescaling weights broadcastable to the input's shape (a weight
        of shape (C,) weights the last axis, (N, 1) weights rows).
    Returns:
      LossResult with elementwise and grad shaped as ``input``.

    Formula: l = -w [y max(log p, -100) + (1 - y) max(log(1 - p), -100)];
    grad (as torch's backward) = w (p - y) / max((1 - p) p, 1e-12).
    Torch: ``torch.nn.functional.binary_cross_entropy``.

    >>> float(binary_cross_entropy([0.0], [1.0]).loss)
    100.0
    """
    check_reduction(reduction)
    probabilities, targets = same_shape_arrays(input, target, "binary_cross_entropy")
    for name, array in (("input", probabilities), ("target", targets)):
        outside = (array < 0) | (array > 1)
        if np.any(outside):
            raise LossInputError(
                name,
                f"{name} must hold probabilities in [0, 1], got {float(array[outside].flat[0])}: "
                + ("apply sigmoid first, or use binary_cross_entropy_with_logits" if name == "input" else "use 0/1 labels or soft labels"),
            )
    weights = _optional_broadcast(weight, "weight", probabilities, "binary_cross_entropy")
    dtype = probabilities.dtype
    one = dtype.type(1)
    floor = dtype.type(BCE_LOG_FLOOR)
    with np.errstate(divide="ignore"):
        # torch clamps each log at -100: p = 0 or 1 gives a finite loss of at most 100.
        log_p = np.maximum(np.log(probabilities), floor)
        log_one_minus_p = np.maximum(np.log1p(-probabilities), floor)
    elementwise = (targets - one) * log_one_minus_p - targets * log_p
    grad = (probabilities - targets) / np.maximum((one - probabilities) * probabilities, dtype.type(BCE_GRAD_EPSILON))
    if weights is not None:
        elementwise = elementwise * weights
        grad = grad * weights
    return _finish(elementwise, grad, reduction)


@floating_point_like_torch
def binary_cross_entropy_with_logits(
    input, target, *, reduction: str = "mean", weight=None, pos_weight=None
) -> LossResult:
    """Binary cross-entropy on logits, fused with the sigmoid in a stable form.

    Args:
      input: logits, any shape.
      target: values in [0, 1] (torch does not check), shaped as ``input``.
      reduction: "none" | "mean" | "sum".
      weight: optional weights broadcastable to the input's shape.
      pos_weight: optional weight of the positive term, broadcastable to the input's
        shape; shape (C,) weights each class of the last axis (multi-label).
    Returns:
      LossResult with elementwise and grad shaped as ``input``.

    Formula: l = w [(1 - y) x - (1 + (pw - 1) y) log sigmoid(x)];
    grad = w [(pw y + 1 - y) sigmoid(x) - pw y].
    Torch: ``torch.nn.functional.binary_cross_entropy_with_logits``.

    >>> float(binary_cross_entropy_with_logits([-100.0], [1.0]).loss)
    100.0
    """
    check_reduction(reduction)
    logits, targets = same_shape_arrays(input, target, "binary_cross_entropy_with_logits")
    weights = _optional_broadcast(weight, "weight", logits, "binary_cross_entropy_with_logits")
    positive_weights = _optional_broadcast(pos_weight, "pos_weight", logits, "binary_cross_entropy_with_logits")
    dtype = logits.dtype
    one = dtype.type(1)
    # log sigmoid(x) = min(x, 0) - log1p(exp(-|x|)): exp never overflows and log1p keeps
    # the tiny tail, where log(sigmoid(x)) would hit log(0) = -inf for very negative x.
    log_sigmoid = np.minimum(logits, dtype.type(0)) - np.log1p(np.exp(-np.abs(logits)))
    probabilities = sigmoid(logits)
    if positive_weights is None:
        elementwise = (one - targets) * logits - log_sigmoid
        grad = probabilities - targets
    else:
        elementwise = (one - targets) * logits - log_sigmoid * ((positive_weights - one) * targets + one)
        weighted_targets = positive_weights * targets
        grad = (weighted_targets + one - targets) * probabilities - weighted_targets
    if weights is not None:
        elementwise = elementwise * weights
        grad = grad * weights
    return _finish(elementwise, grad, reduction)


@floating_point_like_torch
def kl_div(input, target, *, reduction: str = "mean", log_target: bool = False) -> LossResult:
    """Kullback-Leibler divergence KL(target || exp(input)), torch's argument order.

    Args:
      input: log-probabilities of the model, any shape (usually (N, C)).
      target: probabilities (>= 0), or log-probabilities when ``log_target``; shaped as input.
      reduction: "none" | "mean" (over every element, as torch) | "sum" |
        "batchmean" (sum / input.shape[0], the true KL per sample).
      log_target: whether ``target`` holds log-probabilities.
    Returns:
      LossResult with elementwise and grad shaped as ``input``.

    Formula: l = y (log y - x), with 0 log 0 = 0; or exp(y) (y - x) when log_target.
    grad = -y (or -exp(y)).
    Torch: ``torch.nn.functional.kl_div``.

    >>> float(kl_div(np.log([[0.5, 0.5]]), [[0.5, 0.5]], reduction="batchmean").loss)
    0.0
    """
    check_reduction(reduction, KL_REDUCTIONS)
    if not isinstance(log_target, (bool, np.bool_)):
        raise LossInputError("log_target", f"log_target must be true or false, got {log_target!r}")
    log_probabilities, targets = same_shape_arrays(input, target, "kl_div")
    dtype = log_probabilities.dtype
    if log_target:
        target_probabilities = np.exp(targets)
        elementwise = target_probabilities * (targets - log_probabilities)
    else:
        if np.any(targets < 0):
            raise LossInputError(
                "target",
                f"target must hold probabilities >= 0, got {float(targets[targets < 0].flat[0])}: "
                "pass log-probabilities with log_target=True",
            )
        target_probabilities = targets
        # xlogy: a target of exactly 0 contributes 0 (the limit of y log y), not 0 * -inf.
        with np.errstate(divide="ignore", invalid="ignore"):
            target_log_target = np.where(targets == 0, dtype.type(0), targets * np.log(targets))
        elementwise = target_log_target - targets * log_probabilities
    grad = -target_probabilities
    if reduction != "batchmean":
        return _finish(elementwise, grad, reduction)
    # batchmean: sum / batch size (a 0-d input is not divided, as torch).
    total = elementwise.sum(dtype=dtype)
    if elementwise.ndim == 0:
        return LossResult(np.asarray(total, dtype=dtype), elementwise, grad)
    batch = dtype.type(elementwise.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = np.asarray(total / batch, dtype=dtype)
        grad = grad / batch
    return LossResult(loss, elementwise, grad)


@floating_point_like_torch
def sigmoid_focal_loss(
    input, target, *, reduction: str = "none", alpha: float = 0.25, gamma: float = 2.0
) -> LossResult:
    """Focal loss: binary cross-entropy on logits, down-weighting easy examples.

    Args:
      input: logits, any shape.
      target: binary labels (0 or 1; soft labels work too), shaped as ``input``.
      reduction: "none" (the default, as torchvision) | "mean" | "sum".
      alpha: weight of the positive class in [0, 1]; a negative alpha turns the alpha
        weighting off (as torchvision).
      gamma: focusing exponent >= 0; gamma = 0 and alpha < 0 give plain BCE with logits.
    Returns:
      LossResult with elementwise and grad shaped as ``input``. With 0 < gamma < 1 the
      gradient is NaN where p_t rounds to exactly 1 (0 * inf in the chain rule), as
      torch's autograd gives for torchvision's formula.

    Formula: p = sigmoid(x), p_t = p y + (1 - p)(1 - y), alpha_t = alpha y + (1 - alpha)(1 - y),
    l = alpha_t (1 - p_t)^gamma BCEWithLogits(x, y).
    Torch: ``torchvision.ops.sigmoid_focal_loss`` (torchvision 0.2x).

    >>> round(float(sigmoid_focal_loss([0.0], [1.0], alpha=-1, gamma=0.0).loss[0]), 6)
    0.693147
    """
    check_reduction(reduction)
    for name, value in (("alpha", alpha), ("gamma", gamma)):
        if not isinstance(value, (int, float, np.floating, np.integer)) or isinstance(value, bool) or not np.isfinite(value):
            raise LossInputError(name, f"{name} must be a finite number, got {value!r}")
    if alpha > 1:
        raise LossInputError("alpha", f"alpha must be at most 1 (or negative to turn it off), got {alpha!r}")
    if gamma < 0:
        raise LossInputError("gamma", f"gamma must be >= 0, got {gamma!r}")
    logits, targets = same_shape_arrays(input, target, "sigmoid_focal_loss")
    dtype = logits.dtype
    one = dtype.type(1)
    cross_entropy_part = binary_cross_entropy_with_logits(logits, targets, reduction="none")
    probabilities = sigmoid(logits)
    p_t = probabilities * targets + (one - probabilities) * (one - targets)
    one_minus_p_t = one - p_t
    exponent = dtype.type(gamma)
    with np.errstate(divide="ignore", invalid="ignore"):
        modulating = one_minus_p_t**exponent
        # d (1 - p_t)^gamma / d (1 - p_t), as torch's pow backward (0 when gamma == 0).
        modulating_slope = (
            np.zeros_like(logits) if gamma == 0 else exponent * one_minus_p_t ** (exponent - one)
        )
        if alpha >= 0:
            alpha_t = dtype.type(alpha) * targets + (one - dtype.type(alpha)) * (one - targets)
        else:
            alpha_t = np.ones_like(logits)
        elementwise = alpha_t * (cross_entropy_part.elementwise * modulating)
        # Chain rule in torch's autograd order: through the BCE term, then through p_t.
        grad_p_t = -(alpha_t * cross_entropy_part.elementwise * modulating_slope)
        grad_p = grad_p_t * targets - grad_p_t * (one - targets)
        grad = alpha_t * modulating * cross_entropy_part.grad + grad_p * (one - probabilities) * probabilities
    return _finish(elementwise, grad, reduction)
