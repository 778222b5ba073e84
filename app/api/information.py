"""/api/v1/information: entropy, cross-entropy, KL divergence and information content."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.common import compute, error_responses, parse_body, request_body
from app.api.responses import StrictJSONResponse, encode_array, encode_number
from app.api.schemas import InformationRequest, InformationResponse
from app.core import information

router = APIRouter(tags=["information"])


@router.post(
    "/information",
    summary="Information measures of two distributions",
    response_model=None,
    responses={200: {"model": InformationResponse}, **error_responses(400, 413, 422)},
    openapi_extra=request_body(InformationRequest),
)
async def information_measures(request: Request) -> Response:
    """H(p), H(p, q), KL(p ‖ q) and the information content −log q_i of each outcome, in nats
    (base "e") or bits (base "2"), with 0·log 0 = 0. ``p`` and ``q`` must be real distributions:
    non-negative, the same length, each summing to 1 within 1e-6 (never normalised for you).
    Where q_i = 0 < p_i the answer is "Infinity"."""
    body, size = await parse_body(request, InformationRequest)

    def run() -> dict:
        return {
            "entropy": encode_number(information.entropy(body.p, base=body.base)),
            "cross_entropy": encode_number(information.cross_entropy(body.p, body.q, base=body.base)),
            "kl_divergence": encode_number(information.kl_divergence(body.p, body.q, base=body.base)),
            "information_content": encode_array(information.information_content(body.q, base=body.base)),
        }

    return StrictJSONResponse(await compute(size, run))
