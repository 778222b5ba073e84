"""GET /docs: Swagger UI for the OpenAPI document, served from this app's own files.

FastAPI's built-in /docs loads Swagger UI from a CDN and starts it with an inline
<script>; the Content-Security-Policy (app/security.py) forbids both, and the app must
work offline. This page loads the vendored bundle from /static/vendor and starts it from
static/js/api-docs.js, which reads the OpenAPI URL from a data attribute.
"""

from __future__ import annotations

from html import escape

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

SWAGGER_UI_DIRECTORY = "/static/vendor/swagger-ui-5.35.0"


def api_docs_html(title: str, openapi_url: str) -> str:
    """The /docs page: Swagger UI's stylesheet and bundle, then the starter module."""
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(title)} · API documentation</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="{SWAGGER_UI_DIRECTORY}/swagger-ui.css">
</head>
<body data-openapi-url="{escape(openapi_url)}">
  <div id="swagger-ui"><h1>{escape(title)} API</h1><p>Loading the interactive API documentation…</p></div>
  <script src="{SWAGGER_UI_DIRECTORY}/swagger-ui-bundle.js"></script>
  <script src="/static/js/api-docs.js"></script>
</body>
</html>
"""


def install_api_docs(app: FastAPI, path: str = "/docs") -> None:
    """Serve Swagger UI at `path`; create the app with docs_url=None and redoc_url=None."""
    page = api_docs_html(app.title, app.openapi_url or "/openapi.json")

    @app.get(path, include_in_schema=False, response_class=HTMLResponse)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(page)
