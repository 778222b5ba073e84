"""Fixtures and helpers for the JSON API tests: one in-process client, strict JSON decoding."""

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.main import create_app

# The API's strings for non-finite numbers (responses.py), back to floats.
API_NON_FINITE = {"NaN": np.nan, "Infinity": np.inf, "-Infinity": -np.inf}


@pytest.fixture(scope="package")
def client():
    with TestClient(create_app()) as test_client:
        yield test_client


def strict_json(response):
    """Decode an answer, failing on any NaN/Infinity token (strict JSON only)."""

    def refuse(token):
        raise AssertionError(f"answer holds the non-JSON token {token}")

    return json.loads(response.text, parse_constant=refuse)


def decode_numbers(value):
    """Nested JSON numbers with the API's non-finite strings -> float64 array."""

    def walk(item):
        if isinstance(item, list):
            return [walk(element) for element in item]
        if isinstance(item, str):
            return API_NON_FINITE[item]
        return item

    return np.asarray(walk(value), dtype=np.float64)


def assert_error(response, status: int, code: str, details: list[dict] | None = None, message: str | None = None):
    """Assert the one error shape with this status, code and (if given) exact details/message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = strict_json(response)
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "details"}
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    for detail in error["details"]:
        assert set(detail) == {"field", "message"}
    if details is not None:
        assert error["details"] == details
    if message is not None:
        assert error["message"] == message
    return error
