"""The OpenAPI document: request bodies the routes parse themselves, loss names, the one error shape."""

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api.activations import ACTIVATIONS
from app.api.limits import (
    MAX_ARRAY_NUMBERS,
    MAX_BODY_BYTES,
    MAX_CURVE_POINTS,
    MAX_EPOCHS,
    MAX_FIT_POINTS,
    MAX_NEURON_SAMPLES,
)
from app.api.schemas import REQUEST_MODELS
from app.core import registry

API_DESCRIPTION = f"""
Loss values, derivatives and sigmoid/softmax transforms that match `torch.nn.functional`
in float32 and float64.

**Errors** all have one shape: `{{"error": {{"status", "code", "message", "details": [{{"field", "message"}}]}}}}`;
`field` is a dotted path such as `body.target` or `query.num`. Codes: `malformed_json` (400),
`not_found` (404), `method_not_allowed` (405), `request_timeout` (408), `payload_too_large` (413),
`invalid_request` (422, the request's form), `invalid_argument` (422, the numbers do not fit
together, e.g. shapes or class indices), `internal_error` (500, never expected).

**Non-finite numbers** in answers are the strings `"NaN"`, `"Infinity"` and `"-Infinity"`
(JavaScript's `Number()` reads them); every other number is a JSON number. float32 results are
written as their exact float64 value. Requests must be strict JSON: NaN/Infinity tokens and
numbers beyond float64 (such as 1e400) are refused.

**Limits**: request body at most {MAX_BODY_BYTES} bytes (8 MiB) and at most {MAX_ARRAY_NUMBERS:,}
numbers per array, else 413; curve `num` at most {MAX_CURVE_POINTS:,}, else 422; a line fit at most
{MAX_FIT_POINTS:,} points (413); neuron training at most {MAX_EPOCHS:,} epochs and {MAX_NEURON_SAMPLES:,} samples (422).
""".strip()

# Path parameter "name" of these path prefixes takes one of these values.
NAMED_PATHS = {
    "/api/v1/losses/{name}": list(registry.LOSSES),
    "/api/v1/activations/{name}": list(ACTIVATIONS),
}


def install_openapi(app: FastAPI) -> None:
    """Replace ``app.openapi`` with a builder that completes FastAPI's document.

    Adds the request-body schemas (routes parse bodies themselves for speed),
    lists the valid values of every ``{name}`` path parameter, and drops
    FastAPI's default validation-error schemas (the API has one error shape).
    """

    def build() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(title=app.title, version=app.version, description=API_DESCRIPTION, routes=app.routes)
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for model in REQUEST_MODELS:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in schema.pop("$defs", {}).items():
                schemas.setdefault(name, definition)
            schemas[model.__name__] = schema
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        for path, operations in document.get("paths", {}).items():
            for prefix, names in NAMED_PATHS.items():
                if not path.startswith(prefix):
                    continue
                for operation in operations.values():
                    for parameter in operation.get("parameters", []):
                        if parameter["in"] == "path" and parameter["name"] == "name":
                            parameter["schema"] = {"type": "string", "enum": names, "title": "Name"}
        app.openapi_schema = document
        return document

    app.openapi = build  # type: ignore[method-assign]
