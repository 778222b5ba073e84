"""Golden values for the margin losses.

``soft_margin_loss`` comes from torch.nn.functional. The article's losses have no
torch function, so their expected values are the formula written in torch tensor
ops and differentiated by autograd (independent of the numpy core):

  hinge          torch.relu(1 - y * f)          (relu: gradient 0 at the kink m == 1)
  squared_hinge  torch.relu(1 - y * f) ** 2
  perceptron     torch.relu(-y * f)             (gradient 0 at m == 0)
  exponential    torch.exp(-y * f)
  zero_one       (y * f <= 0) as a float; the gradient is 0 by definition

One deliberate difference from torch: torch 2.13 evaluates soft_margin_loss as
log1p(exp(-m)), which overflows to inf (gradient NaN) once -m > ~88.7 in float32 and
> ~709.8 in float64. The core uses a stable form, so for the cases with margins of
+-100 and -3e38 the expected values come from torch's stable
``F.softplus(-y * f)`` = log(1 + exp(-m)) with autograd (case ids end in
"softplus-reference").
"""

import torch
import torch.nn.functional as F

from scripts.golden import common

DTYPES = {"float32": torch.float32, "float64": torch.float64}
REDUCTIONS = ("mean", "sum", "none")

# Margins y * f: -2.5, -1, 0 (boundary), -0.3, 1 (hinge kink), -2, 0.5, -1, 3, 4.
INPUT = [-2.5, -1.0, 0.0, 0.3, 1.0, 2.0, -0.5, 1.0, 3.0, -4.0]
TARGET = [1.0, 1.0, 1.0, -1.0, 1.0, -1.0, -1.0, -1.0, 1.0, -1.0]
MATRIX_INPUT = [[0.2, -1.7, 2.4], [-0.9, 0.6, 5.0]]
MATRIX_TARGET = [[1.0, 1.0, -1.0], [-1.0, 1.0, 1.0]]
# Margins -100, 100, -100, 100: far past where float32 exp overflows or underflows.
LARGE_INPUT = [-100.0, 100.0, 100.0, -100.0]
LARGE_TARGET = [1.0, 1.0, -1.0, -1.0]
# Margins -3e38 and -2e38: losses, squares and sums past the float32 range.
OVERFLOW_INPUT = [-3.0e38, 2.0e38]
OVERFLOW_TARGET = [1.0, -1.0]
# torch's soft_margin_loss accepts any real target, not only -1/+1.
SOFT_TARGET = ([0.7, -1.2, 3.0, 0.0], [0.5, -0.25, 2.0, 1.0])


def formula(function: str, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The element-wise loss of the margin, in torch ops."""
    margin = target * input
    if function == "soft_margin_loss":
        return F.soft_margin_loss(input, target, reduction="none")
    if function == "soft_margin_loss-softplus":
        return F.softplus(-margin)
    if function == "hinge":
        return torch.relu(1 - margin)
    if function == "squared_hinge":
        return torch.relu(1 - margin) ** 2
    if function == "perceptron":
        return torch.relu(-margin)
    if function == "exponential":
        return torch.exp(-margin)
    if function == "zero_one":
        return (margin <= 0).to(input.dtype)
    raise ValueError(function)


def expected(function: str, dtype: torch.dtype, input, target, reduction: str) -> dict:
    input_tensor = torch.tensor(input, dtype=dtype, requires_grad=True)
    target_tensor = torch.tensor(target, dtype=dtype)
    if function == "soft_margin_loss":
        loss = F.soft_margin_loss(input_tensor, target_tensor, reduction=reduction)
    else:  # the formula, including the softplus reference for soft_margin_loss
        elementwise = formula(function, input_tensor, target_tensor)
        loss = {"mean": elementwise.mean, "sum": elementwise.sum, "none": lambda: elementwise}[reduction]()
    if loss.requires_grad:
        (loss.sum() if reduction == "none" else loss).backward()
        gradient = input_tensor.grad
    else:  # zero_one: a step function, nothing for autograd to follow
        gradient = torch.zeros_like(input_tensor)
    with torch.no_grad():
        elementwise = formula(function, input_tensor, target_tensor)
    return {"input": input_tensor, "target": target_tensor, "loss": loss, "elementwise": elementwise, "grad": gradient}


def margin_case(
    case_id: str, function: str, dtype: str, input, target, reduction: str, reference: str | None = None
) -> dict:
    """One case for ``function``; ``reference`` names another formula to compute the numbers with."""
    values = expected(reference or function, DTYPES[dtype], input, target, reduction)
    return common.case(
        case_id,
        function,
        dtype,
        {"input": values["input"], "target": values["target"]},
        {"reduction": reduction},
        {"loss": values["loss"], "elementwise": values["elementwise"], "grad": values["grad"]},
    )


FUNCTIONS = ("soft_margin_loss", "hinge", "squared_hinge", "perceptron", "exponential", "zero_one")


def main():
    cases = []
    for function in FUNCTIONS:
        for dtype in DTYPES:
            for reduction in REDUCTIONS:
                prefix = f"{function}-{dtype}-{reduction}"
                cases.append(margin_case(prefix, function, dtype, INPUT, TARGET, reduction))
                cases.append(margin_case(f"{prefix}-2d", function, dtype, MATRIX_INPUT, MATRIX_TARGET, reduction))
                cases.append(margin_case(f"{prefix}-scalar", function, dtype, -0.4, 1.0, reduction))
                cases.append(margin_case(f"{prefix}-empty", function, dtype, [], [], reduction))
                for name, (input, target) in {
                    "large-margin": (LARGE_INPUT, LARGE_TARGET),
                    "overflowing-margin": (OVERFLOW_INPUT, OVERFLOW_TARGET),
                }.items():
                    if function == "soft_margin_loss":
                        case_id, reference = f"{prefix}-{name}-softplus-reference", "soft_margin_loss-softplus"
                    else:
                        case_id, reference = f"{prefix}-{name}", None
                    cases.append(margin_case(case_id, function, dtype, input, target, reduction, reference))
    for dtype in DTYPES:
        for reduction in REDUCTIONS:
            case_id = f"soft_margin_loss-{dtype}-{reduction}-soft-target"
            cases.append(margin_case(case_id, "soft_margin_loss", dtype, *SOFT_TARGET, reduction))
    return common.write("margin", cases)


if __name__ == "__main__":
    print(main())
