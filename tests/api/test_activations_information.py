"""/api/v1/activations/{name} and /api/v1/information against the torch goldens."""

import math

import numpy as np
import pytest

from tests import golden
from tests.api.conftest import assert_error, decode_numbers, strict_json

ACTIVATION_CASES = [
    pytest.param(case, id=case["id"])
    for case in golden.cases("activations")
    if case["function"] in ("sigmoid", "softmax", "log_softmax")
    and np.asarray(case["args"]["input"]).shape == tuple(case["args"]["input_shape"])
]


@pytest.mark.parametrize("case", ACTIVATION_CASES)
def test_activation_matches_torch_golden(client, case):
    body = {"input": case["args"]["input"], "dtype": case["dtype"], **case["options"]}
    response = client.post(f"/api/v1/activations/{case['function']}", json=body)
    assert response.status_code == 200, response.text
    output = decode_numbers(strict_json(response)["output"])
    golden.assert_close(output, case["expected"]["output"], case["dtype"], what=case["id"])


def test_float32_sigmoid_of_twenty_is_exactly_one(client):
    for dtype, expected in (("float32", 1.0), ("float64", 1 / (1 + math.exp(-20)))):
        answer = strict_json(client.post("/api/v1/activations/sigmoid", json={"input": 20, "dtype": dtype}))
        assert answer["output"] == expected


def test_softmax_temperature_and_dim(client):
    answer = strict_json(
        client.post("/api/v1/activations/softmax", json={"input": [[0.0, 2.0], [4.0, 0.0]], "dim": 0, "temperature": 2.0})
    )
    columns = np.exp(np.array([[0.0, 1.0], [2.0, 0.0]]))
    np.testing.assert_allclose(answer["output"], columns / columns.sum(axis=0), rtol=1e-15)


def test_unknown_activation_is_404(client):
    error = assert_error(client.post("/api/v1/activations/relu", json={"input": [1.0]}), 404, "not_found")
    assert error["details"] == [{"field": "path.name", "message": "must be one of sigmoid, softmax, log_softmax"}]


def test_temperature_must_be_positive_and_dim_in_range(client):
    assert_error(
        client.post("/api/v1/activations/softmax", json={"input": [1.0, 2.0], "temperature": 0}),
        422,
        "invalid_request",
        details=[{"field": "body.temperature", "message": "Input should be greater than 0"}],
    )
    assert_error(
        client.post("/api/v1/activations/softmax", json={"input": [[1.0, 2.0]], "dim": 2}),
        422,
        "invalid_argument",
        details=[{"field": "body.dim", "message": "dim must be in [-2, 1] for an input with 2 dimensions, got 2"}],
    )


INFORMATION_CASES = [
    pytest.param(case, id=case["id"])
    for case in golden.cases("information")
    if abs(sum(case["args"].get("q", case["args"].get("p"))) - 1) <= 1e-6
]


@pytest.mark.parametrize("case", INFORMATION_CASES)
def test_information_matches_golden(client, case):
    # Each case checks one measure; the endpoint answers all four, so send both distributions.
    p = case["args"].get("p", case["args"].get("q"))
    q = case["args"].get("q", p)
    response = client.post("/api/v1/information", json={"p": p, "q": q, **case["options"]})
    assert response.status_code == 200, response.text
    answer = strict_json(response)
    key = {"entropy": "entropy", "cross_entropy": "cross_entropy", "kl_divergence": "kl_divergence",
           "information_content": "information_content"}[case["function"]]
    golden.assert_close(decode_numbers(answer[key]), case["expected"]["value"], "float64", what=case["id"])


def test_information_identity_and_impossible_event(client):
    answer = strict_json(client.post("/api/v1/information", json={"p": [0.5, 0.5, 0], "q": [0.25, 0.75, 0], "base": "2"}))
    assert answer["cross_entropy"] == pytest.approx(answer["entropy"] + answer["kl_divergence"], rel=1e-12)
    assert answer["information_content"] == [2.0, pytest.approx(math.log2(4 / 3)), "Infinity"]
    surprised = strict_json(client.post("/api/v1/information", json={"p": [0.5, 0.5], "q": [1, 0]}))
    assert surprised["cross_entropy"] == "Infinity" and surprised["kl_divergence"] == "Infinity"


def test_information_refuses_what_is_not_a_distribution(client):
    assert_error(
        client.post("/api/v1/information", json={"p": [0.5, 0.6], "q": [0.5, 0.5]}),
        422,
        "invalid_argument",
        details=[{"field": "body.p", "message": "p must sum to 1 (within 1e-06), got a sum of 1.1: divide by the sum first"}],
    )
    assert_error(
        client.post("/api/v1/information", json={"p": [0.5, 0.5], "q": [1.5, -0.5]}),
        422,
        "invalid_request",
        details=[
            {"field": "body.q.0", "message": "Input should be less than or equal to 1"},
            {"field": "body.q.1", "message": "Input should be greater than or equal to 0"},
        ],
    )
    error = assert_error(
        client.post("/api/v1/information", json={"p": [0.5, 0.5], "q": [0.2, 0.3, 0.5]}), 422, "invalid_argument"
    )
    assert error["details"][0]["field"] == "body.q"
    assert_error(
        client.post("/api/v1/information", json={"p": [1.0], "q": [1.0], "base": "10"}),
        422,
        "invalid_request",
        details=[{"field": "body.base", "message": "Input should be 'e' or '2'"}],
    )
