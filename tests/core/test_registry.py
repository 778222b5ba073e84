"""The loss registry: complete, consistent with the core functions, curves that match their definitions."""

import inspect
import math

import numpy as np
import pytest

from app.core import losses, registry
from app.core.errors import LossInputError

SPEC_NAMES = [
    "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "kl_div", "soft_margin_loss", "hinge", "squared_hinge", "perceptron",
    "exponential", "zero_one", "sigmoid_focal_loss",
]


def test_registry_holds_exactly_the_spec_losses():
    assert sorted(registry.LOSSES) == sorted(SPEC_NAMES)
    assert sorted(registry.LOSSES) == sorted(losses.__all__)


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_entry_describes_the_function_it_holds(name):
    spec = registry.get(name)
    assert spec.function is getattr(losses, name)
    parameters = inspect.signature(spec.function).parameters
    keyword_only = [p for p in parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    # Every keyword option of the function is described, with the function's own default.
    assert [option.name for option in spec.options] == [p.name for p in keyword_only]
    for option in spec.options:
        assert option.default == parameters[option.name].default
        assert option.type in ("number", "integer", "boolean", "string", "array")
    entry = spec.entry()
    assert entry["family"] in ("regression", "probabilistic", "margin")
    assert entry["formula"].count("{") == entry["formula"].count("}")
    assert entry["torch"] is None or entry["torch"].endswith(name)


def test_families_and_axes():
    axes = {name: spec.x_axis.name for name, spec in registry.LOSSES.items()}
    assert {name for name, axis in axes.items() if axis == "residual"} == {"l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss"}
    assert {name for name, axis in axes.items() if axis == "logit"} == {
        "cross_entropy", "binary_cross_entropy_with_logits", "sigmoid_focal_loss"}
    assert {name for name, axis in axes.items() if axis == "probability"} == {"nll_loss", "binary_cross_entropy", "kl_div"}
    assert registry.get("kl_div").option("reduction").choices == ("none", "mean", "sum", "batchmean")


def test_unknown_name_raises():
    with pytest.raises(LossInputError, match="unknown loss 'l3_loss'; known losses: l1_loss, mse_loss"):
        registry.get("l3_loss")


def test_residual_curve_is_loss_of_target_r_and_prediction_zero():
    residual = np.array([-2.0, -0.5, 0.5, 2.0])
    loss, grad = registry.curve("smooth_l1_loss", residual, beta=1.0)
    np.testing.assert_array_equal(loss, [1.5, 0.125, 0.125, 1.5])
    np.testing.assert_array_equal(grad, [-1.0, -0.5, 0.5, 1.0])


def test_margin_curve_is_loss_of_input_m_with_target_plus_one():
    loss, grad = registry.curve("hinge", np.array([-1.0, 0.5, 2.0]))
    np.testing.assert_array_equal(loss, [2.0, 0.5, 0.0])
    np.testing.assert_array_equal(grad, [-1.0, -1.0, 0.0])


def test_logit_curves_agree_across_bce_with_logits_and_two_class_cross_entropy():
    x = np.linspace(-5, 5, 11)
    for target in (0.0, 0.3, 1.0):
        bce, bce_grad = registry.curve("binary_cross_entropy_with_logits", x, target=target)
        ce, ce_grad = registry.curve("cross_entropy", x, target=target)
        np.testing.assert_allclose(ce, bce, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(ce_grad, bce_grad, rtol=1e-12, atol=1e-15)


def test_probability_curves_are_minus_log_p_for_target_one():
    p = np.array([0.1, 0.5, 0.9])
    for name in ("nll_loss", "binary_cross_entropy", "kl_div"):
        loss, grad = registry.curve(name, p)
        np.testing.assert_allclose(loss, -np.log(p), rtol=1e-12)
        np.testing.assert_allclose(grad, -1 / p, rtol=1e-12)
    loss, grad = registry.curve("nll_loss", p, target=0)
    np.testing.assert_allclose(loss, -np.log(1 - p), rtol=1e-12)
    np.testing.assert_allclose(grad, 1 / (1 - p), rtol=1e-12)


def test_kl_div_curve_is_bernoulli_kl():
    p = np.array([0.2, 0.7])
    loss, _ = registry.curve("kl_div", p, target=0.4)
    expected = 0.4 * np.log(0.4 / p) + 0.6 * np.log(0.6 / (1 - p))
    np.testing.assert_allclose(loss, expected, rtol=1e-12)


def test_float32_curve_saturates_like_torch():
    loss, grad = registry.curve("binary_cross_entropy", np.array([0.0, 1.0], dtype=np.float32), target=1, dtype="float32")
    assert loss.dtype == np.float32
    assert loss[0] == 100.0 and loss[1] == 0.0
    assert np.all(np.isfinite(grad))


def test_curve_errors():
    with pytest.raises(LossInputError, match="delta is not a curve option of smooth_l1_loss; it takes beta"):
        registry.curve("smooth_l1_loss", np.zeros(3), delta=1.0)
    with pytest.raises(LossInputError, match="weight is not a curve option of binary_cross_entropy"):
        registry.curve("binary_cross_entropy", np.full(3, 0.5), weight=1.0)
    with pytest.raises(LossInputError, match="mse_loss is plotted against the residual, which already fixes the target"):
        registry.curve("mse_loss", np.zeros(3), target=1)
    with pytest.raises(LossInputError, match=r"nll_loss curves need 0 < p < 1"):
        registry.curve("nll_loss", np.array([0.0, 0.5]))
    with pytest.raises(LossInputError, match="nll_loss takes a class, so target must be 0 or 1, got 0.5"):
        registry.curve("nll_loss", np.array([0.5]), target=0.5)
    with pytest.raises(LossInputError, match=r"target of a sigmoid_focal_loss curve must be in \[0, 1\], got 2"):
        registry.curve("sigmoid_focal_loss", np.zeros(2), target=2)
    with pytest.raises(LossInputError, match=r"x must be 1-D, got shape \(1, 2\)"):
        registry.curve("mse_loss", np.zeros((1, 2)))


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_curve_derivative_matches_finite_differences(name):
    spec = registry.get(name)
    if name == "zero_one":
        return
    axis = spec.x_axis
    x = np.linspace(0.05, 0.95, 7) if axis.name == "probability" else np.array([-2.3, -1.4, -0.6, 0.4, 1.3, 2.2])
    _, grad = registry.curve(name, x)
    step = 1e-6
    ahead, _ = registry.curve(name, x + step)
    behind, _ = registry.curve(name, x - step)
    np.testing.assert_allclose(grad, (ahead - behind) / (2 * step), rtol=1e-5, atol=1e-8)
    assert math.isfinite(float(np.sum(grad)))
