"""/docs in a real browser: Swagger UI starts from the app's own files under the strict CSP.

The `page` fixture fails the test on any console error (a CSP violation is one) and on
any request to another host (a CDN).
"""

import pytest


@pytest.mark.browser
def test_swagger_ui_renders_every_endpoint_from_local_files(page, server_url, api):
    paths = api.get("/openapi.json").json()["paths"]
    page.goto(f"{server_url}/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == sum(len(methods) for methods in paths.values())
    page.locator(".opblock-summary", has_text="/api/v1/health").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    response_body = page.locator(".live-responses-table .response-col_description pre").first
    response_body.wait_for()
    assert '"status": "ok"' in response_body.inner_text()
