"""/api/v1/activations: sigmoid, softmax and log_softmax with temperature."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.common import compute, error_responses, parse_body, request_body, to_array
from app.api.errors import ApiError
from app.api.responses import StrictJSONResponse, encode_array
from app.api.schemas import ActivationRequest, ActivationResponse
from app.core import activations

router = APIRouter(prefix="/activations", tags=["activations"])

ACTIVATIONS = {"sigmoid": activations.sigmoid, "softmax": activations.softmax, "log_softmax": activations.log_softmax}


@router.post(
    "/{name}",
    summary="Apply sigmoid, softmax or log_softmax",
    response_model=None,
    responses={200: {"model": ActivationResponse}, **error_responses(400, 404, 413, 422)},
    openapi_extra=request_body(ActivationRequest),
)
async def activate(name: str, request: Request) -> Response:
    """``name(input / temperature)`` along ``dim`` (sigmoid is element-wise), as
    ``torch.sigmoid`` / ``torch.softmax`` / ``torch.log_softmax`` compute it in the chosen dtype.
    ``temperature`` must be > 0 and ``dim`` an axis of ``input``. Limits: body ≤ 8 MiB,
    ≤ 1,000,000 numbers (413)."""
    function = ACTIVATIONS.get(name)
    if function is None:
        raise ApiError(
            404,
            f"there is no activation called {name[:80]!r}",
            [("path.name", f"must be one of {', '.join(ACTIVATIONS)}")],
        )
    body, size = await parse_body(request, ActivationRequest)

    def run() -> dict:
        logits = to_array(body.input, "input", body.dtype)
        return {"output": encode_array(function(logits, dim=body.dim, temperature=body.temperature))}

    return StrictJSONResponse(await compute(size, run))
