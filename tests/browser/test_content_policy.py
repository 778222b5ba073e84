"""The Content-Security-Policy in a real browser: what pages do at run time is allowed.

The `page` fixture already fails any test on a console error, which is how Chromium
reports a blocked script, style or image; these tests exercise what runs only on demand.
"""

from pathlib import Path

import pytest

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.mark.browser
def test_plotly_png_export_works_under_the_policy(page, open_page):
    open_page("/regression")
    plot = page.locator(".js-plotly-plot").first
    plot.hover()
    with page.expect_download() as download:
        plot.locator(".modebar-btn[data-title^='Download plot']").click()
    assert Path(download.value.path()).read_bytes().startswith(PNG_SIGNATURE)


@pytest.mark.browser
def test_inline_script_is_refused_by_the_policy(page, open_page):
    # The policy is live, not only a header: an injected inline script does not run.
    open_page("/")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            """() => {
                window.injectedRan = false;
                const script = document.createElement("script");
                script.textContent = "window.injectedRan = true";
                document.body.append(script);
            }"""
        )
    assert page.evaluate("window.injectedRan") is False
    page.problems.console_errors.clear()  # the refusal itself is the expected console error
