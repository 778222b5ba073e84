"""Build the Loss Lab application: routers, static files, error handlers."""

from fastapi import FastAPI

from app import __version__
from app.api import health
from app.security import install_security

API_PREFIX = "/api/v1"


def create_app() -> FastAPI:
    app = FastAPI(
        title="Loss Lab",
        version=__version__,
        description="Loss values, derivatives and sigmoid/softmax transforms that match torch.nn.functional.",
    )
    app.include_router(health.router, prefix=API_PREFIX)
    install_security(app)  # security headers and body-read deadline around everything
    return app


app = create_app()
