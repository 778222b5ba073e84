"""Load golden fixtures written by ``scripts/golden`` (values from real PyTorch)."""

import json
from functools import cache
from pathlib import Path

import numpy as np

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
NON_FINITE = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}
# Relative tolerance per dtype, from the acceptance bar.
RTOL = {"float64": 1e-10, "float32": 2e-5}


def decode(value):
    if isinstance(value, list):
        return [decode(item) for item in value]
    if isinstance(value, str):
        return NON_FINITE[value]
    return value


@cache
def load(family: str) -> list[dict]:
    document = json.loads((GOLDEN / f"{family}.json").read_text())
    return document["cases"]


def cases(family: str, function: str | None = None) -> list[dict]:
    return [c for c in load(family) if function is None or c["function"] == function]


def assert_close(actual, expected, dtype: str, what: str = "value", atol: float = 0.0):
    expected_array = np.asarray(decode(expected), dtype=np.float64)
    actual_array = np.asarray(actual, dtype=np.float64)
    assert actual_array.shape == expected_array.shape, f"{what}: shape {actual_array.shape} != {expected_array.shape}"
    np.testing.assert_allclose(
        actual_array, expected_array, rtol=RTOL[dtype], atol=atol, equal_nan=True, err_msg=what
    )
