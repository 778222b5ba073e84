"""The public namespace app.core.losses: every loss of SPEC §1, with one calling convention."""

import inspect

import pytest

import app.core
from app.core import losses, margin, probabilistic, regression

SPEC_LOSSES = {
    regression: ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss"],
    probabilistic: [
        "cross_entropy",
        "nll_loss",
        "binary_cross_entropy",
        "binary_cross_entropy_with_logits",
        "kl_div",
        "sigmoid_focal_loss",
    ],
    margin: ["soft_margin_loss", "hinge", "squared_hinge", "perceptron", "exponential", "zero_one"],
}
ALL_NAMES = [name for names in SPEC_LOSSES.values() for name in names]


def test_exports_exactly_the_spec_losses():
    assert sorted(losses.__all__) == sorted(ALL_NAMES)


@pytest.mark.parametrize("module, name", [(module, name) for module, names in SPEC_LOSSES.items() for name in names])
def test_reexports_the_family_function_itself(module, name):
    assert getattr(losses, name) is getattr(module, name)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_calling_convention(name):
    parameters = list(inspect.signature(getattr(losses, name)).parameters.values())
    assert [p.name for p in parameters[:2]] == ["input", "target"]
    options = parameters[2:]
    # torchvision.ops.sigmoid_focal_loss reduces with "none" by default; the rest follow torch.nn.functional.
    assert options[0].name == "reduction"
    assert options[0].default == ("none" if name == "sigmoid_focal_loss" else "mean")
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in options), "options are keyword-only"


def test_package_exposes_submodules():
    assert app.core.losses is losses
    assert app.core.regression is regression
