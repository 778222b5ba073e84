"""Strict JSON out: numpy arrays to JSON bytes, non-finite values as strings.

JSON has no NaN or Infinity, so a non-finite result is sent as one of the
strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"`` (JavaScript's ``Number()``
turns each back into the number). Every other value is a JSON number. float32
results are widened to float64 before writing, so each number printed is the
exact float32 value (a float64 reader gets the same bits back).

Finite arrays go straight from numpy to JSON through orjson's numpy support,
without building Python lists; only an array that holds a non-finite value
takes the slower path through a list with the strings put in.
"""

import math

import numpy as np
import orjson
from starlette.responses import Response

NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def encode_number(value) -> float | str:
    """One number as a JSON-ready float, or its non-finite string."""
    number = float(value)
    if math.isfinite(number):
        return number
    if math.isnan(number):
        return "NaN"
    return "Infinity" if number > 0 else "-Infinity"


def encode_array(values) -> np.ndarray | list | float | str:
    """An array (any shape) as something orjson writes as strict JSON.

    0-d arrays become a single number; finite arrays stay float64 ndarrays
    (orjson writes them natively); arrays with NaN/Inf become nested lists
    with the strings in place of the non-finite entries.
    """
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0:
        return encode_number(array)
    finite = np.isfinite(array)
    if finite.all():
        return np.ascontiguousarray(array)
    encoded = array.astype(object)
    encoded[np.isnan(array)] = "NaN"
    encoded[array == np.inf] = "Infinity"
    encoded[array == -np.inf] = "-Infinity"
    return encoded.tolist()


def dumps(content) -> bytes:
    """JSON bytes for content built from ``encode_number``/``encode_array`` values."""
    return orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY)


class StrictJSONResponse(Response):
    """A JSON answer written by orjson; never emits NaN/Infinity tokens.

    Content must already be encoded with ``encode_number``/``encode_array``
    (orjson would write a bare float NaN as ``null``, which the API never sends).
    """

    media_type = "application/json"

    def render(self, content) -> bytes:
        return dumps(content)
