"""/api/v1/losses: catalogue, entries, evaluate against the torch goldens, curves."""

import math

import numpy as np
import pytest

from app.core import losses as core_losses
from app.core import registry
from tests import golden
from tests.api.conftest import assert_error, decode_numbers, strict_json

LOSS_FAMILIES = ("regression", "probabilistic", "margin")


def evaluate_cases():
    for family in LOSS_FAMILIES:
        for case in golden.cases(family):
            if case["function"] not in registry.LOSSES:
                continue  # e.g. the naive sigmoid -> BCE pipeline, not an endpoint
            shape = case["args"].get("input_shape")
            if shape is not None and np.asarray(case["args"]["input"]).shape != tuple(shape):
                continue  # empty arrays with a non-zero axis cannot be written as nested lists
            yield pytest.param(case, id=case["id"])


def test_catalogue_lists_every_loss_in_registry_order(client):
    response = client.get("/api/v1/losses")
    assert response.status_code == 200
    entries = strict_json(response)["losses"]
    assert [entry["name"] for entry in entries] == list(registry.LOSSES)
    for entry in entries:
        assert set(entry) == {"name", "family", "title", "formula", "torch", "options", "x_axis", "description"}
        assert entry["family"] in ("regression", "probabilistic", "margin")
        assert entry["x_axis"]["name"] in ("residual", "margin", "probability", "logit")


def test_entry_of_smooth_l1_names_its_beta_option_with_torch_default(client):
    entry = strict_json(client.get("/api/v1/losses/smooth_l1_loss"))
    assert entry["torch"] == "torch.nn.functional.smooth_l1_loss"
    beta = next(option for option in entry["options"] if option["name"] == "beta")
    assert beta == {
        "name": "beta",
        "type": "number",
        "default": 1.0,
        "minimum": 0.0,
        "maximum": None,
        "choices": None,
        "description": beta["description"],
        "curve": True,
    }
    assert entry["x_axis"]["name"] == "residual"


def test_unknown_loss_is_404_in_the_error_shape(client):
    error = assert_error(client.get("/api/v1/losses/l3_loss"), 404, "not_found")
    assert error["details"][0]["field"] == "path.name"
    assert "mse_loss" in error["details"][0]["message"]
    assert_error(client.post("/api/v1/losses/l3_loss/evaluate", json={"input": 1, "target": 1}), 404, "not_found")
    assert_error(client.get("/api/v1/losses/l3_loss/curve"), 404, "not_found")


@pytest.mark.parametrize("case", list(evaluate_cases()))
def test_evaluate_matches_torch_golden(client, case):
    args = case["args"]
    body = {"input": args["input"], "target": args["target"], "dtype": case["dtype"], **case["options"]}
    for option in ("weight", "pos_weight"):
        if option in args:
            body[option] = args[option]
    response = client.post(f"/api/v1/losses/{case['function']}/evaluate", json=body)
    assert response.status_code == 200, response.text
    answer = strict_json(response)
    assert answer["dtype"] == case["dtype"]
    expected = case["expected"]
    for key in ("loss", "elementwise", "grad"):
        actual = decode_numbers(answer[key])
        expected_shape = expected.get(f"{key}_shape")
        if expected_shape is not None and 0 in expected_shape:
            assert actual.size == 0
            continue
        golden.assert_close(
            actual, expected[key], case["dtype"], what=f"{case['id']} {key}", atol=cancellation_atol(case, key)
        )


def cancellation_atol(case: dict, key: str) -> float:
    """Slack for entries formed by cancellation (softmax - target): the tolerance of the array's largest entry."""
    expected = np.asarray(golden.decode(case["expected"][key]), dtype=np.float64)
    finite = np.abs(expected[np.isfinite(expected)])
    return golden.RTOL[case["dtype"]] * float(finite.max()) if finite.size else 0.0


def test_evaluate_float32_reproduces_the_bce_clamp_while_float64_does_not_saturate(client):
    body = {"input": [30.0], "target": [0.0], "reduction": "sum"}
    # float32: sigmoid(30) is exactly 1, log(1 - 1) clamps at -100. float64: 1 - sigmoid(30) ~ 9e-14
    # survives (with rounding, hence the loose tolerance), so the loss is about the true 30.
    for dtype, expected in (("float32", 100.0), ("float64", 30.0)):
        probabilities = decode_numbers(
            strict_json(client.post("/api/v1/activations/sigmoid", json={"input": [30.0], "dtype": dtype}))["output"]
        )
        bce = strict_json(
            client.post(
                "/api/v1/losses/binary_cross_entropy/evaluate",
                json={**body, "input": probabilities.tolist(), "dtype": dtype},
            )
        )
        assert bce["loss"] == pytest.approx(expected, rel=1e-3)


def test_class_index_targets_are_json_integers_and_probability_targets_floats(client):
    logits = [[1.0, 2.0, 0.5]]
    by_index = strict_json(client.post("/api/v1/losses/cross_entropy/evaluate", json={"input": logits, "target": [1]}))
    by_probability = strict_json(
        client.post("/api/v1/losses/cross_entropy/evaluate", json={"input": logits, "target": [[0.0, 1.0, 0.0]]})
    )
    assert by_index["loss"] == pytest.approx(by_probability["loss"], rel=1e-12)
    # [1.0] is a float: a probability target of the wrong shape, not class 1.
    error = assert_error(
        client.post("/api/v1/losses/cross_entropy/evaluate", json={"input": logits, "target": [1.0]}),
        422,
        "invalid_request",
    )
    assert error["details"] == [
        {
            "field": "body.target",
            "message": "holds floats, which are class probabilities and need input's shape (1, 3), got (1,); "
            "write class indices as JSON integers",
        }
    ]
    error = assert_error(
        client.post("/api/v1/losses/nll_loss/evaluate", json={"input": logits, "target": [1.0]}), 422, "invalid_request"
    )
    assert error["details"][0]["message"].startswith("must hold class indices written as JSON integers")


def test_evaluate_uses_the_loss_default_reduction(client):
    # torchvision's sigmoid_focal_loss defaults to reduction "none".
    answer = strict_json(
        client.post("/api/v1/losses/sigmoid_focal_loss/evaluate", json={"input": [0.5, -1.0], "target": [1.0, 0.0]})
    )
    assert isinstance(answer["loss"], list) and len(answer["loss"]) == 2


def test_kl_div_takes_batchmean_and_log_target(client):
    answer = strict_json(
        client.post(
            "/api/v1/losses/kl_div/evaluate",
            json={
                "input": [[math.log(0.5), math.log(0.5)]],
                "target": [[math.log(0.9), math.log(0.1)]],
                "log_target": True,
                "reduction": "batchmean",
            },
        )
    )
    expected = 0.9 * math.log(0.9 / 0.5) + 0.1 * math.log(0.1 / 0.5)
    assert answer["loss"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", list(registry.LOSSES))
def test_curve_matches_the_registry_and_its_derivative(client, name):
    spec = registry.LOSSES[name]
    response = client.get(f"/api/v1/losses/{name}/curve", params={"num": 61})
    assert response.status_code == 200, response.text
    answer = strict_json(response)
    assert answer["x_axis"] == spec.x_axis.name
    x = decode_numbers(answer["x"])
    np.testing.assert_allclose(x, np.linspace(spec.x_axis.start, spec.x_axis.stop, 61), rtol=0, atol=1e-15)
    loss, grad = decode_numbers(answer["loss"]), decode_numbers(answer["grad"])
    expected_loss, expected_grad = registry.curve(name, x)
    np.testing.assert_array_equal(loss, expected_loss)
    np.testing.assert_array_equal(grad, expected_grad)
    if name != "zero_one":  # a step: its derivative is 0, its finite difference is not
        smooth = np.abs(x) > 0.2  # away from kinks at residual/margin 0 (and hinge's 1)
        smooth &= np.abs(x - 1) > 0.2
        step = 1e-6
        for point in x[smooth][::7]:
            ahead, _ = registry.curve(name, np.array([point + step]))
            behind, _ = registry.curve(name, np.array([point - step]))
            slope = (ahead[0] - behind[0]) / (2 * step)
            at = np.flatnonzero(x == point)[0]
            assert grad[at] == pytest.approx(slope, rel=1e-5, abs=1e-7), f"{name} at x={point}"


def test_curve_residual_axis_is_torch_loss_of_prediction_zero(client):
    answer = strict_json(client.get("/api/v1/losses/huber_loss/curve", params={"start": -2, "stop": 2, "num": 5, "delta": 0.5}))
    direct = core_losses.huber_loss(np.zeros(5), np.linspace(-2, 2, 5), reduction="none", delta=0.5)
    assert answer["loss"] == direct.elementwise.tolist()
    assert answer["grad"] == (-direct.grad).tolist()


def test_curve_logit_target_and_float32(client):
    answer = strict_json(
        client.get(
            "/api/v1/losses/binary_cross_entropy_with_logits/curve",
            params={"start": -120, "stop": 120, "num": 3, "target": 0, "dtype": "float32", "pos_weight": 2},
        )
    )
    assert answer["x"] == [-120.0, 0.0, 120.0]
    assert answer["loss"] == pytest.approx([0.0, math.log(2), 120.0], rel=1e-6, abs=1e-30)
    assert answer["grad"] == pytest.approx([0.0, 0.5, 1.0], rel=1e-6, abs=1e-30)


def test_curve_of_a_hundred_thousand_and_one_points_is_allowed(client):
    answer = strict_json(client.get("/api/v1/losses/mse_loss/curve", params={"num": 100_001}))
    assert len(answer["x"]) == len(answer["loss"]) == len(answer["grad"]) == 100_001
