"""The one error shape of the JSON API and the handlers that produce it.

Every error, whatever raised it, is answered as::

    {"error": {"status": 422, "code": "invalid_request",
               "message": "<one sentence>",
               "details": [{"field": "body.target", "message": "<problem>"}]}}

``field`` is a dotted path: ``body.<name>[.<index>...]``, ``query.<name>`` or
``path.<name>``; ``details`` is empty when no single field is to blame. Error
bodies never repeat the offending input (it may be huge or non-finite), only
where it is and what is wrong with it.
"""

from collections.abc import Iterable

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.api.limits import BODY_TOO_LARGE_MESSAGE, MAX_BODY_BYTES
from app.core.errors import LossInputError

# Longest message kept from a lower layer, so an error never balloons.
MAX_MESSAGE_CHARS = 300
MAX_DETAILS = 20

HTTP_CODES = {
    400: "malformed_json",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal_error",
}

# Path segments pydantic adds inside unions and tagged unions: not field names.
TYPE_ERRORS = {"int_type", "float_type", "list_type", "bool_type", "string_type"}
UNION_TAGS = {"number", "list", "int", "float", "str", "bool"}


class ApiError(Exception):
    """An error answer: HTTP status, short code, sentence and per-field details."""

    def __init__(self, status: int, message: str, details: Iterable[tuple[str, str]] = (), code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or HTTP_CODES.get(status, "error")
        self.message = message
        self.details = [{"field": field, "message": _clip(text)} for field, text in details][:MAX_DETAILS]


def field_error(field: str, message: str, status: int = 422) -> ApiError:
    """An error about one field: the sentence names the field too."""
    return ApiError(status, f"{field}: {message}", [(field, message)])


def error_body(error: ApiError) -> bytes:
    """The JSON bytes of the one error shape."""
    return orjson.dumps(
        {"error": {"status": error.status, "code": error.code, "message": _clip(error.message), "details": error.details}}
    )


def error_response(error: ApiError, headers: dict[str, str] | None = None) -> Response:
    return Response(error_body(error), status_code=error.status, media_type="application/json", headers=headers)


def _clip(text: str) -> str:
    text = str(text)
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


def dotted(prefix: str, location: Iterable) -> str:
    """``("input", "list", 1, "number", "float")`` -> ``"body.input.1"``."""
    parts = [prefix]
    for part in location:
        if isinstance(part, str) and (part in UNION_TAGS or part.startswith(("list[", "union[", "function-"))):
            continue
        parts.append(str(part))
    return ".".join(parts)


def _detail_message(error_type: str, message: str) -> str:
    if error_type in {"int_type", "float_type", "list_type"}:
        return "must be a number or a (nested) list of numbers; booleans, strings and null are not numbers"
    if error_type == "finite_number":
        return "must be a finite number: NaN, Infinity and numbers beyond ±1.8e308 are not allowed"
    if error_type == "extra_forbidden":
        return "is not a known field here; remove it (field names are case-sensitive)"
    if error_type == "missing":
        return "is required"
    return message


def validation_details(errors: list[dict], prefix: str) -> list[tuple[str, str]]:
    """Pydantic errors -> ``[(field, message)]``, one entry per field, union noise merged.

    For a field that failed inside a union (number or list), the most telling
    error wins: non-finite, then a broken constraint (too long, too small), then wrong type.
    """
    by_field: dict[str, tuple[int, str]] = {}
    for error in errors:
        error_type = error.get("type", "")
        location = error.get("loc", ())
        if error_type == "json_invalid":
            continue
        field = dotted(prefix, location)
        # Inside a union, the branch that matched the JSON kind says more than "wrong type".
        rank = 0 if error_type == "finite_number" else 2 if error_type in TYPE_ERRORS else 1
        message = _detail_message(error_type, error.get("msg", "is invalid"))
        if field not in by_field or rank < by_field[field][0]:
            by_field[field] = (rank, message)
    return [(field, message) for field, (_, message) in by_field.items()]


def from_validation_error(errors: list[dict], prefix: str) -> ApiError:
    """Turn pydantic error dicts into a 400 (malformed JSON) or 422 ``ApiError``."""
    for error in errors:
        if error.get("type") == "json_invalid":
            reason = error.get("ctx", {}).get("error", "not valid JSON")
            return ApiError(
                400,
                f"the request body is not valid JSON ({_clip(reason)}); NaN and Infinity are not JSON",
                [("body", "is not valid JSON")],
            )
    details = validation_details(errors, prefix)
    if not details:
        return ApiError(422, "the request is not valid", [(prefix, "is not valid")])
    first_field, first_message = details[0]
    more = f" (and {len(details) - 1} more problems)" if len(details) > 1 else ""
    return ApiError(422, f"{first_field}: {first_message}{more}", details)


def _location_prefix(request: Request) -> str:
    return "query" if request.method == "GET" else "body"


async def handle_api_error(request: Request, error: ApiError) -> Response:
    return error_response(error)


async def handle_loss_input_error(request: Request, error: LossInputError) -> Response:
    field = f"{_location_prefix(request)}.{error.argument}"
    return error_response(ApiError(422, f"{field}: {error.message}", [(field, error.message)], code="invalid_argument"))


async def handle_request_validation(request: Request, error: RequestValidationError) -> Response:
    errors = list(error.errors())
    # FastAPI puts the location kind first: ("query", "num"), ("path", "name"), ("body", ...).
    grouped: dict[str, list[dict]] = {}
    for item in errors:
        location = tuple(item.get("loc", ()))
        kind = str(location[0]) if location else "body"
        grouped.setdefault(kind, []).append({**item, "loc": location[1:]})
    details: list[tuple[str, str]] = []
    for kind, items in grouped.items():
        converted = from_validation_error(items, kind)
        if converted.status == 400:
            return error_response(converted)
        details.extend((d["field"], d["message"]) for d in converted.details)
    first_field, first_message = details[0]
    more = f" (and {len(details) - 1} more problems)" if len(details) > 1 else ""
    return error_response(ApiError(422, f"{first_field}: {first_message}{more}", details))


async def handle_pydantic_error(request: Request, error: ValidationError) -> Response:
    return error_response(from_validation_error(error.errors(include_input=False, include_url=False), _location_prefix(request)))


async def handle_http_exception(request: Request, error: StarletteHTTPException) -> Response:
    status = error.status_code
    if status == 404:
        message = "nothing lives at this path; the API is under /api/v1 (its document is /docs)"
        if isinstance(error.detail, str) and error.detail not in ("Not Found", ""):
            message = error.detail
    elif status == 405:
        allowed = (error.headers or {}).get("Allow", "")
        message = f"{request.method} is not allowed on {request.url.path}" + (f"; use {allowed}" if allowed else "")
    elif status == 413:
        message = BODY_TOO_LARGE_MESSAGE
    else:
        message = str(error.detail)
    return error_response(ApiError(status, message), headers=dict(error.headers or {}))


async def handle_unexpected(request: Request, error: Exception) -> Response:
    return error_response(ApiError(500, "the server failed to answer this request; please report it"))


async def send_body_too_large(send) -> None:
    """Write the 413 answer straight to an ASGI ``send`` (used by the limits middleware)."""
    error = ApiError(413, BODY_TOO_LARGE_MESSAGE, [("body", f"must be at most {MAX_BODY_BYTES} bytes")])
    body = error_body(error)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler so that all errors leave in the one shape."""
    app.add_exception_handler(ApiError, handle_api_error)
    app.add_exception_handler(LossInputError, handle_loss_input_error)
    app.add_exception_handler(RequestValidationError, handle_request_validation)
    app.add_exception_handler(ValidationError, handle_pydantic_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_exception)
    app.add_exception_handler(Exception, handle_unexpected)
