"""The HTML pages: one router, Jinja2 templates, the page list, the `mathml` filter.

Every page renders `templates/<template>` (which extends `base.html`) and loads exactly
one ES module, `static/js/pages/<module>.js`. Formulas are typeset on the server: the
`mathml` filter turns LaTeX into MathML with latex2mathml, so no maths script runs in
the browser. `static_url(path)` gives content-hashed URLs for files under `static/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from latex2mathml.converter import convert as latex_to_mathml_markup
from markupsafe import Markup

from app.core.registry import LOSSES
from app.static_assets import StaticAssets

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRECTORY = PROJECT_ROOT / "templates"
STATIC_DIRECTORY = PROJECT_ROOT / "static"
PLOTLY_BUNDLE = "vendor/plotly-basic-4.1.1.min.js"


@dataclass(frozen=True)
class Page:
    """One page of the site, as the nav and the home page list it."""

    path: str
    template: str
    title: str
    summary: str
    nav_label: str

    @property
    def module(self) -> str:
        """The page's ES module under static/js/pages/, without `.js`."""
        return Path(self.template).stem


PAGES: tuple[Page, ...] = (
    Page("/", "home.html", "Loss Lab", "Every page at a glance, and the catalogue of losses with their formulas.", "Home"),
    Page(
        "/regression",
        "regression.html",
        "Regression losses",
        "L1, smooth-L1/Huber and L2 against the residual, per-sample gradients, and a line fit that shows who resists outliers.",
        "Regression",
    ),
    Page(
        "/activations",
        "activations.html",
        "Sigmoid and softmax",
        "Drag logits and compare independent sigmoid outputs with a softmax distribution; temperature, shifts and overflow.",
        "Sigmoid & softmax",
    ),
    Page(
        "/bce",
        "bce.html",
        "BCE and its clamp",
        "Binary cross-entropy against the probability, PyTorch's clamp at 100, and why BCE-with-logits keeps counting.",
        "BCE clamp",
    ),
    Page(
        "/cross-entropy",
        "cross_entropy.html",
        "Information and cross-entropy",
        "Entropy, cross-entropy and KL divergence of two distributions, and PyTorch's cross_entropy step by step.",
        "Cross-entropy",
    ),
    Page(
        "/margins",
        "margins.html",
        "Margin losses",
        "0-1, hinge, squared hinge, perceptron, logistic and exponential losses against the margin y·f(x).",
        "Margins",
    ),
    Page(
        "/learning",
        "learning.html",
        "Why sigmoid + MSE learns slowly",
        "One sigmoid neuron trained from a saturated start with MSE and with cross-entropy, and the Bernoulli likelihood.",
        "Learning",
    ),
)


@lru_cache(maxsize=1024)
def latex_to_mathml(latex: str, display: bool = False) -> Markup:
    """Typeset LaTeX as MathML markup (server-side, no JavaScript needed).

    Args:
        latex: a LaTeX maths string such as r"\\frac{1}{2}(y-\\hat y)^2".
        display: True for a block (display) formula, False for inline.

    Returns:
        A `<math>` element, marked safe for Jinja2 autoescaping.
    """
    markup = latex_to_mathml_markup(latex, display="block" if display else "inline")
    if display:
        # A long display formula scrolls sideways on a phone: focusable, so keyboards can scroll it too.
        markup = markup.replace("<math ", '<math tabindex="0" ', 1)
    return Markup(markup)


def mathml_filter(latex: str, display: bool = False) -> Markup:
    """Jinja filter: `{{ "x^2" | mathml }}` or `{{ "..." | mathml(display=True) }}`.

    LaTeX that latex2mathml cannot parse is shown as escaped source in <code> rather than
    failing the whole page.
    """
    try:
        return latex_to_mathml(str(latex), bool(display))
    except Exception:  # latex2mathml raises assorted exception types on malformed input
        return Markup("<code class=\"latex\">{}</code>").format(latex)


# Where each loss is used in practice, and which page explores it.
TYPICAL_USE: dict[str, tuple[str, str]] = {
    "l1_loss": ("Regression when outliers should not dominate; median-like fits.", "/regression"),
    "mse_loss": ("Default regression loss; Gaussian noise; smooth and fast near the optimum.", "/regression"),
    "smooth_l1_loss": ("Bounding-box regression in object detection (Fast/Faster R-CNN).", "/regression"),
    "huber_loss": ("Robust regression, value targets in reinforcement learning (DQN).", "/regression"),
    "cross_entropy": ("Multi-class classification from raw logits (one label per sample).", "/cross-entropy"),
    "nll_loss": ("Classification when the model already ends in log_softmax.", "/cross-entropy"),
    "binary_cross_entropy": ("Binary or multi-label targets when the model outputs probabilities.", "/bce"),
    "binary_cross_entropy_with_logits": ("Binary and multi-label classification from logits (the stable choice).", "/bce"),
    "kl_div": ("Matching distributions: knowledge distillation, variational methods.", "/cross-entropy"),
    "soft_margin_loss": ("Logistic regression with ±1 labels.", "/margins"),
    "hinge": ("Support vector machines; maximum-margin classifiers.", "/margins"),
    "squared_hinge": ("Smooth SVM variants (e.g. L2-SVM).", "/margins"),
    "perceptron": ("The classic perceptron learning rule.", "/margins"),
    "exponential": ("Boosting (AdaBoost).", "/margins"),
    "zero_one": ("Evaluation (error rate), not training: its gradient is zero.", "/margins"),
    "sigmoid_focal_loss": ("Dense object detection with many easy negatives (RetinaNet).", "/bce"),
}


def loss_catalog() -> list[dict[str, Any]]:
    """The loss registry's entries, as GET /api/v1/losses serves them, in registry order."""
    return [spec.entry() for spec in LOSSES.values()]


def build_templates(static_assets: StaticAssets) -> Jinja2Templates:
    """The Jinja2 environment (autoescaped) with `static_url`, `mathml` and the page list."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_DIRECTORY),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["static_url"] = static_assets.url_for
    environment.globals["pages"] = PAGES
    environment.globals["plotly_bundle"] = PLOTLY_BUNDLE
    environment.filters["mathml"] = mathml_filter
    return Jinja2Templates(env=environment)


def build_pages_router(static_assets: StaticAssets) -> APIRouter:
    """A router with one GET route per page in PAGES.

    A page whose template does not exist yet renders `_coming_soon.html` instead, so the
    nav never leads to an error while pages are being built.
    """
    templates = build_templates(static_assets)
    router = APIRouter(include_in_schema=False)

    def make_endpoint(page: Page):
        async def render_page(request: Request) -> HTMLResponse:
            template = page.template if (TEMPLATE_DIRECTORY / page.template).is_file() else "_coming_soon.html"
            context: dict[str, Any] = {"page": page}
            if page.path == "/":
                context["catalog"] = loss_catalog()
                context["typical_use"] = TYPICAL_USE
            return templates.TemplateResponse(request, template, context)

        render_page.__name__ = f"page_{page.module}"
        return render_page

    for page in PAGES:
        router.add_api_route(page.path, make_endpoint(page), methods=["GET"], response_class=HTMLResponse, name=page.module)
    return router


def install_pages(app) -> StaticAssets:
    """Mount /static and include the pages router on `app`; returns the static app."""
    static_assets = StaticAssets(STATIC_DIRECTORY, mount_path="/static")
    app.mount("/static", static_assets, name="static")
    app.include_router(build_pages_router(static_assets))
    return static_assets
