"""Every error path of the JSON API answers in the one error shape, with its exact status.

Modelled on Datasette's test_error_shape: each case pins the status, the code and
the field blamed, and the body is strict JSON that never repeats a large input.
"""

import asyncio

import pytest

from app.api.errors import send_body_too_large
from app.api.limits import MAX_BODY_BYTES, BodySizeLimitMiddleware
from tests.api.conftest import assert_error

EVALUATE = "/api/v1/losses/mse_loss/evaluate"
FINITE = "must be a finite number: NaN, Infinity and numbers beyond ±1.8e308 are not allowed"
NOT_A_NUMBER = "must be a number or a (nested) list of numbers; booleans, strings and null are not numbers"


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        (b'{"input": [NaN, 1], "target": [0, 0]}', "body.input.0", FINITE),
        (b'{"input": [1, Infinity], "target": [0, 0]}', "body.input.1", FINITE),
        (b'{"input": [1, 2], "target": [-Infinity, 0]}', "body.target.0", FINITE),
        (b'{"input": [1e400, 1], "target": [0, 0]}', "body.input.0", FINITE),
        (b'{"input": [[1, 2], [3, -1e999]], "target": [[0, 0], [0, 0]]}', "body.input.1.1", FINITE),
        (b'{"input": [1, 2], "target": [0, 0], "weight": NaN}', "body.weight", FINITE),
        (b'{"input": [true, 1], "target": [0, 0]}', "body.input.0", NOT_A_NUMBER),
        (b'{"input": ["1", 1], "target": [0, 0]}', "body.input.0", NOT_A_NUMBER),
        (b'{"input": [null, 1], "target": [0, 0]}', "body.input.0", NOT_A_NUMBER),
        (b'{"input": {"a": 1}, "target": [0, 0]}', "body.input", NOT_A_NUMBER),
        (b'{"input": [1, 2]}', "body.target", "is required"),
        (b'{"input": [1, 2], "target": [0, 0], "Input": 1}', "body.Input",
         "is not a known field here; remove it (field names are case-sensitive)"),
        (b'{"input": [1, 2], "target": [0, 0], "reduction": "avg"}', "body.reduction",
         "Input should be 'none', 'mean', 'sum' or 'batchmean'"),
        (b'{"input": [1, 2], "target": [0, 0], "dtype": "float16"}', "body.dtype", "Input should be 'float32' or 'float64'"),
        (b'{"input": [1, 2], "target": [0, 0], "dtype": 64}', "body.dtype", "Input should be 'float32' or 'float64'"),
    ],
)
def test_invalid_bodies_are_422_naming_the_field_and_never_500(client, raw, field, message):
    error = assert_error(client.post(EVALUATE, content=raw), 422, "invalid_request")
    assert error["details"][0] == {"field": field, "message": message}
    assert error["message"].startswith(f"{field}: ")


def test_a_non_finite_option_is_refused_for_options_too(client):
    raw = b'{"input": [1, 2], "target": [0, 0], "beta": Infinity}'
    error = assert_error(client.post("/api/v1/losses/smooth_l1_loss/evaluate", content=raw), 422, "invalid_request")
    assert error["details"] == [{"field": "body.beta", "message": FINITE}]
    raw = b'{"input": [1, 2], "target": [0, 0], "beta": true}'
    error = assert_error(client.post("/api/v1/losses/smooth_l1_loss/evaluate", content=raw), 422, "invalid_request")
    assert error["details"] == [{"field": "body.beta", "message": NOT_A_NUMBER}]


def test_many_problems_are_listed_with_a_cap_and_no_input_echo(client):
    values = ", ".join(["true"] * 500)
    raw = f'{{"input": [{values}], "target": [0]}}'.encode()
    error = assert_error(client.post(EVALUATE, content=raw), 422, "invalid_request")
    assert len(error["details"]) == 20
    assert "true" not in str(error).lower().replace("true,", "")  # no value is repeated back
    assert error["message"].endswith("(and 499 more problems)")


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b'{"input": [1, 2], "target": [0, 0]', b"[1, 2]x", b"\xff\xfe", b'{"input": 01}'],
)
def test_malformed_json_is_400(client, raw):
    error = assert_error(client.post(EVALUATE, content=raw), 400, "malformed_json")
    assert error["details"] == [{"field": "body", "message": "is not valid JSON"}]


def test_a_body_that_is_not_an_object_is_422(client):
    error = assert_error(client.post(EVALUATE, content=b"[1, 2]"), 422, "invalid_request")
    assert error["details"][0]["field"] == "body"


def test_ragged_arrays_are_422(client):
    for ragged in ([[1, 2], [3]], [[1], 2], [[[1]], [1]]):
        assert_error(
            client.post(EVALUATE, json={"input": ragged, "target": ragged}),
            422,
            "invalid_request",
            details=[{"field": "body.input", "message": "must be a rectangular nested list: every row needs the same length and depth"}],
        )


def test_core_errors_are_422_naming_the_argument(client):
    assert_error(
        client.post(EVALUATE, json={"input": [1, 2], "target": [0, 0, 1]}),
        422,
        "invalid_argument",
        details=[{"field": "body.target", "message": "target has shape (3,), input has (2,): mse_loss wants both the same shape"}],
    )
    error = assert_error(
        client.post("/api/v1/losses/binary_cross_entropy/evaluate", json={"input": [1.5], "target": [1.0]}),
        422,
        "invalid_argument",
    )
    assert error["details"][0]["field"] == "body.input"
    error = assert_error(
        client.post("/api/v1/losses/cross_entropy/evaluate", json={"input": [[1.0, 2.0]], "target": [2]}),
        422,
        "invalid_argument",
    )
    assert error["details"][0]["field"] == "body.target" and "out of range" in error["details"][0]["message"]
    assert_error(
        client.post(EVALUATE, json={"input": [1], "target": [0], "reduction": "batchmean"}),
        422,
        "invalid_argument",
        details=[{"field": "body.reduction", "message": "reduction must be one of 'none', 'mean', 'sum', got 'batchmean'"}],
    )
    assert_error(
        client.post(EVALUATE, json={"input": [1e200], "target": [0], "dtype": "float32"}),
        422,
        "invalid_request",
        details=[{"field": "body.input", "message": "holds a number beyond the float32 range (±3.403e+38)"}],
    )
    big_integer = b'{"input": [' + b"9" * 400 + b'], "target": [0]}'
    assert_error(
        client.post(EVALUATE, content=big_integer),
        422,
        "invalid_request",
        details=[{"field": "body.input", "message": "holds a number too large for a float64"}],
    )


def test_an_option_the_loss_does_not_take_is_422(client):
    assert_error(
        client.post(EVALUATE, json={"input": [1], "target": [0], "beta": 1.0}),
        422,
        "invalid_request",
        details=[{"field": "body.beta", "message": "is not an option of mse_loss; it takes reduction"}],
    )


def test_unknown_paths_and_methods(client):
    assert_error(client.get("/api/v1/nothing"), 404, "not_found", details=[])
    response = client.delete("/api/v1/losses")
    assert_error(response, 405, "method_not_allowed", details=[])
    assert response.headers["allow"] == "GET"
    assert_error(client.get(EVALUATE), 405, "method_not_allowed")
    assert_error(client.put("/api/v1/fit", json={}), 405, "method_not_allowed")


def test_curve_bounds_must_fit_the_dtype(client):
    curve = "/api/v1/losses/hinge/curve"
    assert_error(
        client.get(curve, params={"start": -3.5e38, "dtype": "float32"}),
        422,
        "invalid_request",
        details=[{"field": "query.start", "message": "must be within the float32 range (±3.403e+38), got -3.5e+38"}],
    )
    assert_error(
        client.get(curve, params={"start": -1.7e308, "stop": 1.7e308}),
        422,
        "invalid_request",
        details=[{"field": "query.stop", "message": "stop - start must be a finite float64, got 1.7e+308 - -1.7e+308"}],
    )


def test_curve_query_errors(client):
    curve = "/api/v1/losses/smooth_l1_loss/curve"
    assert_error(
        client.get(curve, params={"num": 100_002}),
        422,
        "invalid_request",
        details=[{"field": "query.num", "message": "Input should be less than or equal to 100001"}],
    )
    assert_error(
        client.get(curve, params={"num": 1}),
        422,
        "invalid_request",
        details=[{"field": "query.num", "message": "Input should be greater than or equal to 2"}],
    )
    for bad in ("nan", "inf", "-Infinity", "1e400"):
        assert_error(client.get(curve, params={"start": bad}), 422, "invalid_request", details=[{"field": "query.start", "message": FINITE}])
    assert_error(
        client.get(curve, params={"start": 1, "stop": 1}),
        422,
        "invalid_request",
        details=[{"field": "query.stop", "message": "must be greater than start (1.0), got 1.0"}],
    )
    assert_error(
        client.get(curve, params={"delta": 1}),
        422,
        "invalid_argument",
        details=[{"field": "query.delta", "message": "delta is not a curve option of smooth_l1_loss; it takes beta"}],
    )
    assert_error(
        client.get(curve, params={"colour": "red"}),
        422,
        "invalid_request",
        details=[{"field": "query.colour", "message": "is not a parameter of the curve endpoint"}],
    )
    assert_error(
        client.get(curve, params={"beta": "true"}),
        422,
        "invalid_request",
        details=[{"field": "query.beta", "message": "Input should be a valid number, unable to parse string as a number"}],
    )
    assert_error(
        client.get("/api/v1/losses/binary_cross_entropy/curve", params={"start": -0.5}),
        422,
        "invalid_request",
        details=[{"field": "query.start", "message": "must be at least 0.0 on the probability axis, got -0.5"}],
    )
    assert_error(
        client.get("/api/v1/losses/binary_cross_entropy/curve", params={"target": 2}),
        422,
        "invalid_argument",
        details=[{"field": "query.target", "message": "target of a binary_cross_entropy curve must be in [0, 1], got 2.0"}],
    )
    assert_error(
        client.get(curve, params={"target": 1}),
        422,
        "invalid_argument",
        details=[{"field": "query.target", "message": "smooth_l1_loss is plotted against the residual, which already fixes the target"}],
    )


# ---- limits ----


def test_declared_body_over_8_mib_is_413(client):
    error = assert_error(client.post(EVALUATE, content=b" " * (MAX_BODY_BYTES + 1)), 413, "payload_too_large")
    assert error["details"] == [{"field": "body", "message": f"must be at most {MAX_BODY_BYTES} bytes"}]


def test_streamed_body_over_8_mib_is_413(client):
    def chunks():
        for _ in range(9):
            yield b" " * (1024 * 1024)

    assert_error(client.post(EVALUATE, content=chunks()), 413, "payload_too_large")


def test_a_body_just_under_the_limit_is_parsed(client):
    padding = b" " * (MAX_BODY_BYTES - 100)
    response = client.post(EVALUATE, content=b'{"input": [1], "target": [0]}' + padding)
    assert response.status_code == 200


def test_more_than_a_million_numbers_in_an_array_is_413(client):
    raw = b'{"input": [' + b",".join([b"0"] * 1_000_001) + b'], "target": 0}'
    assert len(raw) < MAX_BODY_BYTES
    assert_error(
        client.post(EVALUATE, content=raw),
        413,
        "payload_too_large",
        details=[{"field": "body.input", "message": "holds 1000001 numbers; the limit is 1000000 per array"}],
    )


def run_middleware(headers, chunks, max_bytes=10):
    """Drive BodySizeLimitMiddleware around an app that reads the whole body; return (sent, chunks read)."""
    received = []
    sent = []

    async def reading_app(scope, receive, send):
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    async def receive():
        message = chunks[len(received)]
        received.append(message)
        return message

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    middleware = BodySizeLimitMiddleware(reading_app, max_bytes=max_bytes, respond=send_body_too_large)
    asyncio.run(middleware(scope, receive, send))
    return sent, len(received)


def test_middleware_refuses_a_declared_length_without_reading_the_body():
    sent, read = run_middleware([(b"content-length", b"11")], [], max_bytes=10)
    assert read == 0
    assert sent[0]["status"] == 413


def test_middleware_stops_reading_a_stream_at_the_limit():
    chunks = [{"type": "http.request", "body": b"abcd", "more_body": True} for _ in range(100)]
    sent, read = run_middleware([], chunks, max_bytes=10)
    assert read == 3  # 4 + 4 + 4 bytes: the third chunk passes 10 and reading stops
    assert sent[0]["status"] == 413
    assert b'"payload_too_large"' in sent[1]["body"]


def test_middleware_passes_a_body_at_the_limit():
    chunks = [
        {"type": "http.request", "body": b"abcde", "more_body": True},
        {"type": "http.request", "body": b"fghij", "more_body": False},
    ]
    sent, read = run_middleware([(b"content-length", b"10")], chunks, max_bytes=10)
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"abcdefghij"


def test_an_unexpected_failure_is_a_500_in_the_same_shape():
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from app.api.routes import install_api

    app = FastAPI()
    install_api(app)

    @app.get("/api/v1/broken")
    async def broken():
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as broken_client:
        error = assert_error(broken_client.get("/api/v1/broken"), 500, "internal_error", details=[])
    assert "secret" not in error["message"]
