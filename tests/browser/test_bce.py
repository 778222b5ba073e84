"""/bce in real Chromium: the float32 clamp story, the logit marker, URL state, downloads.

Every expected number is asked from the JSON API of the same server (the page must show
what the API says for the state it is in); the only hard facts are the ones the page is
about: float32 sigmoid is exactly 1 past 24·ln 2 ≈ 16.64, so the naive float32 loss for
the target 0 is clamped at exactly 100 while BCE-with-logits keeps growing like x.
"""

import json
import math
from pathlib import Path

import numpy as np
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

FLOAT32_SATURATION = 24 * math.log(2)  # 1 + e^-x rounds to 1 in float32 for x above this


def post(api, path, body):
    answer = api.post(path, json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def naive_pipeline(api, logit, target, dtype, weight=1.0):
    """sigmoid then binary_cross_entropy in `dtype`, through the API; grad w.r.t. the logit."""
    probability = post(api, "/api/v1/activations/sigmoid", {"input": [logit], "dtype": dtype})["output"][0]
    bce = post(api, "/api/v1/losses/binary_cross_entropy/evaluate", {
        "input": [probability], "target": [target], "weight": [weight], "reduction": "none", "dtype": dtype,
    })
    float_type = np.float32 if dtype == "float32" else np.float64
    upstream, s = float_type(bce["grad"][0]), float_type(probability)
    grad = float((upstream * (float_type(1) - s)) * s)  # chain rule through sigmoid, in dtype
    return {"sigmoid": probability, "loss": bce["loss"][0], "grad": grad}


def with_logits(api, logit, target, dtype, pos_weight=1.0):
    answer = post(api, "/api/v1/losses/binary_cross_entropy_with_logits/evaluate", {
        "input": [logit], "target": [target], "pos_weight": pos_weight, "reduction": "none", "dtype": dtype,
    })
    return {"loss": answer["loss"][0], "grad": answer["grad"][0]}


def assert_readouts_match_api(page, api, logit, target=0.0, pos_weight=1.0):
    """Every number of the marker table equals what the API gives for this state."""
    naive_weight = pos_weight if target == 1 else 1.0
    for dtype, short in (("float32", "float32"), ("float64", "float64")):
        naive = naive_pipeline(api, logit, target, dtype, naive_weight)
        assert readout(page, f"sigmoid-{short}") == naive["sigmoid"]
        assert readout(page, f"naive-loss-{short}") == naive["loss"]
        assert readout(page, f"naive-grad-{short}") == pytest.approx(naive["grad"], rel=1e-6, abs=1e-12)
        logits = with_logits(api, logit, target, dtype, pos_weight)
        assert readout(page, f"logits-loss-{short}") == logits["loss"]
        assert readout(page, f"logits-grad-{short}") == logits["grad"]


def test_loads_clean_and_default_marker_shows_the_clamp(page, open_page, api):
    open_page("/bce")
    assert handle_value(page, "logit") == 20
    assert readout(page, "sigmoid-float32") == 1.0
    assert readout(page, "naive-loss-float32") == 100.0
    assert readout(page, "naive-grad-float32") == 0.0
    assert readout(page, "logits-loss-float64") == pytest.approx(20.0 + math.log1p(math.exp(-20.0)), rel=1e-15)
    assert_readouts_match_api(page, api, 20.0)
    assert page.locator("#marker-verdict").inner_text().startswith("At x = 20.00 the float32 sigmoid is exactly 1")


def test_float32_naive_loss_sticks_at_100_past_16_64_while_with_logits_grows(page, open_page, api):
    open_page("/bce?logit=16.6")
    assert 16.6 < FLOAT32_SATURATION
    below = readout(page, "naive-loss-float32")
    assert below < 100  # not saturated yet: 1 - sigmoid(16.6) is still one float32 step
    assert below == naive_pipeline(api, 16.6, 0.0, "float32")["loss"]

    press_on_handle(page, "logit", "ArrowRight")  # 16.7 > 24 ln 2
    assert handle_value(page, "logit") == pytest.approx(16.7)
    assert readout(page, "sigmoid-float32") == 1.0
    assert readout(page, "naive-loss-float32") == 100.0
    growing = [readout(page, "logits-loss-float32")]
    assert_readouts_match_api(page, api, 16.7)

    for key in ("PageUp", "End"):  # 21.7, then 120
        press_on_handle(page, "logit", key)
        assert readout(page, "naive-loss-float32") == 100.0
        growing.append(readout(page, "logits-loss-float32"))
    assert handle_value(page, "logit") == 120
    assert growing == sorted(growing) and growing[-1] == pytest.approx(120.0)
    assert_readouts_match_api(page, api, 120.0)
    # float64 holds out to about 36.7, but at 120 it is clamped as well.
    assert readout(page, "naive-loss-float64") == 100.0


def test_for_the_target_1_float32_gives_up_below_minus_88_72(page, open_page, api):
    open_page("/bce?target=1&logit=-88")
    assert 0 < readout(page, "sigmoid-float32") < 1e-37
    assert readout(page, "naive-loss-float32") < 100
    assert_readouts_match_api(page, api, -88.0, target=1)
    press_on_handle(page, "logit", "PageDown")  # -93: e^93 overflows float32, sigmoid is 0
    assert readout(page, "sigmoid-float32") == 0.0
    assert readout(page, "naive-loss-float32") == 100.0
    assert readout(page, "logits-loss-float32") == pytest.approx(93.0)
    assert_readouts_match_api(page, api, -93.0, target=1)


def test_gradient_floor_fades_the_float64_naive_gradient_past_27_6(page, open_page, api):
    open_page("/bce?logit=30")
    naive = readout(page, "naive-grad-float64")
    # p(1 - p) ≈ e^-30 < 1e-12, so the chain rule gives about e^-30 / 1e-12 ≈ 0.094 instead of 1
    # (not exactly: 1 - p is only good to a few digits in float64 this close to 1).
    assert naive == pytest.approx(math.exp(-30) / 1e-12, rel=2e-3)
    assert readout(page, "logits-grad-float64") == pytest.approx(1.0, abs=1e-12)
    assert_readouts_match_api(page, api, 30.0)


def test_mouse_drag_moves_the_marker_and_the_readouts_follow_the_api(page, open_page, api):
    open_page("/bce")
    page.locator("[data-handle='logit']").scroll_into_view_if_needed()
    previous = update_count(page)
    drag_handle(page, "logit", -120, 0)
    wait_for_update(page, previous)
    wait_settled(page)
    logit = handle_value(page, "logit")
    assert logit < 20
    assert_readouts_match_api(page, api, logit)
    assert f"logit={logit:g}" in page.url


def test_touch_drag_moves_the_marker(page, open_page, api):
    open_page("/bce")
    previous = update_count(page)
    touch_drag_handle(page, "logit", -80, 0)
    wait_for_update(page, previous)
    wait_settled(page)
    logit = handle_value(page, "logit")
    assert logit < 20
    assert_readouts_match_api(page, api, logit)


def test_keyboard_steps_and_the_url_survives_a_reload(page, open_page, api):
    open_page("/bce")
    press_on_handle(page, "logit", "ArrowLeft", "ArrowLeft")
    press_on_handle(page, "logit", "PageDown")
    logit = handle_value(page, "logit")
    assert logit == pytest.approx(14.8)
    assert_readouts_match_api(page, api, logit)
    assert "logit=14.8" in page.url
    assert page.evaluate("performance.getEntriesByName('loss-lab:update').length") >= 1
    assert page.locator("#live-readout").inner_text().startswith("logit 14.80: naive float32 loss")
    before = {key: readout(page, key) for key in ("naive-loss-float32", "logits-loss-float64", "naive-grad-float64")}

    page.reload()
    wait_ready(page)
    wait_settled(page)
    assert handle_value(page, "logit") == pytest.approx(14.8)
    assert {key: readout(page, key) for key in before} == before


def test_target_one_and_pos_weight_from_the_controls(page, open_page, api):
    open_page("/bce?logit=-3")
    previous = update_count(page)
    page.get_by_label("1", exact=True).check()
    wait_for_update(page, previous)
    previous = update_count(page)
    slider = page.locator("#pos-weight-input")
    slider.fill("2.5")
    wait_for_update(page, previous)
    wait_settled(page)
    assert "target=1" in page.url and "pos_weight=2.5" in page.url
    # For the target 1, pos_weight reaches the naive recipe as the element weight.
    assert_readouts_match_api(page, api, -3.0, target=1, pos_weight=2.5)


def test_soft_target_with_pos_weight_matches_the_api(page, open_page, api):
    open_page("/bce?logit=3&target=0.3&pos_weight=2")
    assert page.locator('input[name="target-kind"][value="soft"]').is_checked()
    assert page.locator("#pos-weight-note").is_visible()
    assert_readouts_match_api(page, api, 3.0, target=0.3, pos_weight=2.0)


def test_clamp_readouts_past_logit_100(page, open_page, api):
    open_page("/bce?logit=120")
    q = post(api, "/api/v1/activations/sigmoid", {"input": [-120.0], "dtype": "float64"})["output"][0]
    term = post(api, "/api/v1/losses/binary_cross_entropy/evaluate",
                {"input": [q], "target": [1.0], "reduction": "none", "dtype": "float64"})["loss"][0]
    assert readout(page, "clamp-q") == q
    assert readout(page, "clamp-torch") == term == 100.0
    assert readout(page, "clamp-unclamped") == pytest.approx(120.0, rel=1e-12)


@pytest.mark.parametrize("query", [
    "logit=abc&target=7&pos_weight=-1",
    "logit=1e9&target=&pos_weight=NaN",
    "logit=Infinity&target=0,1&pos_weight=11&unknown=3",
])
def test_bad_url_values_fall_back_to_defaults(page, open_page, api, query):
    open_page(f"/bce?{query}")
    assert handle_value(page, "logit") == 20
    assert page.locator('input[name="target-kind"][value="0"]').is_checked()
    assert page.locator("#pos-weight-output").inner_text() == "1.0"
    assert_readouts_match_api(page, api, 20.0)


def test_loss_plot_data_downloads_as_csv_and_json(page, open_page):
    open_page("/bce")
    buttons = page.locator('[data-downloads-for="loss-plot"] button')
    with page.expect_download() as csv_download:
        buttons.filter(has_text="CSV").click()
    lines = Path(csv_download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "logit,naive_float32,naive_float64,logits_float32,logits_float64"
    rows = {float(line.split(",")[0]): line.split(",") for line in lines[1:]}
    assert float(rows[120.0][1]) == 100.0 and float(rows[120.0][3]) == pytest.approx(120.0)
    with page.expect_download() as json_download:
        buttons.filter(has_text="JSON").click()
    data = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert len(data["logit"]) == len(lines) - 1 == len(data["naive_float32"])


def test_phone_width_has_no_horizontal_scroll(page, open_page):
    page.set_viewport_size({"width": 375, "height": 740})
    open_page("/bce")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
