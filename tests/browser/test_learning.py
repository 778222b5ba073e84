"""/learning in real Chromium: epoch, start-z and p markers, the coin tosses, readouts against the API."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import (
    drag_handle,
    handle_value,
    press_on_handle,
    readout,
    update_count,
    wait_for_update,
    wait_settled,
)

pytestmark = pytest.mark.browser

DEFAULT_COINS = [1, 1, 0, 1, 1, 1, 0, 1, 0, 1]


def close(actual: float, expected: float) -> bool:
    return actual == pytest.approx(expected, rel=1e-9, abs=1e-12)


def train(api, w0=2.0, b0=2.0, y=0.0, learning_rate=0.15, epochs=300) -> dict:
    answer = api.post("/api/v1/train/neuron", json={"x": 1.0, "y": y, "w0": w0, "b0": b0, "learning_rate": learning_rate, "epochs": epochs})
    assert answer.status_code == 200, answer.text
    return answer.json()


def assert_epoch_readouts(page, training: dict, epoch: int) -> None:
    for key, run in (("mse", training["mse"]), ("ce", training["cross_entropy"])):
        assert close(readout(page, f"loss-{key}"), run["loss"][epoch]), key
        assert close(readout(page, f"w-{key}"), run["w"][epoch]), key
        assert close(readout(page, f"b-{key}"), run["b"][epoch]), key


def assert_factor_readouts(page, api, z: float, y: float) -> None:
    answer = api.post("/api/v1/activations/sigmoid", json={"input": z})
    assert answer.status_code == 200, answer.text
    output = answer.json()["output"]
    assert close(readout(page, "start-z"), z)
    assert close(readout(page, "factor-ce"), output - y)
    assert close(readout(page, "factor-mse"), (output - y) * output * (1 - output))


def coins(page) -> list[int]:
    buttons = page.locator("#coins button")
    return [1 if buttons.nth(index).get_attribute("aria-pressed") == "true" else 0 for index in range(buttons.count())]


def assert_likelihood_readouts(page, api, tosses: list[int], p: float) -> None:
    answer = api.post(
        "/api/v1/losses/binary_cross_entropy/evaluate",
        json={"input": [p] * len(tosses), "target": [float(toss) for toss in tosses], "reduction": "sum"},
    )
    assert answer.status_code == 200, answer.text
    assert close(readout(page, "nll"), answer.json()["loss"])
    mean = sum(tosses) / len(tosses)
    assert readout(page, "sample-mean") == pytest.approx(mean)
    # The curve's minimum sits at the sample mean (to the curve's grid step of 0.001).
    assert abs(readout(page, "nll-argmin") - min(max(mean, 0.001), 0.999)) <= 0.0005 + 1e-12


def url_query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_page_loads_with_the_saturated_start(open_page, api):
    page = open_page("/learning")
    assert page.locator("[data-handle]").count() == 3
    assert handle_value(page, "epoch") == 100
    training = train(api)
    assert_epoch_readouts(page, training, 100)
    # Saturated and wrong: after 100 epochs the quadratic cost has barely moved, cross-entropy has collapsed.
    assert readout(page, "loss-mse") > 0.9 * training["mse"]["loss"][0]
    assert readout(page, "loss-ce") < 0.1 * training["cross_entropy"]["loss"][0]
    assert_factor_readouts(page, api, 4.0, 0.0)
    assert coins(page) == DEFAULT_COINS
    assert_likelihood_readouts(page, api, DEFAULT_COINS, 0.5)


def test_epoch_marker_by_mouse_and_keyboard(open_page, api):
    page = open_page("/learning")
    before = update_count(page)
    drag_handle(page, "epoch", dx=250, dy=0)
    wait_for_update(page, before)
    epoch = int(handle_value(page, "epoch"))
    assert epoch > 100
    training = train(api)
    assert_epoch_readouts(page, training, epoch)
    press_on_handle(page, "epoch", "Home")
    assert handle_value(page, "epoch") == 0
    assert_epoch_readouts(page, training, 0)
    press_on_handle(page, "epoch", "PageUp", "ArrowRight")
    assert handle_value(page, "epoch") == 11
    assert_epoch_readouts(page, training, 11)
    assert url_query(page)["e"] == ["11"]


def test_start_z_marker_moves_the_bias_and_retrains(open_page, api):
    page = open_page("/learning")
    press_on_handle(page, "start-z", "PageDown", "PageDown", "ArrowDown")
    assert handle_value(page, "start-z") == pytest.approx(1.9)
    assert url_query(page)["b0"] == ["-0.1"]
    assert page.locator("#b0-input").input_value() == "-0.1"
    assert_factor_readouts(page, api, 1.9, 0.0)
    assert_epoch_readouts(page, train(api, b0=-0.1), 100)
    before = update_count(page)
    drag_handle(page, "start-z", dx=-120, dy=0)
    wait_for_update(page, before)
    z = handle_value(page, "start-z")
    assert z < 1.9
    assert_factor_readouts(page, api, z, 0.0)


def test_target_and_sliders_change_the_training(open_page, api):
    page = open_page("/learning")
    before = update_count(page)
    page.locator("#target-choice input[value='1']").check()
    wait_for_update(page, before)
    before = update_count(page)
    page.locator("#lr-input").fill("0.5")
    wait_for_update(page, before)
    assert_epoch_readouts(page, train(api, y=1.0, learning_rate=0.5), 100)
    assert_factor_readouts(page, api, 4.0, 1.0)


def test_coins_toggle_by_click_and_keyboard(open_page, api):
    page = open_page("/learning")
    before = update_count(page)
    page.locator("#coins button").nth(2).click()
    wait_for_update(page, before)
    expected = DEFAULT_COINS.copy()
    expected[2] = 1
    assert coins(page) == expected
    before = update_count(page)
    page.locator("#coins button").nth(0).focus()
    page.keyboard.press("Space")
    wait_for_update(page, before)
    expected[0] = 0
    assert coins(page) == expected
    press_on_handle(page, "p", "PageUp", "PageUp", "ArrowRight")
    assert handle_value(page, "p") == pytest.approx(0.71)
    assert_likelihood_readouts(page, api, expected, 0.71)
    before = update_count(page)
    page.locator("#remove-toss").click()
    wait_for_update(page, before)
    assert coins(page) == expected[:-1]
    assert_likelihood_readouts(page, api, expected[:-1], 0.71)
    assert url_query(page)["coins"] == [",".join(str(toss) for toss in expected[:-1])]


def test_reload_restores_the_whole_state(open_page, api):
    page = open_page("/learning")
    press_on_handle(page, "epoch", "PageUp")
    press_on_handle(page, "p", "End")
    page.locator("#coins button").nth(1).click()
    wait_settled(page)
    url = page.url
    page.reload()
    page.wait_for_selector("body[data-ready='true'][data-settled='true']", state="attached")
    assert page.url == url
    assert handle_value(page, "epoch") == 110
    assert handle_value(page, "p") == 0.99
    tosses = DEFAULT_COINS.copy()
    tosses[1] = 0
    assert coins(page) == tosses
    assert_epoch_readouts(page, train(api), 110)
    assert_likelihood_readouts(page, api, tosses, 0.99)


@pytest.mark.parametrize("search", ["?coins=1,2,0&e=5000&p=0&y=7", "?w0=abc&b0=&lr=-1&epochs=3.5&coins=", "?e=-1&p=NaN&zzz=1"])
def test_bad_url_values_fall_back_to_defaults(open_page, api, search):
    page = open_page(f"/learning{search}")
    assert handle_value(page, "epoch") == 100
    assert handle_value(page, "p") == 0.5
    assert coins(page) == DEFAULT_COINS
    assert_epoch_readouts(page, train(api), 100)
    assert page.locator("#error-banner").is_hidden()
