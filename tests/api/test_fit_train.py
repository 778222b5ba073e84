"""/api/v1/fit and /api/v1/train/neuron: answers agree with the core, errors are shaped."""

import numpy as np
import pytest

from app.core.fit import fit_line
from app.core.neuron import train_neuron
from tests.api.conftest import assert_error, strict_json

POINTS = {"x": [0, 1, 2, 3, 4, 5], "y": [0.1, 0.9, 2.1, 2.9, 4.2, 30.0]}


def test_fit_answers_every_default_loss_as_the_core_fits_it(client):
    answer = strict_json(client.post("/api/v1/fit", json=POINTS))
    assert [fit["loss"] for fit in answer["fits"]] == ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"]
    for fit in answer["fits"]:
        expected = fit_line(POINTS["x"], POINTS["y"], fit["loss"])
        assert fit["slope"] == expected.slope and fit["intercept"] == expected.intercept
        assert fit["residual"] == expected.residual.tolist()
        assert fit["point_loss"] == expected.point_loss.tolist()
        assert fit["weight"] == pytest.approx(expected.weight.tolist(), rel=1e-15)
        assert sum(fit["weight"]) == pytest.approx(1.0)
    mse, l1 = answer["fits"][0], answer["fits"][1]
    # The outlier at x = 5 swings the L2 line; L1 barely notices it.
    assert mse["slope"] > 3 and l1["slope"] == pytest.approx(1.0, abs=0.1)
    assert l1["weight"][-1] < 0.01


def test_fit_takes_options_and_a_subset_of_losses(client):
    answer = strict_json(client.post("/api/v1/fit", json={**POINTS, "losses": ["huber_loss"], "delta": 0.5}))
    expected = fit_line(POINTS["x"], POINTS["y"], "huber_loss", delta=0.5)
    assert [fit["loss"] for fit in answer["fits"]] == ["huber_loss"]
    assert answer["fits"][0]["slope"] == expected.slope


def test_fit_errors(client):
    assert_error(
        client.post("/api/v1/fit", json={"x": [1, 1, 1], "y": [0, 1, 2]}),
        422,
        "invalid_argument",
        details=[{"field": "body.x", "message": "x must hold at least two distinct values: a vertical line is not y = slope·x + b"}],
    )
    assert_error(
        client.post("/api/v1/fit", json={"x": [0, 1, 2], "y": [0, 1]}),
        422,
        "invalid_argument",
        details=[{"field": "body.y", "message": "y has 2 values, x has 3: give one y per x"}],
    )
    assert_error(
        client.post("/api/v1/fit", json={**POINTS, "losses": ["cross_entropy"]}),
        422,
        "invalid_request",
        details=[{"field": "body.losses.0", "message": "Input should be 'mse_loss', 'l1_loss', 'smooth_l1_loss' or 'huber_loss'"}],
    )
    assert_error(
        client.post("/api/v1/fit", json={**POINTS, "delta": 0}),
        422,
        "invalid_request",
        details=[{"field": "body.delta", "message": "Input should be greater than 0"}],
    )


def test_train_neuron_defaults_match_the_core_and_show_the_slowdown(client):
    answer = strict_json(client.post("/api/v1/train/neuron", json={}))
    assert answer["epoch"] == list(range(301))
    expected = train_neuron(1.0, 0.0, w0=2.0, b0=2.0, learning_rate=0.15, epochs=300)
    for cost in ("mse", "cross_entropy"):
        for key in ("loss", "w", "b"):
            assert answer[cost][key] == getattr(expected[cost], key).tolist()
    assert answer["mse"]["w"][0] == answer["cross_entropy"]["w"][0] == 2.0
    # After 30 epochs cross-entropy has moved the saturated neuron far more than MSE.
    assert abs(answer["cross_entropy"]["w"][30] - 2.0) > 10 * abs(answer["mse"]["w"][30] - 2.0)


def test_train_neuron_with_lists(client):
    answer = strict_json(
        client.post("/api/v1/train/neuron", json={"x": [1.0, -1.0], "y": [1.0, 0.0], "epochs": 5, "learning_rate": 1})
    )
    assert len(answer["mse"]["loss"]) == 6
    assert np.all(np.diff(answer["cross_entropy"]["loss"]) < 0)


def test_train_neuron_errors(client):
    assert_error(
        client.post("/api/v1/train/neuron", json={"y": 2.0}),
        422,
        "invalid_argument",
        details=[{"field": "body.y", "message": "y must be in [0, 1]: it is the output a sigmoid neuron should reach"}],
    )
    assert_error(
        client.post("/api/v1/train/neuron", json={"epochs": 10_001}),
        422,
        "invalid_request",
        details=[{"field": "body.epochs", "message": "Input should be less than or equal to 10000"}],
    )
    assert_error(
        client.post("/api/v1/train/neuron", json={"learning_rate": -0.1}),
        422,
        "invalid_request",
        details=[{"field": "body.learning_rate", "message": "Input should be greater than 0"}],
    )
    assert_error(
        client.post("/api/v1/train/neuron", json={"x": 3.5e154}),
        422,
        "invalid_request",
        details=[{"field": "body.x", "message": "Input should be less than or equal to 1000000"}],
    )
    assert_error(
        client.post("/api/v1/train/neuron", json={"x": [1.0, 2.0], "y": [0.0]}),
        422,
        "invalid_argument",
        details=[{"field": "body.y", "message": "y has shape (1,), x has (2,): give one y per x"}],
    )


def test_size_limits_of_fit_and_neuron(client):
    many = list(range(100_001))
    assert_error(
        client.post("/api/v1/fit", json={"x": many, "y": many}),
        413,
        "payload_too_large",
        details=[{"field": "body.x", "message": "holds 100001 points; the limit is 100000"}],
    )
    assert_error(
        client.post("/api/v1/train/neuron", json={"x": [0.5] * 1001, "y": [0.5] * 1001}),
        422,
        "invalid_request",
        details=[
            {"field": "body.x", "message": "List should have at most 1000 items after validation, not 1001"},
            {"field": "body.y", "message": "List should have at most 1000 items after validation, not 1001"},
        ],
    )
