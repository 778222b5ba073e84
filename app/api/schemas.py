"""Request and answer models of the JSON API.

Requests are parsed from the raw body with ``Model.model_validate_json`` (the
fast path: no intermediate Python dict, no second pass). Every request model
is strict: unknown fields are refused, booleans and strings are never numbers,
NaN/Infinity tokens and numbers that overflow a float64 (1e400) are refused,
``reduction`` and ``dtype`` take only their listed values.

Answer models exist to document the answers in ``/openapi.json``; the routes
write their answers directly (see ``responses.py``). A number in an answer may
be one of the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"`` where the
value is not finite.
"""

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StrictBool, StrictFloat, StrictInt, Tag
from typing_extensions import TypeAliasType

from app.api.limits import MAX_EPOCHS, MAX_NEURON_SAMPLES, MAX_NEURON_VALUE


def _number_or_list(value) -> str:
    return "list" if isinstance(value, list) else "number"


# A JSON number, or a nested list of them. Integers stay integers (cross_entropy
# and nll_loss read a target of integers as class indices). A tagged union picks
# the branch from the JSON value's kind, so validation is a single pass.
NestedNumbers = TypeAliasType(
    "NestedNumbers",
    Annotated[
        Union[
            Annotated[Union[StrictInt, StrictFloat], Tag("number")],
            Annotated[list["NestedNumbers"], Tag("list")],
        ],
        Discriminator(_number_or_list),
    ],
)

Number = Union[StrictInt, StrictFloat]
Dtype = Literal["float32", "float64"]
Reduction = Literal["none", "mean", "sum", "batchmean"]

NON_FINITE_STRING = Literal["NaN", "Infinity", "-Infinity"]
# In answers: a number, or the string naming a non-finite value.
JsonNumber = TypeAliasType(
    "JsonNumber",
    Annotated[
        Union[float, NON_FINITE_STRING],
        Field(description='A JSON number, or "NaN", "Infinity", "-Infinity" where the value is not finite.'),
    ],
)
NestedJsonNumbers = TypeAliasType("NestedJsonNumbers", Union[JsonNumber, list["NestedJsonNumbers"]])


class StrictModel(BaseModel):
    """Base of every request: unknown fields refused, no coercion, finite numbers only."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class EvaluateRequest(StrictModel):
    """Body of ``POST /api/v1/losses/{name}/evaluate``.

    Options a loss does not take are refused (422). Options left out take the
    torch default.
    """

    input: NestedNumbers = Field(description="Predictions, logits or (log-)probabilities: a number or a rectangular nested list.")
    target: NestedNumbers = Field(
        description="Targets, same shape as input (cross_entropy/nll_loss: JSON integers are class indices, floats class probabilities)."
    )
    reduction: Reduction | None = Field(None, description='"none", "mean", "sum" ("batchmean" for kl_div only); default: the loss\'s torch default.')
    dtype: Dtype = Field("float64", description="Arithmetic precision; float32 reproduces float32 effects.")
    beta: Number | None = Field(None, ge=0, description="smooth_l1_loss: width of the quadratic zone (torch default 1.0).")
    delta: Number | None = Field(None, gt=0, description="huber_loss: where the loss turns linear (torch default 1.0).")
    weight: NestedNumbers | None = Field(None, description="Rescaling weights: per class (cross_entropy, nll_loss) or broadcast to input (BCE).")
    ignore_index: StrictInt | None = Field(None, description="cross_entropy, nll_loss: class index that contributes nothing (torch default -100).")
    label_smoothing: Number | None = Field(None, ge=0, le=1, description="cross_entropy: amount of smoothing in [0, 1] (torch default 0.0).")
    pos_weight: NestedNumbers | None = Field(None, description="binary_cross_entropy_with_logits: weight of positive examples, per class.")
    log_target: StrictBool | None = Field(None, description="kl_div: target given as log-probabilities (torch default false).")
    alpha: Number | None = Field(None, description="sigmoid_focal_loss: weight of the positive class in [0, 1], negative to switch off (default 0.25).")
    gamma: Number | None = Field(None, ge=0, description="sigmoid_focal_loss: focusing exponent (default 2.0).")


class ActivationRequest(StrictModel):
    """Body of ``POST /api/v1/activations/{name}``."""

    input: NestedNumbers = Field(description="Logits: a number or a rectangular nested list.")
    dim: StrictInt = Field(-1, description="Axis along which softmax/log_softmax normalise; must exist in input.")
    temperature: Number = Field(1.0, gt=0, description="Logits are divided by this (> 0) first.")
    dtype: Dtype = "float64"


class InformationRequest(StrictModel):
    """Body of ``POST /api/v1/information``: two distributions over the same outcomes."""

    p: list[Annotated[Number, Field(ge=0, le=1)]] = Field(min_length=1, description="True distribution: probabilities in [0, 1] summing to 1 within 1e-6.")
    q: list[Annotated[Number, Field(ge=0, le=1)]] = Field(
        min_length=1, description="Predicted distribution, same length as p: probabilities in [0, 1] summing to 1 within 1e-6."
    )
    base: Literal["e", "2"] = Field("e", description='"e" for nats, "2" for bits.')


FitLoss = Literal["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"]


# Beyond this, squares and sums of a line fit overflow float64.
FitCoordinate = Annotated[Number, Field(ge=-1e100, le=1e100)]


class FitRequest(StrictModel):
    """Body of ``POST /api/v1/fit``: points to fit a straight line through."""

    x: list[FitCoordinate] = Field(min_length=2, description="x of each point, within ±1e100 (at least two distinct values).")
    y: list[FitCoordinate] = Field(min_length=2, description="y of each point, within ±1e100, same length as x.")
    losses: list[FitLoss] = Field(
        default_factory=lambda: ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"],
        min_length=1,
        description="Which losses to fit with.",
    )
    beta: Number = Field(1.0, ge=0, le=1e100, description="smooth_l1_loss beta.")
    delta: Number = Field(1.0, gt=0, le=1e100, description="huber_loss delta.")


NeuronNumber = Annotated[Number, Field(ge=-MAX_NEURON_VALUE, le=MAX_NEURON_VALUE)]


class NeuronRequest(StrictModel):
    """Body of ``POST /api/v1/train/neuron``: one sigmoid neuron, two costs, same start.

    Inputs, weights and biases lie within ±1e6 and the learning rate is at most
    1000, so no run can overflow float64 within the epoch limit.
    """

    x: NeuronNumber | Annotated[list[NeuronNumber], Field(min_length=1, max_length=MAX_NEURON_SAMPLES)] = Field(
        1.0, description="Input(s), each within ±1e6."
    )
    y: Number | Annotated[list[Number], Field(min_length=1, max_length=MAX_NEURON_SAMPLES)] = Field(
        0.0, description="Desired output(s) in [0, 1]."
    )
    w0: NeuronNumber = Field(2.0, description="Starting weight, within ±1e6.")
    b0: NeuronNumber = Field(2.0, description="Starting bias, within ±1e6.")
    learning_rate: Number = Field(0.15, gt=0, le=1000, description="Gradient-descent step size, in (0, 1000].")
    epochs: StrictInt = Field(300, ge=0, le=MAX_EPOCHS, description=f"Number of steps (0 to {MAX_EPOCHS}).")


# ---- answers (documentation) ----


class Health(BaseModel):
    status: Literal["ok"]
    version: str


class LossOption(BaseModel):
    name: str
    type: Literal["number", "integer", "boolean", "string", "array"]
    default: float | int | bool | str | None
    minimum: float | None
    maximum: float | None
    choices: list[str] | None
    description: str
    curve: bool = Field(description="Whether the curve endpoint takes this option as a query parameter.")


class XAxis(BaseModel):
    name: Literal["residual", "margin", "probability", "logit"]
    label: str
    start: float = Field(description="Default start of a curve.")
    stop: float = Field(description="Default stop of a curve.")
    minimum: float | None = Field(description="Smallest x a curve may start at (null: unbounded).")
    maximum: float | None = Field(description="Largest x a curve may stop at (null: unbounded).")


class LossEntry(BaseModel):
    name: str
    family: Literal["regression", "probabilistic", "margin"]
    title: str
    formula: str = Field(description="LaTeX.")
    torch: str | None
    options: list[LossOption]
    x_axis: XAxis
    description: str


class LossList(BaseModel):
    losses: list[LossEntry]


class EvaluateResponse(BaseModel):
    loss: NestedJsonNumbers = Field(description='Reduced loss (a nested list for reduction "none").')
    elementwise: NestedJsonNumbers = Field(description='The loss with reduction "none", shaped as torch shapes it.')
    grad: NestedJsonNumbers = Field(description="d loss / d input (of the sum for reduction none), shaped as input.")
    dtype: Dtype


class CurveResponse(BaseModel):
    x: list[JsonNumber]
    loss: list[JsonNumber]
    grad: list[JsonNumber] = Field(description="d loss / d x along the plotted axis.")
    x_axis: Literal["residual", "margin", "probability", "logit"]


class ActivationResponse(BaseModel):
    output: NestedJsonNumbers


class InformationResponse(BaseModel):
    entropy: JsonNumber
    cross_entropy: JsonNumber
    kl_divergence: JsonNumber
    information_content: list[JsonNumber] = Field(description="-log q_i for each outcome.")


class Fit(BaseModel):
    loss: FitLoss
    slope: JsonNumber
    intercept: JsonNumber
    residual: list[JsonNumber] = Field(description="y - (slope·x + intercept) per point.")
    point_loss: list[JsonNumber] = Field(description="The loss of each point's residual.")
    weight: list[JsonNumber] = Field(description="Each point's share of influence (final IRLS weight, normalised to sum 1).")


class FitResponse(BaseModel):
    fits: list[Fit]


class Trajectory(BaseModel):
    loss: list[JsonNumber]
    w: list[JsonNumber]
    b: list[JsonNumber]


class NeuronResponse(BaseModel):
    epoch: list[int]
    mse: Trajectory
    cross_entropy: Trajectory


class ErrorDetail(BaseModel):
    field: str = Field(description="Dotted path: body.<name>[.<index>], query.<name> or path.<name>.")
    message: str


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorResponse(BaseModel):
    """The one error shape of the API."""

    error: ErrorBody


REQUEST_MODELS = (EvaluateRequest, ActivationRequest, InformationRequest, FitRequest, NeuronRequest)
