"""/margins in real Chromium: the margin marker by mouse and keyboard, readouts against the API."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import drag_handle, handle_value, press_on_handle, readout, update_count, wait_for_update

pytestmark = pytest.mark.browser

LOSSES = {
    "zero_one": "zero_one",
    "hinge": "hinge",
    "squared_hinge": "squared_hinge",
    "perceptron": "perceptron",
    "logistic": "soft_margin_loss",
    "exponential": "exponential",
}


def assert_readouts_match_api(page, api, margin: float) -> None:
    """Each loss and d loss / d m at the marker equal the API's answer at input m, target +1."""
    for key, name in LOSSES.items():
        answer = api.post(f"/api/v1/losses/{name}/evaluate", json={"input": margin, "target": 1.0})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert readout(page, f"loss-{key}") == pytest.approx(body["loss"], rel=1e-9, abs=1e-12), key
        assert readout(page, f"grad-{key}") == pytest.approx(body["grad"], rel=1e-9, abs=1e-12), key


def margin_in_url(page) -> float | None:
    values = parse_qs(urlsplit(page.url).query).get("m")
    return float(values[0]) if values else None


def test_page_loads_with_default_margin(open_page, api):
    page = open_page("/margins")
    assert page.locator("[data-handle]").count() == 1
    slider = page.locator("[data-handle='margin']")
    assert slider.get_attribute("role") == "slider"
    assert slider.get_attribute("aria-valuemin") == "-3" and slider.get_attribute("aria-valuemax") == "3"
    assert handle_value(page, "margin") == 0.5
    assert readout(page, "loss-hinge") == 0.5
    assert_readouts_match_api(page, api, 0.5)
    assert page.locator("math").count() >= 6


def test_margin_dragged_by_mouse(open_page, api):
    page = open_page("/margins")
    before = update_count(page)
    drag_handle(page, "margin", dx=-200, dy=0)
    wait_for_update(page, before)
    margin = handle_value(page, "margin")
    assert margin < 0  # now misclassified: the 0-1 loss counts a mistake
    assert readout(page, "loss-zero_one") == 1
    assert margin_in_url(page) == margin
    assert_readouts_match_api(page, api, margin)


def test_margin_moved_by_keyboard(open_page, api):
    page = open_page("/margins")
    press_on_handle(page, "margin", "ArrowLeft", "ArrowLeft")
    assert handle_value(page, "margin") == pytest.approx(0.48)
    assert_readouts_match_api(page, api, 0.48)
    press_on_handle(page, "margin", "PageUp", "PageUp")
    assert handle_value(page, "margin") == pytest.approx(0.98)
    press_on_handle(page, "margin", "End")
    assert handle_value(page, "margin") == 3
    assert readout(page, "loss-hinge") == 0  # beyond the margin of 1: no hinge loss
    assert_readouts_match_api(page, api, 3.0)
    assert margin_in_url(page) == 3


def test_reload_restores_the_margin(open_page, api):
    page = open_page("/margins")
    press_on_handle(page, "margin", "PageDown", "PageDown", "PageDown", "ArrowLeft")
    assert handle_value(page, "margin") == pytest.approx(-0.26)
    url = page.url
    page.reload()
    page.wait_for_selector("body[data-ready='true'][data-settled='true']", state="attached")
    assert page.url == url
    assert handle_value(page, "margin") == pytest.approx(-0.26)
    assert_readouts_match_api(page, api, -0.26)


@pytest.mark.parametrize("search", ["?m=abc", "?m=7", "?m=-Infinity&foo=bar", "?m="])
def test_bad_url_values_fall_back_to_the_default(open_page, api, search):
    page = open_page(f"/margins{search}")
    assert handle_value(page, "margin") == 0.5
    assert_readouts_match_api(page, api, 0.5)
    assert page.locator("#error-banner").is_hidden()
