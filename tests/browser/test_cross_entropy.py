"""/cross-entropy in real Chromium: p and q bars, H(p) + KL = H(p, q), PyTorch's pipeline.

Expected numbers come from the JSON API of the same server for the state the page is in;
the article's example (two rows of logits, targets 0 and 1) must read 1.0299.
"""

import json

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

ARTICLE_LOGITS = [[1.4746, 0.7613, -0.5468], [1.1310, 0.2323, 0.5530]]
ENTROPY_EXAMPLE = [0.7, 0.2, 0.1]
DEFAULT_Q = [0.5, 0.3, 0.2]


def information(api, p, q, base="e"):
    answer = api.post("/api/v1/information", json={"p": p, "q": q, "base": base})
    assert answer.status_code == 200, answer.text
    return answer.json()


def cross_entropy(api, logits, targets, weight=(1, 1, 1), ignore_index=-100, label_smoothing=0.0, reduction="mean"):
    answer = api.post("/api/v1/losses/cross_entropy/evaluate", json={
        "input": logits, "target": targets, "weight": list(weight), "ignore_index": ignore_index,
        "label_smoothing": label_smoothing, "reduction": reduction, "dtype": "float32",
    })
    assert answer.status_code == 200, answer.text
    return answer.json()


def distribution(page, name):
    """p or q as the page holds it (the handles' aria-valuenow)."""
    count = page.locator(f"[data-handle^='{name}-']").count()
    return [handle_value(page, f"{name}-{index}") for index in range(count)]


def assert_information_matches_api(page, api, base="e"):
    p, q = distribution(page, "p"), distribution(page, "q")
    assert sum(p) == pytest.approx(1.0, abs=1e-9) and sum(q) == pytest.approx(1.0, abs=1e-9)
    expected = information(api, p, q, base)
    assert readout(page, "entropy") == expected["entropy"]
    assert readout(page, "cross-entropy") == expected["cross_entropy"]
    assert readout(page, "kl-divergence") == expected["kl_divergence"]
    assert readout(page, "entropy-plus-kl") == pytest.approx(expected["cross_entropy"], rel=1e-12)
    for index, surprise in enumerate(expected["information_content"]):
        assert readout(page, f"surprise-{index}") == surprise
    return p, q


def test_article_example_gives_1_0299(page, open_page, api):
    open_page("/cross-entropy")
    expected = cross_entropy(api, ARTICLE_LOGITS, [0, 1])
    assert readout(page, "api-loss") == expected["loss"]
    assert page.locator("[data-readout='api-loss']").inner_text() == "1.0299"
    assert page.locator("[data-readout='pipeline-loss']").inner_text() == "1.0299"
    assert readout(page, "pipeline-loss") == pytest.approx(expected["loss"], rel=1e-6)
    for row, value in enumerate(expected["elementwise"]):
        assert readout(page, f"api-row-{row}") == value
        assert readout(page, f"pipeline-row-{row}") == pytest.approx(value, rel=1e-6)


def test_default_distributions_match_the_api(page, open_page, api):
    open_page("/cross-entropy")
    p, q = assert_information_matches_api(page, api)
    assert p == ENTROPY_EXAMPLE and q == DEFAULT_Q
    assert page.locator("[data-readout='entropy']").inner_text() == "0.8018 nats"


def test_mouse_drag_on_a_p_bar_rescales_the_others(page, open_page, api):
    open_page("/cross-entropy")
    page.locator("[data-handle='p-0']").scroll_into_view_if_needed()
    previous = update_count(page)
    drag_handle(page, "p-0", 0, 60)  # down: less weight on outcome 0
    wait_for_update(page, previous)
    wait_settled(page)
    p, q = assert_information_matches_api(page, api)
    assert p[0] < 0.7
    assert p[1] / p[2] == pytest.approx(2.0)  # the other bars keep their proportions
    assert q == DEFAULT_Q
    assert "p=" in page.url and "q=" not in page.url


def test_touch_drag_on_a_q_bar(page, open_page, api):
    open_page("/cross-entropy")
    previous = update_count(page)
    touch_drag_handle(page, "q-1", 0, -40)  # up: more weight on outcome 1
    wait_for_update(page, previous)
    wait_settled(page)
    p, q = assert_information_matches_api(page, api)
    assert q[1] > 0.3 and q[0] / q[2] == pytest.approx(2.5)
    assert p == ENTROPY_EXAMPLE


def test_keyboard_on_a_q_bar_and_the_url_survives_a_reload(page, open_page, api):
    open_page("/cross-entropy")
    press_on_handle(page, "q-1", "ArrowUp", "ArrowUp", "ArrowUp", "ArrowUp", "ArrowUp")
    p, q = assert_information_matches_api(page, api)
    assert q[1] == pytest.approx(0.35)
    assert q[0] / q[2] == pytest.approx(2.5)
    assert page.evaluate("performance.getEntriesByName('loss-lab:update').length") >= 1
    assert page.locator("#live-readout").inner_text().startswith("H(p) ")
    shown = readout(page, "cross-entropy")

    page.reload()
    wait_ready(page)
    wait_settled(page)
    assert distribution(page, "q") == pytest.approx(q, abs=1e-12)
    assert readout(page, "cross-entropy") == pytest.approx(shown, rel=1e-12)


def test_bits_and_the_one_hot_preset(page, open_page, api):
    open_page("/cross-entropy")
    previous = update_count(page)
    page.get_by_label("bits (log base 2)").check()
    wait_for_update(page, previous)
    wait_settled(page)
    assert "unit=bits" in page.url
    assert_information_matches_api(page, api, base="2")

    previous = update_count(page)
    page.get_by_role("button", name="Article: one-hot label, q = (0.7, 0.2, 0.1)").click()
    wait_for_update(page, previous)
    wait_settled(page)
    p, q = assert_information_matches_api(page, api, base="2")
    assert p == [1, 0, 0] and q == ENTROPY_EXAMPLE
    assert readout(page, "entropy") == 0.0  # a one-hot label carries no surprise: H(p,q) = KL


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_pipeline_with_weights_ignore_index_and_label_smoothing(page, open_page, api, reduction):
    logits = [[0.5, -1.2, 2.0], [1.0, 1.0, -0.5], [-2.0, 0.3, 0.8]]
    flat = ",".join(str(value) for row in logits for value in row)
    open_page(f"/cross-entropy?logits={flat}&targets=2,1,0&weights=1,2,0.5&ignore=1&smoothing=0.1&reduction={reduction}")
    expected = cross_entropy(api, logits, [2, 1, 0], weight=(1, 2, 0.5), ignore_index=1,
                             label_smoothing=0.1, reduction=reduction)
    assert readout(page, "api-loss") == expected["loss"]
    assert readout(page, "pipeline-loss") == pytest.approx(expected["loss"], rel=1e-5)
    assert readout(page, "pipeline-row-1") == 0.0  # row 1's target is the ignored class
    assert page.locator("#step-pick").inner_text().count("ignored") == 1


def test_reduction_none_and_editing_a_logit(page, open_page, api):
    open_page("/cross-entropy?reduction=none")
    expected = cross_entropy(api, ARTICLE_LOGITS, [0, 1], reduction="none")
    assert [float(value) for value in json.loads(page.locator("[data-readout='api-loss']").get_attribute("data-value"))] \
        == expected["loss"]
    previous = update_count(page)
    page.get_by_label("logit of row 0, class 1").fill("2.5")
    page.get_by_label("logit of row 0, class 1").press("Enter")
    page.get_by_label("logit of row 0, class 1").blur()
    wait_for_update(page, previous)
    wait_settled(page)
    logits = [[1.4746, 2.5, -0.5468], ARTICLE_LOGITS[1]]
    expected = cross_entropy(api, logits, [0, 1], reduction="none")
    for row, value in enumerate(expected["loss"]):
        assert readout(page, f"api-row-{row}") == value
    assert "logits=1.4746,2.5," in page.url


def test_rows_slider_adds_a_row(page, open_page, api):
    open_page("/cross-entropy")
    previous = update_count(page)
    page.locator("#rows-input").fill("3")
    wait_for_update(page, previous)
    wait_settled(page)
    logits = ARTICLE_LOGITS + [[0.0, 0.0, 0.0]]
    assert readout(page, "api-loss") == cross_entropy(api, logits, [0, 1, 0])["loss"]
    assert page.locator("#logits-table-body tr").count() == 3


@pytest.mark.parametrize("query", [
    "p=0.5,0.9&q=1,2&unit=furlongs&reduction=max",
    "p=0.5,0.5&q=0.2,0.3,0.5&targets=0,5&smoothing=2",
    "p=a,b&logits=1,2&targets=0.5&weights=1,1&ignore=7",
    "p=-0.5,1.5&q=0.5,0.5&logits=1,2,3&targets=0,1",
])
def test_bad_url_values_fall_back_to_defaults(page, open_page, api, query):
    open_page(f"/cross-entropy?{query}")
    p, q = assert_information_matches_api(page, api)
    assert p == ENTROPY_EXAMPLE and q == DEFAULT_Q
    assert page.locator('input[name="unit"][value="nats"]').is_checked()
    assert readout(page, "api-loss") == cross_entropy(api, ARTICLE_LOGITS, [0, 1])["loss"]


def test_phone_width_has_no_horizontal_scroll(page, open_page):
    page.set_viewport_size({"width": 375, "height": 740})
    open_page("/cross-entropy")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_zero_prediction_for_a_possible_outcome_gives_infinite_cross_entropy(page, open_page, api):
    open_page("/cross-entropy?q=0,0.6,0.4")
    expected = information(api, ENTROPY_EXAMPLE, [0, 0.6, 0.4])
    assert expected["cross_entropy"] == expected["kl_divergence"] == "Infinity"
    assert readout(page, "cross-entropy") == readout(page, "kl-divergence") == float("inf")
    assert readout(page, "entropy") == expected["entropy"]
    assert page.locator("[data-readout='cross-entropy']").inner_text() == "∞ nats"
