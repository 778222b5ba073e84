"""Helpers every API route shares: read and validate a body, turn fields into arrays, run the core."""

from collections.abc import Callable
from typing import TypeVar

import numpy as np
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from app.api.errors import ApiError, field_error, from_validation_error
from app.api.limits import MAX_ARRAY_NUMBERS, MAX_BODY_BYTES
from app.api.schemas import ErrorResponse

# Bodies up to this size are computed on the event loop: the work takes microseconds
# and a hop to the thread pool would cost more. Larger ones go to the thread pool.
INLINE_BODY_BYTES = 64 * 1024

Model = TypeVar("Model", bound=BaseModel)
Result = TypeVar("Result")


async def parse_body(request: Request, model: type[Model]) -> tuple[Model, int]:
    """Validate the raw body against ``model`` in one pass; return ``(parsed, body size)``.

    Malformed JSON -> 400; anything the model refuses -> 422 naming the field.
    """
    raw = await request.body()
    try:
        return model.model_validate_json(raw), len(raw)
    except ValidationError as error:
        raise from_validation_error(error.errors(include_input=False, include_url=False), "body") from None


async def compute(body_bytes: int, work: Callable[[], Result]) -> Result:
    """Run ``work`` inline for small bodies, in the thread pool for large ones."""
    if body_bytes <= INLINE_BODY_BYTES:
        return work()
    return await run_in_threadpool(work)


def to_array(value, field: str, dtype: str | None = "float64") -> np.ndarray:
    """A validated JSON number or nested list as an ndarray.

    Args:
      value: a number or nested lists of numbers (already type-checked by the model).
      field: the field name for error messages (``"input"``, ``"target"``, ...).
      dtype: the float dtype to cast to; ``None`` keeps integers as int64 (class indices).

    Raises ApiError 422 for ragged lists or integers beyond float range, 413 for
    more than ``MAX_ARRAY_NUMBERS`` numbers.
    """
    try:
        array = np.asarray(value)
    except ValueError:
        raise field_error(
            f"body.{field}", "must be a rectangular nested list: every row needs the same length and depth"
        ) from None
    if array.size > MAX_ARRAY_NUMBERS:
        raise field_error(
            f"body.{field}", f"holds {array.size} numbers; the limit is {MAX_ARRAY_NUMBERS} per array", status=413
        )
    if array.dtype.kind not in "iuf" or (dtype is not None and array.dtype != dtype):
        if dtype is None and array.dtype.kind == "O":
            dtype = "float64"  # integers too large for int64 cannot be class indices anyway
        if dtype is not None:
            try:
                with np.errstate(over="ignore"):  # checked just below, with a message naming the dtype
                    array = array.astype(dtype)
            except (OverflowError, TypeError, ValueError):
                raise field_error(f"body.{field}", "holds a number too large for a float64") from None
            if array.dtype.kind == "f" and not np.isfinite(array).all():
                limit = float(np.finfo(array.dtype).max)
                raise field_error(f"body.{field}", f"holds a number beyond the {array.dtype} range (±{limit:.4g})")
    return array


ERROR_DESCRIPTIONS = {
    400: "The body is not valid JSON (NaN and Infinity tokens are not JSON).",
    404: "No such loss or activation, or no such path.",
    413: f"The body is larger than {MAX_BODY_BYTES} bytes (8 MiB), or an array holds more than {MAX_ARRAY_NUMBERS} numbers.",
    422: "A field is missing, has the wrong type or value, or the numbers do not fit together "
    "(shapes, class indices, probabilities); details name the field.",
}


def error_responses(*statuses: int) -> dict:
    """OpenAPI ``responses`` entries for the given error statuses, all in the one error shape."""
    return {status: {"model": ErrorResponse, "description": ERROR_DESCRIPTIONS[status]} for status in statuses}


def request_body(model: type[BaseModel]) -> dict:
    """``openapi_extra`` documenting a JSON body the route parses itself (see ``parse_body``)."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
        }
    }
