"""Golden values for the regression losses, from torch.nn.functional.

Covers l1_loss, mse_loss, smooth_l1_loss (beta 0, 0.5, 1, 2.5) and huber_loss
(delta 0.5, 1, 2.5) in float32 and float64 with every reduction, plus edge cases:
zero residuals (L1's gradient is 0 there), residuals exactly at beta/delta, large
residuals, float32 squares and residuals past the float32 range (inf), empty input (mean is NaN)
and 2-D input.
"""

import torch
import torch.nn.functional as F

from scripts.golden import common

DTYPES = {"float32": torch.float32, "float64": torch.float64}
REDUCTIONS = ("mean", "sum", "none")

# Residuals on both sides of 0, inside and outside every beta/delta used, and exactly at 0.5, 1 and 2.5.
INPUT = [-3.0, -1.0, -0.3, 0.0, 0.25, 0.5, 1.7, 4.0, 2.5, -0.75]
TARGET = [0.0, 0.0, 0.2, 0.0, -0.25, 1.0, 0.2, 1.0, 0.0, -0.5]
MATRIX_INPUT = [[0.1, -1.2, 2.3], [3.4, 0.0, -0.6]]
MATRIX_TARGET = [[0.0, -1.0, 0.0], [1.0, 0.0, 0.9]]
ZERO_RESIDUAL = ([1.5, -2.0, 0.0, 7.25], [1.5, -2.0, 0.0, 7.25])
LARGE_RESIDUAL = ([1.0e6, -2.0e7, 3.5e3, 0.5], [-1.0e6, 3.0e7, -1.0e3, 0.0])
# float32 holds up to about 3.4e38: squares of these residuals overflow to inf there, not in float64.
OVERFLOWING_SQUARE = ([3.0e19, -1.0e20, 1.0], [0.0, 0.0, 0.0])
# ... and here the float32 residual itself overflows (3e38 - -3e38).
OVERFLOWING_RESIDUAL = ([3.0e38, 1.0, -2.0e38], [-3.0e38, 0.0, 2.0e38])

LOSSES = {
    "l1_loss": [{}],
    "mse_loss": [{}],
    "smooth_l1_loss": [{"beta": 0.0}, {"beta": 0.5}, {"beta": 1.0}, {"beta": 2.5}],
    "huber_loss": [{"delta": 0.5}, {"delta": 1.0}, {"delta": 2.5}],
}


def torch_case(case_id: str, function: str, dtype: str, input, target, options: dict) -> dict:
    """One case: loss, elementwise (reduction="none") and autograd gradient from torch."""
    input_tensor = torch.tensor(input, dtype=DTYPES[dtype], requires_grad=True)
    target_tensor = torch.tensor(target, dtype=DTYPES[dtype])
    loss_function = getattr(F, function)
    loss = loss_function(input_tensor, target_tensor, **options)
    (loss.sum() if options["reduction"] == "none" else loss).backward()
    with torch.no_grad():
        elementwise = loss_function(input_tensor, target_tensor, **{**options, "reduction": "none"})
    return common.case(
        case_id,
        function,
        dtype,
        {"input": input_tensor, "target": target_tensor},
        options,
        {"loss": loss, "elementwise": elementwise, "grad": input_tensor.grad},
    )


def option_label(options: dict) -> str:
    return "".join(f"-{name}{value:g}" for name, value in options.items())


def main():
    cases = []
    for function, option_sets in LOSSES.items():
        for dtype in DTYPES:
            for options in option_sets:
                label = option_label(options)
                for reduction in REDUCTIONS:
                    all_options = {"reduction": reduction, **options}
                    case_id = f"{function}{label}-{dtype}-{reduction}"
                    cases.append(torch_case(case_id, function, dtype, INPUT, TARGET, all_options))
                    cases.append(
                        torch_case(
                            f"{function}{label}-{dtype}-{reduction}-2d",
                            function,
                            dtype,
                            MATRIX_INPUT,
                            MATRIX_TARGET,
                            all_options,
                        )
                    )
            default = {"reduction": "mean", **option_sets[-1]}
            label = option_label(option_sets[-1])
            edge_cases = {
                "zero-residual": ZERO_RESIDUAL,
                "large-residual": LARGE_RESIDUAL,
                "overflowing-square": OVERFLOWING_SQUARE,
                "overflowing-residual": OVERFLOWING_RESIDUAL,
                "scalar": (2.5, -1.0),
            }
            for name, (input, target) in edge_cases.items():
                for reduction in REDUCTIONS:
                    options = {**default, "reduction": reduction}
                    case_id = f"{function}{label}-{dtype}-{reduction}-{name}"
                    cases.append(torch_case(case_id, function, dtype, input, target, options))
            for reduction in REDUCTIONS:
                options = {**default, "reduction": reduction}
                case_id = f"{function}{label}-{dtype}-{reduction}-empty"
                cases.append(torch_case(case_id, function, dtype, [], [], options))
    # L1's subgradient at a zero residual, for smooth_l1 with beta=0 too (it falls back to L1).
    for dtype in DTYPES:
        cases.append(
            torch_case(
                f"smooth_l1_loss-beta0-{dtype}-sum-zero-residual",
                "smooth_l1_loss",
                dtype,
                *ZERO_RESIDUAL,
                {"reduction": "sum", "beta": 0.0},
            )
        )
    return common.write("regression", cases)


if __name__ == "__main__":
    print(main())
