"""/activations in real Chromium: logit bars, softmax against sigmoid, shift, temperature, overflow.

Expected numbers come from the JSON API of the same server for the state the page is in
(read back from the handles' aria-valuenow), never from the page's own code.
"""

import math

import pytest

from tests.browser.conftest import (
    drag_handle,
    handle_value,
    press_on_handle,
    readout,
    touch_drag_handle,
    update_count,
    wait_for_update,
    wait_ready,
    wait_settled,
)

pytestmark = pytest.mark.browser

ARTICLE_LOGITS = [3.0, 1.0, -3.0]


def activation(api, name, values, temperature=1.0, dtype="float64"):
    answer = api.post(f"/api/v1/activations/{name}",
                      json={"input": values, "dim": -1, "temperature": temperature, "dtype": dtype})
    assert answer.status_code == 200, answer.text
    return answer.json()["output"]


def page_logits(page):
    """The logits the page is showing, from its slider handles."""
    count = page.locator("[data-handle^='logit-']").count()
    return [handle_value(page, f"logit-{index}") for index in range(count)]


def assert_outputs_match_api(page, api, logits, shift=0.0, temperature=1.0, dtype="float64"):
    shifted = [logit + shift for logit in logits]
    softmax = activation(api, "softmax", shifted, temperature, dtype)
    sigmoid = activation(api, "sigmoid", shifted, temperature, dtype)
    for index in range(len(logits)):
        assert readout(page, f"softmax-{index}") == softmax[index]
        assert readout(page, f"sigmoid-{index}") == sigmoid[index]
    assert readout(page, "softmax-sum") == pytest.approx(1.0, abs=1e-6 if dtype == "float32" else 1e-12)
    assert readout(page, "sigmoid-sum") == pytest.approx(math.fsum(sigmoid), rel=1e-12)


def test_loads_clean_with_the_article_example(page, open_page, api):
    open_page("/activations")
    assert page_logits(page) == ARTICLE_LOGITS
    assert_outputs_match_api(page, api, ARTICLE_LOGITS)
    # The page corrects the article: sigmoid(3) is 0.9526, not 0.4174.
    assert page.locator("[data-readout='sigmoid-0']").inner_text() == "0.9526"
    assert readout(page, "sigmoid-sum") > 1  # independent outputs need not sum to 1


def test_mouse_drag_on_a_bar_changes_the_outputs_to_the_api_numbers(page, open_page, api):
    open_page("/activations")
    page.locator("[data-handle='logit-2']").scroll_into_view_if_needed()
    previous = update_count(page)
    drag_handle(page, "logit-2", 0, -60)  # up: a larger logit for class 2
    wait_for_update(page, previous)
    wait_settled(page)
    logits = page_logits(page)
    assert logits[2] > -3 and logits[:2] == ARTICLE_LOGITS[:2]
    assert_outputs_match_api(page, api, logits)
    assert f"logits=3,1,{logits[2]:g}" in page.url


def test_touch_drag_on_a_bar(page, open_page, api):
    open_page("/activations")
    previous = update_count(page)
    touch_drag_handle(page, "logit-0", 0, -50)
    wait_for_update(page, previous)
    wait_settled(page)
    logits = page_logits(page)
    assert logits[0] > 3 and logits[1:] == ARTICLE_LOGITS[1:]
    assert_outputs_match_api(page, api, logits)


def test_keyboard_moves_a_bar_and_the_url_survives_a_reload(page, open_page, api):
    open_page("/activations")
    press_on_handle(page, "logit-1", "ArrowUp", "ArrowUp", "ArrowUp")
    press_on_handle(page, "logit-0", "PageDown", "Home")
    logits = page_logits(page)
    assert logits == [-10, pytest.approx(1.3), -3]
    assert_outputs_match_api(page, api, logits)
    assert "logits=-10,1.3,-3" in page.url
    assert page.evaluate("performance.getEntriesByName('loss-lab:update').length") >= 1
    assert page.locator("#live-readout").inner_text().startswith("softmax ")
    shown = [readout(page, f"softmax-{index}") for index in range(3)]

    page.reload()
    wait_ready(page)
    wait_settled(page)
    assert page_logits(page) == logits
    assert [readout(page, f"softmax-{index}") for index in range(3)] == shown


def test_shift_leaves_softmax_alone_and_moves_sigmoid(page, open_page, api):
    open_page("/activations?shift=4.5")
    unshifted = activation(api, "softmax", ARTICLE_LOGITS)
    for index in range(3):
        assert readout(page, f"softmax-{index}") == pytest.approx(unshifted[index], abs=1e-15)
    assert readout(page, "shift-softmax-change") < 1e-12
    assert_outputs_match_api(page, api, ARTICLE_LOGITS, shift=4.5)
    assert readout(page, "sigmoid-sum") > readout(page, "shift-sigmoid-sum-unshifted")


def test_temperature_slider_and_float32(page, open_page, api):
    open_page("/activations?dtype=float32")
    previous = update_count(page)
    page.locator("#temperature-input").fill("2.5")
    wait_for_update(page, previous)
    wait_settled(page)
    assert "temperature=2.5" in page.url
    assert_outputs_match_api(page, api, ARTICLE_LOGITS, temperature=2.5, dtype="float32")


def test_two_class_sigmoid_of_the_difference_equals_softmax(page, open_page, api):
    open_page("/activations?logits=2.5,-0.7,1&temperature=1.5")
    via_sigmoid = activation(api, "sigmoid", [2.5 - (-0.7)], temperature=1.5)[0]
    via_softmax = activation(api, "softmax", [2.5, -0.7], temperature=1.5)[0]
    assert readout(page, "binary-sigmoid") == via_sigmoid
    assert readout(page, "binary-softmax") == via_softmax
    assert readout(page, "binary-gap") == pytest.approx(0.0, abs=1e-15)
    assert readout(page, "binary-difference") == pytest.approx(3.2 / 1.5)


def test_naive_softmax_overflows_where_the_stable_form_does_not(page, open_page, api):
    open_page("/activations")  # the offset defaults to 1000
    stable = activation(api, "softmax", [logit + 1000 for logit in ARTICLE_LOGITS])
    for index in range(3):
        assert math.isnan(readout(page, f"naive64-{index}"))
        assert math.isnan(readout(page, f"naive32-{index}"))
        assert readout(page, f"stable-{index}") == stable[index]
    # At offset 50 only float32 overflows (e^89 > float32 max); float64 agrees with the API.
    previous = update_count(page)
    page.locator("#offset-input").fill("50")
    wait_for_update(page, previous)
    wait_settled(page)
    stable = activation(api, "softmax", [logit + 50 for logit in ARTICLE_LOGITS])
    for index in range(3):
        assert readout(page, f"naive64-{index}") == pytest.approx(stable[index], rel=1e-12)
        assert readout(page, f"stable-{index}") == stable[index]
    assert math.isnan(readout(page, "naive32-0")) is False  # 53/1.0 < 88.7: float32 still fine at 50
    previous = update_count(page)
    page.locator("#offset-input").fill("100")
    wait_for_update(page, previous)
    assert math.isnan(readout(page, "naive32-0"))
    assert readout(page, "naive64-0") == pytest.approx(activation(api, "softmax", [103.0, 101.0, 97.0])[0], rel=1e-12)


def test_number_of_classes_slider(page, open_page, api):
    open_page("/activations")
    previous = update_count(page)
    page.locator("#classes-input").fill("6")
    wait_for_update(page, previous)
    wait_settled(page)
    logits = page_logits(page)
    assert logits == ARTICLE_LOGITS + [0, 0, 0]
    assert page.locator("#class-table-body tr").count() == 6
    assert_outputs_match_api(page, api, logits)


@pytest.mark.parametrize("query", [
    "logits=1,2,x&temperature=0&dtype=float16&shift=99",
    "logits=1&temperature=abc&offset=-5",
    "logits=1,2,3,4,5,6,7,8,9,10,11&shift=NaN&dtype=",
    "logits=50,0&temperature=1e9",
])
def test_bad_url_values_fall_back_to_defaults(page, open_page, api, query):
    open_page(f"/activations?{query}")
    assert page_logits(page) == ARTICLE_LOGITS
    assert page.locator("#dtype-select").input_value() == "float64"
    assert page.locator("#temperature-input").input_value() == "1"
    assert_outputs_match_api(page, api, ARTICLE_LOGITS)


def test_phone_width_has_no_horizontal_scroll(page, open_page):
    page.set_viewport_size({"width": 375, "height": 740})
    open_page("/activations")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
