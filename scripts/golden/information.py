"""Golden values for the information measures, from torch in float64.

  information_content  -log(q)
  entropy              -xlogy(p, p).sum()           (xlogy(0, .) = 0: the 0 log 0 = 0 convention)
  cross_entropy        -xlogy(p, q).sum()
  kl_divergence        (xlogy(p, p) - xlogy(p, q)).sum()

A case's ``expected`` holds ``value`` (a number, or a list for information_content),
in nats for base "e" and divided by ln 2 for base "2".
"""

import math

import torch

from scripts.golden import common

DIVISOR = {"e": 1.0, "2": math.log(2.0)}

# (name, p, q): ordinary, with zeros in p, equal distributions, and q = 0 where p > 0 (infinite H(p, q) and KL).
PAIRS = [
    ("uniform-vs-peaked", [0.25, 0.25, 0.25, 0.25], [0.7, 0.1, 0.1, 0.1]),
    ("peaked-vs-uniform", [0.7, 0.1, 0.1, 0.1], [0.25, 0.25, 0.25, 0.25]),
    ("zero-in-p", [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]),
    ("one-hot", [0.0, 1.0, 0.0], [0.1, 0.6, 0.3]),
    ("equal", [0.2, 0.3, 0.5], [0.2, 0.3, 0.5]),
    ("zero-in-q-under-p", [0.5, 0.5], [1.0, 0.0]),
    ("zero-in-both", [0.6, 0.4, 0.0], [0.3, 0.7, 0.0]),
    ("tiny-q", [0.5, 0.5], [1.0 - 1e-300, 1e-300]),
    ("coin", [0.5, 0.5], [0.9, 0.1]),
]


def xlogy_sum(p: torch.Tensor, q: torch.Tensor) -> float:
    return torch.special.xlogy(p, q).sum().item()


def main():
    cases = []
    for base, divisor in DIVISOR.items():
        for name, p_values, q_values in PAIRS:
            p = torch.tensor(p_values, dtype=torch.float64)
            q = torch.tensor(q_values, dtype=torch.float64)
            options = {"base": base}
            values = {
                "entropy": ({"p": p}, -xlogy_sum(p, p) / divisor),
                "cross_entropy": ({"p": p, "q": q}, -xlogy_sum(p, q) / divisor),
                "kl_divergence": ({"p": p, "q": q}, (xlogy_sum(p, p) - xlogy_sum(p, q)) / divisor),
                "information_content": ({"q": q}, -torch.log(q) / divisor),
            }
            for function, (args, value) in values.items():
                case_id = f"{function}-{name}-base{base}"
                cases.append(common.case(case_id, function, "float64", args, options, {"value": value}))
    return common.write("information", cases)


if __name__ == "__main__":
    print(main())
