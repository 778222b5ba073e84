"""/ in real Chromium: a preview plot per page and the loss catalogue from the registry."""

import pytest

pytestmark = pytest.mark.browser

PAGES = ["/regression", "/activations", "/bce", "/cross-entropy", "/margins", "/learning"]


def test_home_shows_a_preview_per_page_and_the_catalogue(open_page, api):
    page = open_page("/")
    for path in PAGES:
        assert page.locator(f".cards a[href='{path}']").count() == 1, path
    thumbnails = page.locator(".thumbnail")
    assert thumbnails.count() == len(PAGES)
    for index in range(len(PAGES)):
        # Each preview was drawn by Plotly from an API answer (an SVG with at least one line).
        assert thumbnails.nth(index).locator(".scatterlayer path.js-line").count() >= 1
    names = [entry["name"] for entry in api.get("/api/v1/losses").json()["losses"]]
    rows = page.locator("#catalog tbody tr")
    assert [rows.nth(index).get_attribute("data-loss") for index in range(rows.count())] == names
    assert page.locator("#catalog tbody math").count() == len(names)  # every formula typeset
    assert "torch.nn.functional.l1_loss" in page.locator("#catalog tr[data-loss='l1_loss']").inner_text()


def test_nav_reaches_every_page_without_errors(open_page):
    page = open_page("/")
    links = page.locator(".site-nav a")
    assert links.count() == len(PAGES) + 1
    assert page.locator(".site-nav a[aria-current='page']").inner_text() == "Home"
    page.locator(".site-nav a[href='/margins']").click()
    page.wait_for_selector("body[data-ready='true']", state="attached")
    assert page.locator(".site-nav a[aria-current='page']").get_attribute("href") == "/margins"


def test_skip_link_moves_focus_to_the_content(open_page):
    page = open_page("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
