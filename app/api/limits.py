"""Request size limits of the JSON API and the middleware that enforces the body limit.

The limits are documented in the OpenAPI description and the README:

- a request body holds at most ``MAX_BODY_BYTES`` (8 MiB): larger bodies get 413;
- an array holds at most ``MAX_ARRAY_NUMBERS`` (1,000,000) numbers: more gets 413;
- a curve has at most ``MAX_CURVE_POINTS`` (100,001) points: more gets 422;
- a line fit takes at most ``MAX_FIT_POINTS`` points (413) and a neuron run at most
  ``MAX_EPOCHS`` epochs and ``MAX_NEURON_SAMPLES`` samples (422 beyond).
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_ARRAY_NUMBERS = 1_000_000
MAX_CURVE_POINTS = 100_001
MAX_FIT_POINTS = 100_000
MAX_EPOCHS = 10_000
MAX_NEURON_SAMPLES = 1_000
# Neuron inputs, starting weight and bias stay within ±this (and the learning rate <= 1000): no overflow.
MAX_NEURON_VALUE = 1e6

BODY_TOO_LARGE_MESSAGE = f"request body is larger than the limit of {MAX_BODY_BYTES} bytes (8 MiB)"


class BodyTooLarge(Exception):
    """Raised from ``receive`` once a streamed body passes the limit."""


class BodySizeLimitMiddleware:
    """Answer 413 for bodies over ``max_bytes`` without reading them whole.

    A declared ``Content-Length`` over the limit is refused before any byte of
    the body is read. A body without a length (chunked transfer) is counted as
    it streams in; the moment it passes the limit, reading stops and the client
    gets 413 (if the application has not started its answer yet).
    """

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES, respond=None):
        self.app = app
        self.max_bytes = max_bytes
        # ``respond(send)`` writes the 413 answer; errors.py supplies the shared shape.
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self.respond(send)
            return

        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if response_started:
                raise
            await self.respond(send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
