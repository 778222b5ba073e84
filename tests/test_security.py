"""Security headers on every kind of answer, the body-read deadline, and no reflected input.

The headers are pinned on a page, an API answer, a static file, a 404, a 405 and a
500; the Content-Security-Policy is parsed and checked directive by directive.
"""

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.security import (
    BODY_TIMEOUT_ENVIRONMENT_VARIABLE,
    BodyReadTimeoutMiddleware,
    body_timeout_from_environment,
)

PAGE_PATHS = ["/", "/regression", "/activations", "/bce", "/cross-entropy", "/margins", "/learning"]
SCRIPT_PAYLOAD = "<script>alert('loss-lab')</script>"
ATTRIBUTE_PAYLOAD = '"><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(), raise_server_exceptions=False)


def parse_policy(header: str) -> dict[str, list[str]]:
    """Split a Content-Security-Policy header into {directive: [sources]}."""
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_security_headers(response) -> None:
    """The full set of hardening headers, with a policy that forbids inline and eval'd scripts."""
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    policy = parse_policy(headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    for directive in ("script-src", "default-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    # A header appears once: a duplicate CSP would be intersected by browsers.
    assert len(response.headers.get_list("content-security-policy")) == 1


def test_api_answer_carries_security_headers(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert_security_headers(response)


def test_unknown_path_404_carries_security_headers(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert_security_headers(response)


def test_wrong_method_405_carries_security_headers(client):
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    assert_security_headers(response)


def test_unhandled_exception_500_carries_security_headers():
    app = create_app()

    @app.get("/test-only/explode")
    def explode():
        raise RuntimeError("boom")

    response = TestClient(app, raise_server_exceptions=False).get("/test-only/explode")
    assert response.status_code == 500
    assert_security_headers(response)


def test_header_set_by_a_route_is_not_overwritten():
    app = create_app()

    @app.get("/test-only/own-policy")
    def own_policy():
        from fastapi.responses import PlainTextResponse

        return PlainTextResponse("ok", headers={"Referrer-Policy": "same-origin"})

    response = TestClient(app).get("/test-only/own-policy")
    assert response.headers.get_list("referrer-policy") == ["same-origin"]
    assert response.headers["x-content-type-options"] == "nosniff"


def run_middleware(middleware, messages_in, receive_delay_seconds):
    """Drive an ASGI middleware with scripted body messages; return what it sent."""
    sent = []
    queue = list(messages_in)

    async def receive():
        if not queue:
            await asyncio.sleep(3600)  # the client went quiet
        await asyncio.sleep(receive_delay_seconds)
        return queue.pop(0)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    # A thread of its own: a session-wide Playwright browser keeps an event loop running
    # in the main thread, where asyncio.run() would refuse to start.
    with ThreadPoolExecutor(max_workers=1) as executor:
        executor.submit(asyncio.run, asyncio.wait_for(middleware(scope, receive, send), timeout=5)).result()
    return sent


async def echo_body_app(scope, receive, send):
    """A tiny ASGI app that reads the whole body and answers with its length."""
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionError("client went away")
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(len(body)).encode()})


def test_body_that_stops_arriving_gets_408_in_the_error_shape():
    middleware = BodyReadTimeoutMiddleware(echo_body_app, timeout_seconds=0.2)
    sent = run_middleware(middleware, [{"type": "http.request", "body": b"{", "more_body": True}], 0.0)
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 408
    assert (b"connection", b"close") in sent[0]["headers"]
    error = json.loads(sent[1]["body"])["error"]
    assert error["status"] == 408
    assert error["code"] == "request_timeout"


def test_body_trickled_slower_than_the_deadline_gets_408():
    # Each chunk arrives within 0.1 s, but the whole body takes longer than 0.35 s.
    chunks = [{"type": "http.request", "body": b"x", "more_body": True} for _ in range(10)]
    middleware = BodyReadTimeoutMiddleware(echo_body_app, timeout_seconds=0.35)
    sent = run_middleware(middleware, chunks, 0.1)
    assert sent[0]["status"] == 408


def test_body_arriving_in_time_passes_through():
    chunks = [
        {"type": "http.request", "body": b"abc", "more_body": True},
        {"type": "http.request", "body": b"de", "more_body": False},
    ]
    middleware = BodyReadTimeoutMiddleware(echo_body_app, timeout_seconds=1.0)
    sent = run_middleware(middleware, chunks, 0.01)
    assert sent[0]["status"] == 200
    assert sent[1]["body"] == b"5"


def test_body_timeout_must_be_positive():
    with pytest.raises(ValueError, match="timeout_seconds must be positive, got 0"):
        BodyReadTimeoutMiddleware(echo_body_app, timeout_seconds=0)


def test_body_timeout_reads_the_environment(monkeypatch):
    monkeypatch.setenv(BODY_TIMEOUT_ENVIRONMENT_VARIABLE, "2.5")
    assert body_timeout_from_environment() == 2.5
    monkeypatch.setenv(BODY_TIMEOUT_ENVIRONMENT_VARIABLE, "soon")
    with pytest.raises(ValueError, match="must be a number of seconds, got 'soon'"):
        body_timeout_from_environment()
    monkeypatch.setenv(BODY_TIMEOUT_ENVIRONMENT_VARIABLE, "-1")
    with pytest.raises(ValueError, match="must be positive, got '-1'"):
        body_timeout_from_environment()
    monkeypatch.delenv(BODY_TIMEOUT_ENVIRONMENT_VARIABLE)
    assert body_timeout_from_environment() == 10.0


def test_api_error_echoing_a_path_is_json_that_browsers_will_not_sniff_as_html(client):
    # An API error may name the path it could not find; it is then inert JSON text,
    # because the type is JSON and nosniff forbids a browser from reading it as HTML.
    response = client.get(f"/api/v1/losses/{SCRIPT_PAYLOAD}")
    assert response.status_code == 404
    assert response.headers["content-type"].split(";")[0] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["error"]["status"] == 404


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_page_carries_security_headers_and_escapes_the_query_string(client, path):
    # The payload goes in as values, as an unknown key and as a known one (beta).
    params = {"q": SCRIPT_PAYLOAD, "beta": ATTRIBUTE_PAYLOAD, SCRIPT_PAYLOAD: ATTRIBUTE_PAYLOAD}
    response = client.get(path, params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert_security_headers(response)
    assert SCRIPT_PAYLOAD not in response.text
    assert "<img src=x" not in response.text
    # Pages load scripts only from files: no inline <script> body and no inline handler.
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text) is None
    assert re.search(r"\son[a-z]+\s*=", response.text) is None


def test_static_file_carries_security_headers(client):
    home = client.get("/").text
    for url in sorted(set(re.findall(r'(?:src|href)="(/static/[^"]+)"', home))):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)


def test_missing_static_file_404_carries_security_headers(client):
    response = client.get(f"/static/{SCRIPT_PAYLOAD}.js")
    assert response.status_code == 404
    assert_security_headers(response)
    assert SCRIPT_PAYLOAD not in response.text


def test_templates_are_autoescaped():
    from app.pages import build_templates, install_pages
    from fastapi import FastAPI

    environment = build_templates(install_pages(FastAPI())).env
    for name in environment.list_templates():
        assert environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape, name
    rendered = environment.from_string("<p>{{ value }}</p>").render(value=SCRIPT_PAYLOAD)
    assert SCRIPT_PAYLOAD not in rendered and "&lt;script&gt;" in rendered


def test_templates_never_switch_escaping_off():
    from app.pages import TEMPLATE_DIRECTORY

    for template in TEMPLATE_DIRECTORY.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"\|\s*safe\b", text), f"{template.name} marks a value safe"
        assert "autoescape false" not in text.replace("  ", " "), f"{template.name} turns autoescaping off"


def test_client_leaving_mid_body_ends_the_request_quietly():
    from starlette.requests import ClientDisconnect, Request

    async def body_reading_app(scope, receive, send):
        await Request(scope, receive).body()  # raises ClientDisconnect on http.disconnect

    chunks = [{"type": "http.request", "body": b"{", "more_body": True}, {"type": "http.disconnect"}]
    sent = run_middleware(BodyReadTimeoutMiddleware(body_reading_app, timeout_seconds=5), chunks, 0.0)
    assert sent == []  # nothing to answer, and no exception escapes to the server's log

    async def failing_app(scope, receive, send):
        raise ClientDisconnect()  # not preceded by a disconnect: a real bug, kept visible

    with pytest.raises(ClientDisconnect):
        run_middleware(BodyReadTimeoutMiddleware(failing_app, timeout_seconds=5), [], 0.0)


def test_api_docs_page_loads_only_local_files_and_no_inline_script(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert_security_headers(response)
    urls = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert urls and all(url.startswith("/") or url.startswith("data:") for url in urls), urls
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text) is None
    for url in urls:
        if url.startswith("/static/"):
            assert client.get(url).status_code == 200, url
    assert client.get("/redoc").status_code == 404  # FastAPI's CDN-based ReDoc is switched off
