"""/api/v1/losses: the catalogue, one loss, its curve, and evaluating it on your numbers."""

from typing import Annotated

import numpy as np
import orjson
from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from app.api.common import compute, error_responses, parse_body, request_body, to_array
from app.api.errors import ApiError, field_error
from app.api.limits import MAX_CURVE_POINTS
from app.api.responses import StrictJSONResponse, encode_array
from app.api.schemas import CurveResponse, Dtype, EvaluateRequest, EvaluateResponse, LossEntry, LossList
from app.core import registry
from app.core.errors import LossInputError

router = APIRouter(prefix="/losses", tags=["losses"])

# Evaluate fields that are loss options (the rest are input, target, reduction, dtype).
OPTION_FIELDS = ("beta", "delta", "weight", "ignore_index", "label_smoothing", "pos_weight", "log_target", "alpha", "gamma")
ARRAY_OPTIONS = ("weight", "pos_weight")
CLASS_INDEX_LOSSES = ("cross_entropy", "nll_loss")
CURVE_PARAMETERS = ("start", "stop", "num", "target", "dtype")
CURVE_OPTIONS = ("beta", "delta", "label_smoothing", "pos_weight", "alpha", "gamma")

# The catalogue never changes while the app runs: serialise it once.
CATALOGUE = orjson.dumps({"losses": [spec.entry() for spec in registry.LOSSES.values()]})
ENTRIES = {name: orjson.dumps(spec.entry()) for name, spec in registry.LOSSES.items()}


def find_loss(name: str) -> registry.LossSpec:
    """The registry entry for ``name``, or a 404 that lists the known names."""
    spec = registry.LOSSES.get(name)
    if spec is None:
        raise ApiError(
            404,
            f"there is no loss called {name[:80]!r}; GET /api/v1/losses lists them",
            [("path.name", f"must be one of {', '.join(registry.LOSSES)}")],
        )
    return spec


@router.get("", summary="List every loss", response_model=None, responses={200: {"model": LossList}})
def list_losses() -> Response:
    """Every loss of the catalogue with its formula, torch name, options and curve axis."""
    return Response(CATALOGUE, media_type="application/json")


@router.get(
    "/{name}",
    summary="One loss",
    response_model=None,
    responses={200: {"model": LossEntry}, **error_responses(404)},
)
def get_loss(name: str) -> Response:
    """The catalogue entry of one loss; an unknown name gets 404."""
    find_loss(name)
    return Response(ENTRIES[name], media_type="application/json")


@router.get(
    "/{name}/curve",
    summary="A loss and its derivative along its natural axis",
    response_model=None,
    responses={200: {"model": CurveResponse}, **error_responses(404, 422)},
)
async def loss_curve(
    name: str,
    request: Request,
    start: Annotated[float | None, Query(allow_inf_nan=False, description="First x; default from the loss's x_axis.")] = None,
    stop: Annotated[float | None, Query(allow_inf_nan=False, description="Last x (> start); default from x_axis.")] = None,
    num: Annotated[int, Query(ge=2, le=MAX_CURVE_POINTS, description=f"Number of points, 2 to {MAX_CURVE_POINTS}.")] = 601,
    target: Annotated[
        float | None,
        Query(allow_inf_nan=False, description="Target t in [0, 1] on logit and probability axes (default 1); nll_loss: 0 or 1."),
    ] = None,
    dtype: Annotated[Dtype, Query(description="Arithmetic precision.")] = "float64",
    beta: Annotated[float | None, Query(allow_inf_nan=False, ge=0, description="smooth_l1_loss beta.")] = None,
    delta: Annotated[float | None, Query(allow_inf_nan=False, gt=0, description="huber_loss delta.")] = None,
    label_smoothing: Annotated[float | None, Query(allow_inf_nan=False, ge=0, le=1, description="cross_entropy label smoothing.")] = None,
    pos_weight: Annotated[float | None, Query(allow_inf_nan=False, description="binary_cross_entropy_with_logits pos_weight.")] = None,
    alpha: Annotated[float | None, Query(allow_inf_nan=False, le=1, description="sigmoid_focal_loss alpha.")] = None,
    gamma: Annotated[float | None, Query(allow_inf_nan=False, ge=0, description="sigmoid_focal_loss gamma.")] = None,
) -> Response:
    """``num`` evenly spaced x from ``start`` to ``stop`` on the loss's x-axis, the loss at each x
    and d loss / d x. Axes: residual y − ŷ (regression, prediction 0 and target r), margin y·f
    (margin losses, target +1), logit x (BCE with logits and focal loss with target t; cross_entropy
    on logits [x, 0] against probabilities [t, 1 − t]), probability p (BCE with target t; nll_loss
    on log [p, 1 − p]; kl_div of [t, 1 − t] from [p, 1 − p]). Options a loss does not take are
    refused with 422; at most 100,001 points."""
    spec = find_loss(name)
    for key in request.query_params:
        if key not in CURVE_PARAMETERS and key not in CURVE_OPTIONS:
            raise field_error(f"query.{key}", "is not a parameter of the curve endpoint")
    given = {"beta": beta, "delta": delta, "label_smoothing": label_smoothing, "pos_weight": pos_weight, "alpha": alpha, "gamma": gamma}
    options = {option: value for option, value in given.items() if value is not None}
    axis = spec.x_axis
    first = axis.start if start is None else start
    last = axis.stop if stop is None else stop
    if not first < last:
        raise field_error("query.stop", f"must be greater than start ({first!r}), got {last!r}")
    if axis.minimum is not None and first < axis.minimum:
        raise field_error("query.start", f"must be at least {axis.minimum} on the {axis.name} axis, got {first!r}")
    if axis.maximum is not None and last > axis.maximum:
        raise field_error("query.stop", f"must be at most {axis.maximum} on the {axis.name} axis, got {last!r}")
    largest = float(np.finfo(dtype).max)
    for field, bound in (("query.start", first), ("query.stop", last)):
        if abs(bound) > largest:
            raise field_error(field, f"must be within the {dtype} range (±{largest:.4g}), got {bound!r}")
    if not np.isfinite(last - first):
        raise field_error("query.stop", f"stop - start must be a finite float64, got {last!r} - {first!r}")
    x = np.linspace(first, last, num).astype(dtype)
    try:
        loss, grad = registry.curve(name, x, target=target, dtype=dtype, **options)
    except LossInputError as error:
        if error.argument == "x":  # the positions come from start and stop
            raise field_error("query.start", error.message) from None
        raise
    return StrictJSONResponse(
        {"x": encode_array(x), "loss": encode_array(loss), "grad": encode_array(grad), "x_axis": axis.name}
    )


def check_float_target(name: str, input_array: np.ndarray, target_array: np.ndarray) -> None:
    """JSON floats are class probabilities (cross_entropy only), never class indices."""
    if name == "nll_loss":
        raise field_error("body.target", "must hold class indices written as JSON integers (0, 1, ...), not floats")
    if name == "cross_entropy" and target_array.shape != input_array.shape:
        raise field_error(
            "body.target",
            f"holds floats, which are class probabilities and need input's shape {tuple(input_array.shape)}, "
            f"got {tuple(target_array.shape)}; write class indices as JSON integers",
        )


@router.post(
    "/{name}/evaluate",
    summary="Evaluate a loss on your numbers",
    response_model=None,
    responses={200: {"model": EvaluateResponse}, **error_responses(400, 404, 413, 422)},
    openapi_extra=request_body(EvaluateRequest),
)
async def evaluate_loss(name: str, request: Request) -> Response:
    """The reduced loss, the element-wise loss (reduction "none", shaped as torch shapes it) and
    d loss / d input, computed as ``torch.nn.functional.<name>`` computes them, in float32 or
    float64. Options are those of the torch function, with its defaults; an option the loss does
    not take is refused with 422. For cross_entropy and nll_loss a target of JSON integers holds
    class indices, one of floats class probabilities. Limits: body ≤ 8 MiB (413), ≤ 1,000,000
    numbers per array (413)."""
    spec = find_loss(name)
    body, size = await parse_body(request, EvaluateRequest)
    options = {}
    for option in OPTION_FIELDS:
        value = getattr(body, option)
        if value is None:
            continue
        if spec.option(option) is None:
            takes = [o.name for o in spec.options]
            raise field_error(f"body.{option}", f"is not an option of {name}; it takes {', '.join(takes)}")
        options[option] = to_array(value, option, body.dtype) if option in ARRAY_OPTIONS else value
    if body.reduction is not None:
        options["reduction"] = body.reduction

    def run() -> dict:
        input_array = to_array(body.input, "input", body.dtype)
        target_dtype = None if name in CLASS_INDEX_LOSSES else body.dtype
        target_array = to_array(body.target, "target", target_dtype)
        if target_array.dtype.kind == "f":
            target_array = target_array.astype(body.dtype, copy=False)
            check_float_target(name, input_array, target_array)
        result = spec.function(input_array, target_array, **options)
        return {
            "loss": encode_array(result.loss),
            "elementwise": encode_array(result.elementwise),
            "grad": encode_array(result.grad),
            "dtype": body.dtype,
        }

    return StrictJSONResponse(await compute(size, run))
