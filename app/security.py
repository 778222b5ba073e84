"""Hardening for the open internet: security headers on every answer, and a body-read deadline.

Both are plain ASGI middlewares wrapped around the *whole* application stack by
`install_security(app)`, outside Starlette's ServerErrorMiddleware, so that even a
500 written by the error handler, a 404 from the router and a static file carry the
headers. Nothing here knows about routes: it only looks at the ASGI messages.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI
from starlette.requests import ClientDisconnect

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Scripts only from this origin: no inline scripts, no eval. Plotly's bundle creates an
# empty <style> element and fills it through CSSOM insertRule (which CSP does not
# police); the hash below is sha256 of the empty string, which admits exactly that empty
# element and no inline style text, so 'unsafe-inline' is not needed (checked in
# Chromium with the cartesian bundle: plot, hover, modebar, toImage). img-src allows
# data:/blob: for Plotly's PNG export.
EMPTY_STYLE_ELEMENT_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' {EMPTY_STYLE_ELEMENT_HASH}",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

BODY_TIMEOUT_ENVIRONMENT_VARIABLE = "LOSS_LAB_BODY_TIMEOUT_SECONDS"
DEFAULT_BODY_TIMEOUT_SECONDS = 10.0


class SecurityHeadersMiddleware:
    """Add SECURITY_HEADERS to every HTTP response that does not already set them.

    A route that needs a different policy for one answer may set the header itself;
    the middleware never overwrites a header the application chose.
    """

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in (headers or SECURITY_HEADERS).items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in self.headers if name not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyReadTimeoutMiddleware:
    """Answer 408 when a request body has not fully arrived within `timeout_seconds`.

    uvicorn waits for a request body for ever, so a client that sends its body one byte
    at a time would hold its request open indefinitely. The deadline runs from the
    request's first body read. On expiry the client gets the API's JSON error shape with
    status 408, the connection is closed, and the application sees a disconnect (its
    own, later answer is dropped).

    A client that hangs up before its body is complete is a normal event, not a server
    error: the ClientDisconnect that Starlette raises then is dropped here instead of
    being logged as "Exception in ASGI application" (there is nobody left to answer).
    """

    def __init__(self, app: ASGIApp, timeout_seconds: float = DEFAULT_BODY_TIMEOUT_SECONDS) -> None:
        if not timeout_seconds > 0:
            raise ValueError(f"timeout_seconds must be positive, got {timeout_seconds!r}")
        self.app = app
        self.timeout_seconds = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        loop = asyncio.get_running_loop()
        deadline: float | None = None
        body_complete = False
        response_started = False
        timed_out = False
        client_left_mid_body = False

        async def receive_with_deadline() -> Message:
            nonlocal deadline, body_complete, timed_out, client_left_mid_body
            if timed_out:
                return {"type": "http.disconnect"}
            if body_complete:
                # After the body only a disconnect can come: no deadline applies.
                return await receive()
            if deadline is None:
                deadline = loop.time() + self.timeout_seconds
            try:
                message = await asyncio.wait_for(receive(), timeout=max(deadline - loop.time(), 0.0))
            except TimeoutError:
                timed_out = True
                if not response_started:
                    await send_request_timeout(send)
                return {"type": "http.disconnect"}
            if message["type"] == "http.request" and not message.get("more_body", False):
                body_complete = True
            elif message["type"] == "http.disconnect":
                client_left_mid_body = True
            return message

        async def send_unless_timed_out(message: Message) -> None:
            nonlocal response_started
            if timed_out:
                return  # the client already has its 408; the connection is closing
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive_with_deadline, send_unless_timed_out)
        except ClientDisconnect:
            if not (timed_out or client_left_mid_body):
                raise
        except Exception:
            if not timed_out:
                raise
            # The application failed only because we cut its body off: already answered.


async def send_request_timeout(send: Send) -> None:
    """Send a complete 408 answer in the API's error shape, asking the server to close."""
    body = json.dumps(
        {
            "error": {
                "status": 408,
                "code": "request_timeout",
                "message": "The request body did not arrive in time; send it again in one go.",
                "details": [],
            }
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 408,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


def body_timeout_from_environment() -> float:
    """The body-read deadline in seconds: $LOSS_LAB_BODY_TIMEOUT_SECONDS, or 10."""
    text = os.environ.get(BODY_TIMEOUT_ENVIRONMENT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_BODY_TIMEOUT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"{BODY_TIMEOUT_ENVIRONMENT_VARIABLE} must be a number of seconds, got {text!r}") from None
    if not seconds > 0:
        raise ValueError(f"{BODY_TIMEOUT_ENVIRONMENT_VARIABLE} must be positive, got {text!r}")
    return seconds


def install_security(app: FastAPI, body_timeout_seconds: float | None = None) -> None:
    """Wrap the application's whole middleware stack in the two hardening middlewares.

    Args:
        app: the FastAPI application; its stack is built lazily on the first request.
        body_timeout_seconds: body-read deadline; None reads it from the environment.
    """
    timeout_seconds = body_timeout_from_environment() if body_timeout_seconds is None else body_timeout_seconds
    build_inner_stack = app.build_middleware_stack

    def build_hardened_stack() -> ASGIApp:
        return SecurityHeadersMiddleware(BodyReadTimeoutMiddleware(build_inner_stack(), timeout_seconds))

    app.build_middleware_stack = build_hardened_stack  # type: ignore[method-assign]
