"""Golden values for app/core/probabilistic.py, from real torch 2.13.

Run: ``.venv/bin/python -c "from scripts.golden import probabilistic; probabilistic.main()"``.

Each case stores ``input``/``target`` (and ``weight``/``pos_weight``) with their
shapes (an empty batch loses its shape in JSON), the options, and torch's loss,
element-wise loss (reduction="none") and autograd gradient. sigmoid_focal_loss is
torchvision's formula written with torch ops (torchvision is not installable here).
"""

import warnings

import numpy as np
import torch
import torch.nn.functional as F

from scripts.golden.common import case, write

DTYPES = {"float32": torch.float32, "float64": torch.float64}
REDUCTIONS = ("none", "mean", "sum")
# Logits where float32 sigmoid saturates (16.64: 1 + exp(-x) rounds to 1), where
# exp(-x) overflows float32 (88.73 > log(FLT_MAX) = 88.72), and beyond.
EXTREME = [-100.0, -88.73, -16.64, -1.0, 0.0, 1.0, 16.64, 88.73, 100.0]
# The article's cross-entropy example: torch prints tensor(1.0299).
ARTICLE_LOGITS = [[1.4746, 0.7613, -0.5468], [1.1310, 0.2323, 0.5530]]
ARTICLE_TARGET = [0, 1]


def torchvision_sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss (0.2x), line for line."""
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


def sigmoid_then_binary_cross_entropy(input, target, reduction="mean"):
    """The naive path: probabilities from sigmoid, then BCE (sticks at 100 in float32)."""
    return F.binary_cross_entropy(torch.sigmoid(input), target, reduction=reduction)


FUNCTIONS = {
    "cross_entropy": F.cross_entropy,
    "nll_loss": F.nll_loss,
    "binary_cross_entropy": F.binary_cross_entropy,
    "binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits,
    "kl_div": F.kl_div,
    "sigmoid_focal_loss": torchvision_sigmoid_focal_loss,
    "sigmoid_then_binary_cross_entropy": sigmoid_then_binary_cross_entropy,
}
TENSOR_ARGUMENTS = ("weight", "pos_weight")


def tensor(value, dtype: torch.dtype) -> torch.Tensor:
    array = np.asarray(value)
    if np.issubdtype(array.dtype, np.integer):
        return torch.as_tensor(array, dtype=torch.int64)
    return torch.as_tensor(array.astype(np.float64), dtype=dtype)


def loss_case(case_id: str, function: str, dtype: str, input, target, **options) -> dict:
    """Evaluate ``function`` with torch and build a golden case."""
    torch_dtype = DTYPES[dtype]
    tensors = {name: tensor(options.pop(name), torch_dtype) for name in TENSOR_ARGUMENTS if name in options}
    x = tensor(input, torch_dtype).requires_grad_(True)
    y = tensor(target, torch_dtype)
    reduction = options.get("reduction", "mean")
    call = FUNCTIONS[function]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kl_div warns about reduction="mean"
        loss = call(x, y, **tensors, **options)
        (loss.sum() if reduction == "none" else loss).backward()
        elementwise = call(x.detach(), y, **tensors, **{**options, "reduction": "none"})
    args = {
        "input": x.detach(),
        "input_shape": list(x.shape),
        "target": y,
        "target_shape": list(y.shape),
        **tensors,
    }
    expected = {"loss": loss, "elementwise": elementwise, "grad": x.grad}
    expected.update({f"{name}_shape": list(value.shape) for name, value in list(expected.items())})
    return case(f"{function}-{case_id}-{dtype}", function, dtype, args, options, expected)


def cross_entropy_cases(dtype: str) -> list[dict]:
    generator = np.random.default_rng(7)
    logits = generator.normal(0, 2, size=(5, 4)).round(4)
    target = np.array([0, 3, 1, 1, 2])
    probabilities = generator.dirichlet(np.ones(4), size=5).round(4)
    weight = [0.5, 2.0, 0.0, 1.5]
    spatial = generator.normal(0, 1.5, size=(2, 3, 4)).round(4)
    spatial_target = np.array([[0, 2, 1, -100], [2, 2, 0, 1]])
    extreme = [[100.0, -100.0, 0.0], [88.73, -88.73, 16.64], [-16.64, 16.64, 0.0], [1000.0, 0.0, -1000.0]]
    huge = 1e308 if dtype == "float64" else 3e38
    cases = []
    for reduction in REDUCTIONS:
        add = lambda case_id, input, target, **options: cases.append(  # noqa: E731
            loss_case(f"{case_id}-{reduction}", "cross_entropy", dtype, input, target, reduction=reduction, **options)
        )
        add("article", ARTICLE_LOGITS, ARTICLE_TARGET)
        add("indices", logits, target)
        add("weight", logits, target, weight=weight)
        add("ignore-default", logits, np.array([0, -100, 1, -100, 2]))
        add("ignore-custom", logits, target, ignore_index=1)
        add("ignore-weight", logits, np.array([0, -100, 1, 3, 2]), weight=weight)
        add("all-ignored", logits, np.full(5, -100))
        add("all-ignored-weight", logits, np.full(5, -100), weight=weight)
        add("all-ignored-smoothing", logits, np.full(5, -100), label_smoothing=0.1)
        add("zero-total-weight", logits, np.array([2, 2, 2, 2, 2]), weight=weight)
        add("zero-total-weight-smoothing", logits, np.array([2, 2, 2, 2, 2]), weight=weight, label_smoothing=0.1)
        for smoothing in (0.1, 1.0):
            add(f"smoothing{smoothing}", logits, target, label_smoothing=smoothing)
            add(f"smoothing{smoothing}-weight-ignore", logits, np.array([0, -100, 1, 3, 2]), weight=weight, label_smoothing=smoothing)
            add(f"probabilities-smoothing{smoothing}", logits, probabilities, label_smoothing=smoothing)
        add("probabilities", logits, probabilities)
        add("probabilities-weight", logits, probabilities, weight=weight)
        add("probabilities-weight-smoothing", logits, probabilities, weight=weight, label_smoothing=0.1)
        add("one-row", logits[1], np.array(3))
        add("one-row-ignored", logits[1], np.array(-100))
        add("one-row-weight-smoothing", logits[1], np.array(1), weight=weight, label_smoothing=0.1)
        add("one-row-probabilities", logits[1], probabilities[1])
        add("empty", np.zeros((0, 4)), np.zeros(0, dtype=np.int64))
        add("empty-smoothing", np.zeros((0, 4)), np.zeros(0, dtype=np.int64), label_smoothing=0.1)
        add("empty-probabilities", np.zeros((0, 4)), np.zeros((0, 4)))
        add("spatial", spatial, spatial_target)
        add("spatial-weight-smoothing", spatial, spatial_target, weight=[1.0, 0.5, 2.0], label_smoothing=0.1)
        add("spatial-probabilities", spatial, np.abs(spatial) / np.abs(spatial).sum(axis=1, keepdims=True))
        add("extreme", extreme, np.array([1, 1, 0, 2]))
        add("extreme-smoothing", extreme, np.array([0, 1, 0, 2]), label_smoothing=0.1)
        # Near the largest finite value: x - max overflows to -inf inside log_softmax.
        add("huge", [[huge, -huge, 0.0], [0.0, huge, 1.0]], np.array([1, 0]))
    return cases


def nll_loss_cases(dtype: str) -> list[dict]:
    generator = np.random.default_rng(11)
    log_probabilities = np.log(generator.dirichlet(np.ones(4), size=5)).round(4)
    target = np.array([1, 0, 3, 3, 2])
    weight = [1.0, 0.0, 2.0, 0.5]
    cases = []
    for reduction in REDUCTIONS:
        add = lambda case_id, input, target, **options: cases.append(  # noqa: E731
            loss_case(f"{case_id}-{reduction}", "nll_loss", dtype, input, target, reduction=reduction, **options)
        )
        add("basic", log_probabilities, target)
        add("weight", log_probabilities, target, weight=weight)
        add("ignore", log_probabilities, np.array([1, -100, 3, -100, 2]), weight=weight)
        add("ignore-custom", log_probabilities, target, ignore_index=3)
        add("all-ignored", log_probabilities, np.full(5, -100))
        add("zero-total-weight", log_probabilities, np.array([1, 1, 1, 1, 1]), weight=weight)
        add("one-row", log_probabilities[0], np.array(2))
        add("empty", np.zeros((0, 4)), np.zeros(0, dtype=np.int64))
        add("spatial", log_probabilities.reshape(5, 4, 1).repeat(2, axis=2), np.array([[1, 2]] * 5))
        add("unnormalised", [[3.0, -2.0, 0.5]], np.array([0]))
    return cases


def binary_cross_entropy_cases(dtype: str) -> list[dict]:
    generator = np.random.default_rng(3)
    probabilities = generator.uniform(0.02, 0.98, size=(3, 4)).round(4)
    targets = (generator.uniform(size=(3, 4)) > 0.5).astype(float)
    soft = generator.uniform(size=(3, 4)).round(3)
    edges = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    edge_targets = np.array([0.0, 1.0, 0.3, 0.0, 1.0, 0.3])
    cases = []
    for reduction in REDUCTIONS:
        add = lambda function, case_id, input, target, **options: cases.append(  # noqa: E731
            loss_case(f"{case_id}-{reduction}", function, dtype, input, target, reduction=reduction, **options)
        )
        bce, logits_bce = "binary_cross_entropy", "binary_cross_entropy_with_logits"
        add(bce, "basic", probabilities, targets)
        add(bce, "soft", probabilities, soft)
        add(bce, "weight", probabilities, targets, weight=generator.uniform(0, 2, size=(3, 4)).round(3))
        add(bce, "weight-zero", probabilities, targets, weight=[[1.0, 0.0, 2.0, 0.0]] * 3)
        add(bce, "weight-last-axis", probabilities, targets, weight=[1.0, 0.5, 2.0, 0.0])
        add(bce, "weight-rows", probabilities, targets, weight=[[2.0], [0.5], [1.0]])
        add(bce, "edges", edges, edge_targets)
        add(bce, "edges-weight", edges, edge_targets, weight=[2.0, 0.5, 1.0, 3.0, 1.0, 0.0])
        add(bce, "empty", np.zeros(0), np.zeros(0))
        add(bce, "scalar", 0.25, 1.0)
        for label in (0.0, 1.0):
            add(f"sigmoid_then_{bce}", f"extreme-target{int(label)}", EXTREME, [label] * len(EXTREME))
            add(logits_bce, f"extreme-target{int(label)}", EXTREME, [label] * len(EXTREME))
        add(logits_bce, "extreme-soft", EXTREME, [0.3] * len(EXTREME))
        huge = 1e308 if dtype == "float64" else 3e38
        add(logits_bce, "huge", [huge, -huge, huge, -huge], [0.0, 1.0, 1.0, 0.0])
        logits = generator.normal(0, 3, size=(3, 4)).round(4)
        add(logits_bce, "basic", logits, targets)
        add(logits_bce, "soft", logits, soft)
        add(logits_bce, "weight", logits, targets, weight=[[1.0, 0.0, 2.0, 0.5]] * 3)
        add(logits_bce, "weight-rows", logits, targets, weight=[[2.0], [0.5], [1.0]])
        add(logits_bce, "pos-weight", logits, targets, pos_weight=[1.0, 3.0, 0.5, 0.0])
        add(logits_bce, "pos-weight-soft", logits, soft, pos_weight=[1.0, 3.0, 0.5, 2.0])
        add(logits_bce, "pos-weight-and-weight", logits, soft, pos_weight=[2.0], weight=[[2.0], [0.5], [1.0]])
        add(logits_bce, "pos-weight-extreme", EXTREME, [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0], pos_weight=[3.0])
        add(logits_bce, "empty", np.zeros((0, 4)), np.zeros((0, 4)), pos_weight=[1.0, 2.0, 3.0, 4.0])
    return cases


def kl_div_cases(dtype: str) -> list[dict]:
    generator = np.random.default_rng(5)
    log_q = np.log(generator.dirichlet(np.ones(4), size=3)).round(4)
    p = generator.dirichlet(np.ones(4), size=3).round(4)
    p_with_zeros = p.copy()
    p_with_zeros[0, 1] = 0.0
    p_with_zeros[2, 3] = 0.0
    cases = []
    for reduction in (*REDUCTIONS, "batchmean"):
        add = lambda case_id, input, target, **options: cases.append(  # noqa: E731
            loss_case(f"{case_id}-{reduction}", "kl_div", dtype, input, target, reduction=reduction, **options)
        )
        add("basic", log_q, p)
        add("target-zeros", log_q, p_with_zeros)
        add("log-target", log_q, np.log(p).round(4), log_target=True)
        add("log-target-very-negative", log_q, np.log(p_with_zeros + 1e-30).round(2), log_target=True)
        add("one-row", log_q[0], p[0])
        add("empty", np.zeros((0, 4)), np.zeros((0, 4)))
        add("extreme", [[-100.0, -1e-4, -88.73]], [[0.0, 1.0, 1e-30]])
        add("scalar", -1.0, 0.5)
    return cases


def focal_cases(dtype: str) -> list[dict]:
    generator = np.random.default_rng(9)
    logits = generator.normal(0, 2.5, size=(3, 4)).round(4)
    targets = (generator.uniform(size=(3, 4)) > 0.5).astype(float)
    cases = []
    for reduction in REDUCTIONS:
        add = lambda case_id, input, target, **options: cases.append(  # noqa: E731
            loss_case(f"{case_id}-{reduction}", "sigmoid_focal_loss", dtype, input, target, reduction=reduction, **options)
        )
        add("default", logits, targets)
        add("no-alpha", logits, targets, alpha=-1.0)
        add("alpha-half-gamma0", logits, targets, alpha=0.5, gamma=0.0)
        add("gamma-half", logits, targets, gamma=0.5)
        add("gamma5", logits, targets, alpha=0.75, gamma=5.0)
        add("extreme", EXTREME, [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
        add("extreme-gamma-half", EXTREME, [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0], gamma=0.5)
        add("soft-targets", logits, np.abs(logits) / np.abs(logits).max(), alpha=0.4)
        add("empty", np.zeros(0), np.zeros(0))
    return cases


def main():
    torch.set_num_threads(1)
    cases = []
    for dtype in DTYPES:
        cases += cross_entropy_cases(dtype)
        cases += nll_loss_cases(dtype)
        cases += binary_cross_entropy_cases(dtype)
        cases += kl_div_cases(dtype)
        cases += focal_cases(dtype)
    return write("probabilistic", cases)


if __name__ == "__main__":
    print(main())
