"""The loss registry: what every loss is called, how it is written and how to plot it.

One :class:`LossSpec` per loss of the catalogue: name, family, title, LaTeX
formula, torch equivalent, options (type, default, range, choices), the natural
x-axis of its curve, and the core function itself. The JSON API serves the
entries (``GET /api/v1/losses``) and the pages build their controls from them.

:func:`curve` evaluates a loss along its x-axis:

- residual r = y - ŷ (regression): prediction 0, target r; d loss / d r = -d loss / d input;
- margin m = y·f (margin losses): input m, target +1; d loss / d m = d loss / d input;
- logit x: ``binary_cross_entropy_with_logits`` and ``sigmoid_focal_loss`` with target t;
  ``cross_entropy`` on the two logits [x, 0] against class probabilities [t, 1 - t];
- probability p: ``binary_cross_entropy`` with target t; ``nll_loss`` on [log p, log(1 - p)]
  against class 0 (t = 1) or class 1 (t = 0); ``kl_div`` of [t, 1 - t] from [p, 1 - p].

t is the ``target`` argument (default 1). Imports numpy only.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from app.core import losses
from app.core.errors import LossInputError
from app.core.validation import resolve_dtype

REDUCTIONS = ("none", "mean", "sum")


@dataclass(frozen=True)
class Option:
    """One keyword option of a loss, as the API and the pages describe it.

    ``curve`` says whether ``curve()`` (and the curve endpoint) takes the option.
    """

    name: str
    type: str  # "number" | "integer" | "boolean" | "string" | "array"
    default: object
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    curve: bool = True

    def entry(self) -> dict:
        return {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "choices": list(self.choices) if self.choices is not None else None,
            "description": self.description,
            "curve": self.curve,
        }


@dataclass(frozen=True)
class XAxis:
    """The natural x-axis of a loss curve, with a default range and hard bounds (None: none)."""

    name: str
    label: str
    start: float
    stop: float
    minimum: float | None = None
    maximum: float | None = None

    def entry(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "start": self.start,
            "stop": self.stop,
            "minimum": self.minimum,
            "maximum": self.maximum,
        }


RESIDUAL = XAxis("residual", "residual y − ŷ", -3.0, 3.0)
MARGIN = XAxis("margin", "margin y·f(x)", -3.0, 3.0)
LOGIT = XAxis("logit", "logit x", -6.0, 6.0)
PROBABILITY = XAxis("probability", "predicted probability p", 0.001, 0.999, 0.0, 1.0)


@dataclass(frozen=True)
class LossSpec:
    """Everything the API and the pages need to know about one loss."""

    name: str
    family: str  # "regression" | "probabilistic" | "margin"
    title: str
    formula: str
    torch: str | None
    x_axis: XAxis
    description: str
    function: Callable = field(repr=False)
    options: tuple[Option, ...] = ()

    def option(self, name: str) -> Option | None:
        return next((option for option in self.options if option.name == name), None)

    def entry(self) -> dict:
        """The JSON-ready catalogue entry (``GET /api/v1/losses/{name}``)."""
        return {
            "name": self.name,
            "family": self.family,
            "title": self.title,
            "formula": self.formula,
            "torch": self.torch,
            "options": [option.entry() for option in self.options],
            "x_axis": self.x_axis.entry(),
            "description": self.description,
        }


def _default(function: Callable, name: str):
    """The default of keyword ``name`` in ``function``'s signature (so the registry never drifts)."""
    return inspect.signature(function).parameters[name].default


def _reduction(function: Callable, extra: tuple[str, ...] = ()) -> Option:
    return Option(
        "reduction",
        "string",
        _default(function, "reduction"),
        "How element-wise losses are combined: none keeps them, mean averages, sum adds.",
        choices=REDUCTIONS + extra,
        curve=False,
    )


def _weight(function: Callable, description: str) -> Option:
    return Option("weight", "array", _default(function, "weight"), description, curve=False)


def _spec(name, family, title, formula, torch, x_axis, description, function, *options, reduction_extra=()) -> LossSpec:
    return LossSpec(
        name=name,
        family=family,
        title=title,
        formula=formula,
        torch=torch,
        x_axis=x_axis,
        description=description,
        function=function,
        options=(_reduction(function, reduction_extra), *options),
    )


F = "torch.nn.functional."
_CE = losses.cross_entropy
_NLL = losses.nll_loss
_BCE = losses.binary_cross_entropy
_BCE_LOGITS = losses.binary_cross_entropy_with_logits
_KL = losses.kl_div
_FOCAL = losses.sigmoid_focal_loss

_SPECS = (
    _spec(
        "l1_loss", "regression", "L1 (mean absolute error)", r"\ell = |y - \hat{y}|", F + "l1_loss", RESIDUAL,
        "Grows linearly with the residual, so one outlier costs in proportion to its size; "
        "the gradient is ±1 whatever the size of the error (0 at a zero residual, as torch).",
        losses.l1_loss,
    ),
    _spec(
        "mse_loss", "regression", "L2 (mean squared error)", r"\ell = (y - \hat{y})^2", F + "mse_loss", RESIDUAL,
        "Squares the residual: small errors barely count, large ones dominate the total and pull a fit hard.",
        losses.mse_loss,
    ),
    _spec(
        "smooth_l1_loss", "regression", "Smooth L1",
        r"\ell = \begin{cases} \frac{(y - \hat{y})^2}{2\beta} & |y - \hat{y}| < \beta \\ "
        r"|y - \hat{y}| - \frac{\beta}{2} & \text{otherwise} \end{cases}",
        F + "smooth_l1_loss", RESIDUAL,
        "Quadratic near zero, linear beyond beta: L2's smooth minimum with L1's robustness; beta = 0 is plain L1.",
        losses.smooth_l1_loss,
        Option("beta", "number", _default(losses.smooth_l1_loss, "beta"),
               "Width of the quadratic zone; 0 turns the loss into L1.", minimum=0.0),
    ),
    _spec(
        "huber_loss", "regression", "Huber",
        r"\ell = \begin{cases} \frac{1}{2}(y - \hat{y})^2 & |y - \hat{y}| < \delta \\ "
        r"\delta\,(|y - \hat{y}| - \frac{\delta}{2}) & \text{otherwise} \end{cases}",
        F + "huber_loss", RESIDUAL,
        "Quadratic up to delta, then linear with slope delta; equals delta times smooth L1 with beta = delta.",
        losses.huber_loss,
        Option("delta", "number", _default(losses.huber_loss, "delta"),
               "Residual size where the loss turns linear; must be > 0.", minimum=0.0),
    ),
    _spec(
        "cross_entropy", "probabilistic", "Cross-entropy (softmax + NLL)",
        r"\ell = -w_{y} \log \frac{e^{x_{y}}}{\sum_{c} e^{x_{c}}}", F + "cross_entropy", LOGIT,
        "Log-softmax of the logits, then the negative log-probability of the true class; the curve shows "
        "two classes with logits [x, 0] and the first class as the target.",
        _CE,
        _weight(_CE, "Per-class weights, one per class."),
        Option("ignore_index", "integer", _default(_CE, "ignore_index"),
               "Rows whose class index equals this contribute nothing (class-index targets only).", curve=False),
        Option("label_smoothing", "number", _default(_CE, "label_smoothing"),
               "Mixes the target with the uniform distribution: (1 − ε)·target + ε / C.", minimum=0.0, maximum=1.0),
    ),
    _spec(
        "nll_loss", "probabilistic", "Negative log-likelihood", r"\ell = -w_{y}\, x_{y}", F + "nll_loss", PROBABILITY,
        "Picks the log-probability of the true class and negates it; input must already be log-probabilities "
        "(from log_softmax). The curve takes log p of a two-class distribution [p, 1 − p].",
        _NLL,
        _weight(_NLL, "Per-class weights, one per class."),
        Option("ignore_index", "integer", _default(_NLL, "ignore_index"),
               "Rows whose class index equals this contribute nothing.", curve=False),
    ),
    _spec(
        "binary_cross_entropy", "probabilistic", "Binary cross-entropy",
        r"\ell = -w\,[\,y \log p + (1 - y) \log(1 - p)\,],\quad \log \text{ clamped at } -100",
        F + "binary_cross_entropy", PROBABILITY,
        "Cross-entropy of a probability p against a 0/1 (or soft) target. PyTorch clamps each log at −100, "
        "so the loss of a confident mistake stops at 100.",
        _BCE,
        _weight(_BCE, "Weights broadcast to the input's shape."),
    ),
    _spec(
        "binary_cross_entropy_with_logits", "probabilistic", "Binary cross-entropy with logits",
        r"\ell = -w\,[\,p_w\, y \log \sigma(x) + (1 - y) \log(1 - \sigma(x))\,]",
        F + "binary_cross_entropy_with_logits", LOGIT,
        "BCE computed from the logit in one stable step, so it never saturates at 100 and its gradient "
        "σ(x) − y stays exact for any logit.",
        _BCE_LOGITS,
        _weight(_BCE_LOGITS, "Weights broadcast to the input's shape."),
        Option("pos_weight", "array", _default(_BCE_LOGITS, "pos_weight"),
               "Weight of the positive term, per class (broadcast along the last axis); the curve takes one number.",
               minimum=0.0),
    ),
    _spec(
        "kl_div", "probabilistic", "Kullback–Leibler divergence",
        r"\ell = y\,(\log y - x),\quad x = \log q", F + "kl_div", PROBABILITY,
        "How far the predicted distribution (given as log-probabilities) is from the target; "
        "reduction batchmean gives the mathematical KL divergence per sample.",
        _KL,
        Option("log_target", "boolean", _default(_KL, "log_target"),
               "Whether the target is given as log-probabilities too.", curve=False),
        reduction_extra=("batchmean",),
    ),
    _spec(
        "soft_margin_loss", "margin", "Logistic (soft margin)", r"\ell = \log(1 + e^{-y f(x)})",
        F + "soft_margin_loss", MARGIN,
        "The logistic-regression loss as a function of the margin: smooth, never exactly zero, linear for "
        "large mistakes.",
        losses.soft_margin_loss,
    ),
    _spec(
        "hinge", "margin", "Hinge", r"\ell = \max(0,\, 1 - y f(x))", None, MARGIN,
        "The SVM loss: zero once a sample is beyond the margin of 1, linear otherwise.",
        losses.hinge,
    ),
    _spec(
        "squared_hinge", "margin", "Squared hinge", r"\ell = \max(0,\, 1 - y f(x))^2", None, MARGIN,
        "The hinge squared: smooth at the margin, harsher on large mistakes.",
        losses.squared_hinge,
    ),
    _spec(
        "perceptron", "margin", "Perceptron", r"\ell = \max(0,\, -y f(x))", None, MARGIN,
        "Zero for every correctly classified sample however close to the boundary; linear in the mistake.",
        losses.perceptron,
    ),
    _spec(
        "exponential", "margin", "Exponential", r"\ell = e^{-y f(x)}", None, MARGIN,
        "AdaBoost's loss: keeps rewarding larger margins and punishes confident mistakes exponentially.",
        losses.exponential,
    ),
    _spec(
        "zero_one", "margin", "Zero-one", r"\ell = \mathbb{1}[\,y f(x) \le 0\,]", None, MARGIN,
        "Counts mistakes: what we care about, but flat everywhere, so gradients cannot minimise it.",
        losses.zero_one,
    ),
    _spec(
        "sigmoid_focal_loss", "probabilistic", "Sigmoid focal loss",
        r"\ell = -\alpha_t\,(1 - p_t)^{\gamma} \log p_t,\quad p = \sigma(x)",
        "torchvision.ops.sigmoid_focal_loss", LOGIT,
        "BCE with logits scaled by (1 − p_t)^γ, so examples the model already gets right count less.",
        _FOCAL,
        Option("alpha", "number", _default(_FOCAL, "alpha"),
               "Weight of the positive class in [0, 1]; a negative value switches the weighting off.", maximum=1.0),
        Option("gamma", "number", _default(_FOCAL, "gamma"), "Focusing exponent; 0 gives plain BCE.", minimum=0.0),
    ),
)

LOSSES: dict[str, LossSpec] = {spec.name: spec for spec in _SPECS}


def get(name: str) -> LossSpec:
    """The spec of loss ``name``; an unknown name raises LossInputError("name")."""
    try:
        return LOSSES[name]
    except KeyError:
        raise LossInputError("name", f"unknown loss {name!r}; known losses: {', '.join(LOSSES)}") from None


def curve(name: str, x, *, target=None, dtype="float64", **options) -> tuple[np.ndarray, np.ndarray]:
    """Loss and its derivative along the natural x-axis of loss ``name``.

    Args:
      name: a registry name, e.g. ``"smooth_l1_loss"``.
      x: 1-D positions on the axis (residual, margin, logit or probability), shape (N,).
      target: t for logit and probability axes (default 1); not taken by residual and margin axes.
      dtype: ``"float32"`` or ``"float64"``: the arithmetic precision.
      **options: the loss's curve options (``Option.curve``), e.g. ``beta=0.5``.

    Returns:
      ``(loss, grad)``, both shape (N,) in ``dtype``: the loss at each x and d loss / d x.

    See the module docstring for how each axis maps x to the loss's arguments.
    """
    spec = get(name)
    wanted = resolve_dtype(dtype) or np.dtype(np.float64)
    for option in options:
        described = spec.option(option)
        if described is None or not described.curve:
            allowed = [o.name for o in spec.options if o.curve]
            raise LossInputError(
                option,
                f"{option} is not a curve option of {name}; it takes {', '.join(allowed) if allowed else 'none'}",
            )
    positions = np.asarray(x, dtype=np.float64)
    if positions.ndim != 1:
        raise LossInputError("x", f"x must be 1-D, got shape {positions.shape}")
    positions = positions.astype(wanted)
    axis = spec.x_axis.name
    if axis in ("residual", "margin"):
        if target is not None:
            raise LossInputError("target", f"{name} is plotted against the {axis}, which already fixes the target")
        if axis == "residual":
            result = spec.function(np.zeros_like(positions), positions, reduction="none", **options)
            return result.elementwise, -result.grad
        result = spec.function(positions, np.ones_like(positions), reduction="none", **options)
        return result.elementwise, result.grad
    t = _curve_target(name, 1.0 if target is None else target)
    if name in ("binary_cross_entropy_with_logits", "sigmoid_focal_loss", "binary_cross_entropy"):
        if "pos_weight" in options:
            options["pos_weight"] = np.asarray(options["pos_weight"], dtype=wanted)
        result = spec.function(positions, np.full_like(positions, t), reduction="none", **options)
        return result.elementwise, result.grad
    if name == "cross_entropy":
        logits = np.stack([positions, np.zeros_like(positions)], axis=1)
        probabilities = np.tile(np.asarray([t, 1.0 - t], dtype=wanted), (positions.size, 1))
        result = spec.function(logits, probabilities, reduction="none", **options)
        return result.elementwise, result.grad[:, 0]
    # nll_loss and kl_div see the two-class distribution [p, 1 - p] through its logarithm.
    if positions.size and (positions.min() <= 0 or positions.max() >= 1):
        raise LossInputError("x", f"{name} curves need 0 < p < 1 (log p is -inf at the ends)")
    log_probabilities = np.log(np.stack([positions, 1 - positions], axis=1))
    if name == "nll_loss":
        if t not in (0.0, 1.0):
            raise LossInputError("target", f"nll_loss takes a class, so target must be 0 or 1, got {t!r}")
        classes = np.full(positions.size, 0 if t == 1.0 else 1, dtype=np.int64)
        result = spec.function(log_probabilities, classes, reduction="none", **options)
        elementwise = result.elementwise
    else:
        distribution = np.tile(np.asarray([t, 1.0 - t], dtype=wanted), (positions.size, 1))
        with np.errstate(divide="ignore", invalid="ignore"):  # t log t at t = 0 is taken as 0 by kl_div
            result = spec.function(log_probabilities, distribution, reduction="none", **options)
        elementwise = result.elementwise.sum(axis=1, dtype=wanted)
    # Chain rule through log p and log(1 - p): d/dp = g_0 / p - g_1 / (1 - p).
    grad = result.grad[:, 0] / positions - result.grad[:, 1] / (1 - positions)
    return elementwise, grad.astype(wanted, copy=False)


def _curve_target(name: str, target) -> float:
    if isinstance(target, bool) or not isinstance(target, (int, float, np.integer, np.floating)):
        raise LossInputError("target", f"target must be a number, got {target!r}")
    if not np.isfinite(target) or not 0 <= target <= 1:
        raise LossInputError("target", f"target of a {name} curve must be in [0, 1], got {target!r}")
    return float(target)
