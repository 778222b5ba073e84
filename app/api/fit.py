"""/api/v1/fit: straight lines through points under L2, L1, smooth-L1 and Huber."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.common import compute, error_responses, parse_body, request_body
from app.api.errors import field_error
from app.api.limits import MAX_FIT_POINTS
from app.api.responses import StrictJSONResponse, encode_array, encode_number
from app.api.schemas import FitRequest, FitResponse
from app.core.fit import fit_line

router = APIRouter(tags=["fit"])


@router.post(
    "/fit",
    summary="Fit a line under several losses",
    response_model=None,
    responses={200: {"model": FitResponse}, **error_responses(400, 413, 422)},
    openapi_extra=request_body(FitRequest),
)
async def fit_lines(request: Request) -> Response:
    """For each loss, the line y = slope·x + intercept minimising the mean loss of the residuals
    (closed form for mse_loss, iteratively reweighted least squares for the others), each point's
    residual and loss, and its weight: its share of influence on the fit (final IRLS weight,
    normalised to sum 1). Needs at least two distinct x; at most 100,000 points (413)."""
    body, size = await parse_body(request, FitRequest)
    if len(body.x) > MAX_FIT_POINTS:
        raise field_error("body.x", f"holds {len(body.x)} points; the limit is {MAX_FIT_POINTS}", status=413)

    def run() -> dict:
        fits = []
        for loss in dict.fromkeys(body.losses):
            fit = fit_line(body.x, body.y, loss, beta=body.beta, delta=body.delta)
            fits.append(
                {
                    "loss": loss,
                    "slope": encode_number(fit.slope),
                    "intercept": encode_number(fit.intercept),
                    "residual": encode_array(fit.residual),
                    "point_loss": encode_array(fit.point_loss),
                    "weight": encode_array(fit.weight),
                }
            )
        return {"fits": fits}

    return StrictJSONResponse(await compute(size, run))
