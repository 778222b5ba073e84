"""/api/v1/train/neuron: one sigmoid neuron trained with the quadratic and the cross-entropy cost."""

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.api.common import error_responses, parse_body, request_body
from app.api.responses import StrictJSONResponse, encode_array
from app.api.schemas import NeuronRequest, NeuronResponse
from app.core.neuron import train_neuron

router = APIRouter(prefix="/train", tags=["train"])

# Runs up to this many epochs are computed on the event loop (well under a millisecond).
INLINE_EPOCHS = 1000


@router.post(
    "/neuron",
    summary="Train one sigmoid neuron with MSE and with cross-entropy",
    response_model=None,
    responses={200: {"model": NeuronResponse}, **error_responses(400, 413, 422)},
    openapi_extra=request_body(NeuronRequest),
)
async def train(request: Request) -> Response:
    """Full-batch gradient descent on a = σ(w·x + b) from (w0, b0), once with the quadratic cost
    ½(a − y)² and once with cross-entropy (both averaged over the samples). Entry 0 of each list
    is the start; there are epochs + 1 entries. y must lie in [0, 1]; epochs ≤ 10,000."""
    body, _ = await parse_body(request, NeuronRequest)

    def run() -> dict:
        runs = train_neuron(
            body.x, body.y, w0=body.w0, b0=body.b0, learning_rate=body.learning_rate, epochs=body.epochs
        )
        answer: dict = {"epoch": list(range(body.epochs + 1))}
        for cost, trajectory in runs.items():
            answer[cost] = {
                "loss": encode_array(trajectory.loss),
                "w": encode_array(trajectory.w),
                "b": encode_array(trajectory.b),
            }
        return answer

    answer = run() if body.epochs <= INLINE_EPOCHS else await run_in_threadpool(run)
    return StrictJSONResponse(answer)
