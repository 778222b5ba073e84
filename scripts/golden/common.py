"""Helpers shared by the golden-value generators.

Each family module (``scripts/golden/<family>.py``) builds a list of cases with
:func:`case` and writes them with :func:`write`. A fixture file is JSON:

    {"generated_by": "torch 2.13.0", "cases": [case, ...]}

and a case is

    {"id": str, "function": str, "dtype": "float32" | "float64",
     "args": {"input": nested list, "target": ..., "weight": ..., ...},
     "options": {"reduction": ..., "beta": ..., ...},
     "expected": {"loss": ..., "elementwise": ..., "grad": ...}}

Numbers are JSON numbers; NaN and infinities are the strings "nan", "inf" and
"-inf" (strict JSON has no tokens for them). float32 values are stored exactly
(every float32 is a float64).
"""

import json
import math
from pathlib import Path

import torch

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "golden"


def encode(value):
    """Tensors, numbers and nested lists to JSON-safe nested lists."""
    if isinstance(value, torch.Tensor):
        value = value.detach().to(torch.float64).tolist() if value.is_floating_point() else value.tolist()
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    return value


def case(case_id: str, function: str, dtype: str, args: dict, options: dict, expected: dict) -> dict:
    return {
        "id": case_id,
        "function": function,
        "dtype": dtype,
        "args": {name: encode(value) for name, value in args.items()},
        "options": {name: encode(value) for name, value in options.items()},
        "expected": {name: encode(value) for name, value in expected.items()},
    }


def write(family: str, cases: list[dict]) -> Path:
    ids = [c["id"] for c in cases]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate case ids: {sorted(duplicates)}")
    FIXTURES.mkdir(parents=True, exist_ok=True)
    path = FIXTURES / f"{family}.json"
    document = {"generated_by": f"torch {torch.__version__.split('+')[0]}", "cases": cases}
    path.write_text(json.dumps(document, indent=1, allow_nan=False) + "\n")
    return path
