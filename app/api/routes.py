"""Mount the JSON API on an application: routers, error handlers, body limit, OpenAPI document."""

from fastapi import FastAPI

from app.api import activations, fit, health, information, losses, train
from app.api.errors import install_error_handlers, send_body_too_large
from app.api.limits import MAX_BODY_BYTES, BodySizeLimitMiddleware
from app.api.openapi import install_openapi

API_PREFIX = "/api/v1"
ROUTERS = (health, losses, activations, information, fit, train)


def install_api(app: FastAPI, prefix: str = API_PREFIX) -> None:
    """Include every API router under ``prefix`` and make every error leave in the one shape."""
    for module in ROUTERS:
        app.include_router(module.router, prefix=prefix)
    install_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=MAX_BODY_BYTES, respond=send_body_too_large)
    install_openapi(app)
