"""Answers are strict JSON: non-finite results become "NaN", "Infinity", "-Infinity"."""

import numpy as np
import pytest

from app.api.responses import dumps, encode_array, encode_number
from tests.api.conftest import strict_json


def test_exp_overflow_is_written_as_the_infinity_string(client):
    answer = strict_json(
        client.post(
            "/api/v1/losses/exponential/evaluate",
            json={"input": [-1000.0, 0.0], "target": [1.0, 1.0], "reduction": "none"},
        )
    )
    assert answer["loss"] == ["Infinity", 1.0]
    assert answer["grad"] == ["-Infinity", -1.0]
    mean = strict_json(
        client.post("/api/v1/losses/exponential/evaluate", json={"input": [-1000.0, 0.0], "target": [1.0, 1.0]})
    )
    assert mean["loss"] == "Infinity"


def test_huge_inputs_overflow_to_infinity_not_to_a_token(client):
    answer = strict_json(
        client.post("/api/v1/losses/mse_loss/evaluate", json={"input": [1e200, -1e200], "target": [0, 0], "reduction": "sum"})
    )
    assert answer["loss"] == "Infinity"
    assert answer["grad"] == [2e200, -2e200]
    curve = strict_json(client.get("/api/v1/losses/exponential/curve", params={"start": -1e10, "stop": 0, "num": 2}))
    assert curve["loss"] == ["Infinity", 1.0]


def test_mean_of_an_empty_batch_is_the_nan_string(client):
    answer = strict_json(client.post("/api/v1/losses/l1_loss/evaluate", json={"input": [], "target": []}))
    assert answer == {"loss": "NaN", "elementwise": [], "grad": [], "dtype": "float64"}


def test_float32_numbers_are_written_exactly():
    value = np.float32(0.1)
    assert dumps(encode_array(np.array([value]))) == b"[0.10000000149011612]"
    assert float(np.float32(0.10000000149011612)) == float(value)


def test_encoders_cover_every_non_finite_value():
    assert [encode_number(v) for v in (np.nan, np.inf, -np.inf, 2.5)] == ["NaN", "Infinity", "-Infinity", 2.5]
    assert dumps(encode_array([[np.nan, 1.0], [np.inf, -np.inf]])) == b'[["NaN",1.0],["Infinity","-Infinity"]]'
    assert dumps(encode_array(np.float64(np.nan))) == b'"NaN"'
    assert dumps(encode_array(np.arange(6.0).reshape(2, 3)[:, 1])) == b"[1.0,4.0]"  # non-contiguous view


@pytest.mark.parametrize("path", ["/openapi.json"])
def test_openapi_documents_the_non_finite_strings_and_the_limits(client, path):
    document = strict_json(client.get(path))
    json_number = document["components"]["schemas"]["JsonNumber"]
    assert {"enum": ["NaN", "Infinity", "-Infinity"], "type": "string"} in json_number["anyOf"]
    assert "8 MiB" in document["info"]["description"] and "1,000,000" in document["info"]["description"]
    assert "100,001" in document["info"]["description"]
    evaluate = document["paths"]["/api/v1/losses/{name}/evaluate"]["post"]
    assert evaluate["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/EvaluateRequest"}
    assert set(evaluate["responses"]) == {"200", "400", "404", "413", "422"}
    assert document["components"]["schemas"]["EvaluateRequest"]["additionalProperties"] is False
