"""/regression in real Chromium: marker, predictions and fit points by mouse and keyboard.

Every readout is checked against the API's own answer for the same state, fetched with
httpx from the same server.
"""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import (
    drag_handle,
    handle_value,
    press_on_handle,
    readout,
    update_count,
    wait_for_update,
)

pytestmark = pytest.mark.browser

LOSSES = {"l1": ("l1_loss", {}), "smooth_l1": ("smooth_l1_loss", {"beta": 1.0}), "huber": ("huber_loss", {"delta": 1.0}), "mse": ("mse_loss", {})}
TARGETS = [1.2, -0.8, 2.0, 0.4, -1.5]
FIT_X = [0, 1, 2, 3, 4, 5, 6, 7]


def close(actual: float, expected: float) -> bool:
    return actual == pytest.approx(expected, rel=1e-9, abs=1e-12)


def evaluate(api, name: str, **body) -> dict:
    answer = api.post(f"/api/v1/losses/{name}/evaluate", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def assert_marker_readouts(page, api, residual: float, beta: float = 1.0, delta: float = 1.0) -> None:
    """Loss and d loss / d r at the marker equal the API's value at (input 0, target r)."""
    options = {"smooth_l1": {"beta": beta}, "huber": {"delta": delta}}
    for key, (name, _) in LOSSES.items():
        answer = evaluate(api, name, input=0.0, target=residual, **options.get(key, {}))
        assert close(readout(page, f"loss-{key}"), answer["loss"]), key
        # The curve's derivative is along the residual r = target - input: minus d loss / d input.
        assert close(readout(page, f"grad-{key}"), -answer["grad"]), key


def predictions(page) -> list[float]:
    return [handle_value(page, f"prediction-{index}") for index in range(len(TARGETS))]


def assert_sample_readouts(page, api, prediction: list[float]) -> None:
    for key, (name, options) in LOSSES.items():
        answer = evaluate(api, name, input=prediction, target=TARGETS, reduction="none", **options)
        mean = evaluate(api, name, input=prediction, target=TARGETS, reduction="mean", **options)["loss"]
        for index in range(len(TARGETS)):
            assert close(readout(page, f"sample-{index}-loss-{key}"), answer["elementwise"][index]), (key, index)
            assert close(readout(page, f"sample-{index}-grad-{key}"), answer["grad"][index]), (key, index)
        assert close(readout(page, f"total-{key}"), mean), key
        total = sum(answer["elementwise"])
        assert close(readout(page, f"worst-share-{key}"), max(answer["elementwise"]) / total), key


def fit_points(page) -> list[float]:
    return [handle_value(page, f"point-{index}") for index in range(len(FIT_X))]


def assert_fit_readouts(page, api, y: list[float]) -> dict:
    answer = api.post("/api/v1/fit", json={"x": FIT_X, "y": y, "beta": 1.0, "delta": 1.0})
    assert answer.status_code == 200, answer.text
    fits = {fit["loss"]: fit for fit in answer.json()["fits"]}
    for key, (name, _) in LOSSES.items():
        assert close(readout(page, f"fit-slope-{key}"), fits[name]["slope"]), key
        assert close(readout(page, f"fit-intercept-{key}"), fits[name]["intercept"]), key
    return fits


def test_page_loads_with_every_handle_and_the_default_numbers(open_page, api):
    page = open_page("/regression")
    assert page.locator("[data-handle]").count() == 1 + len(TARGETS) + len(FIT_X)
    assert page.locator("math").count() >= 5  # formulas typeset as MathML
    assert handle_value(page, "residual") == 1.5
    assert_marker_readouts(page, api, 1.5)
    assert_sample_readouts(page, api, predictions(page))
    assert_fit_readouts(page, api, fit_points(page))
    assert page.locator("#live-readout").inner_text().startswith("At residual 1.5")
    assert page.locator("#error-banner").is_hidden()


def test_residual_marker_dragged_by_mouse_updates_readouts_and_url(open_page, api):
    page = open_page("/regression")
    before = update_count(page)
    drag_handle(page, "residual", dx=-150, dy=0)
    wait_for_update(page, before)
    residual = handle_value(page, "residual")
    assert residual < 1.0
    assert float(query(page)["r"][0]) == residual
    assert_marker_readouts(page, api, residual)


def test_residual_marker_moved_by_keyboard(open_page, api):
    page = open_page("/regression")
    press_on_handle(page, "residual", "ArrowRight", "ArrowRight", "ArrowRight")
    assert handle_value(page, "residual") == pytest.approx(1.53)
    press_on_handle(page, "residual", "PageDown")
    assert handle_value(page, "residual") == pytest.approx(1.28)
    assert_marker_readouts(page, api, 1.28)
    press_on_handle(page, "residual", "Home")
    assert handle_value(page, "residual") == -3
    assert_marker_readouts(page, api, -3.0)
    assert float(query(page)["r"][0]) == -3


def test_prediction_dragged_by_mouse_into_an_outlier_makes_l2_lean_on_it(open_page, api):
    page = open_page("/regression")
    before = update_count(page)
    drag_handle(page, "prediction-0", dx=0, dy=-60)
    wait_for_update(page, before)
    prediction = predictions(page)
    assert prediction[0] > 1.5
    assert [float(value) for value in query(page)["pred"][0].split(",")] == prediction
    assert_sample_readouts(page, api, prediction)
    # The worst sample carries a larger share of the L2 total than of the L1 total.
    assert readout(page, "worst-share-mse") > readout(page, "worst-share-l1")


def test_prediction_moved_by_keyboard(open_page, api):
    page = open_page("/regression")
    press_on_handle(page, "prediction-2", "ArrowDown", "ArrowDown")
    assert handle_value(page, "prediction-2") == pytest.approx(1.5)
    press_on_handle(page, "prediction-2", "PageUp")
    assert handle_value(page, "prediction-2") == pytest.approx(2.0)
    assert_sample_readouts(page, api, predictions(page))


def test_fit_point_moved_by_mouse_and_keyboard(open_page, api):
    page = open_page("/regression")
    before = update_count(page)
    drag_handle(page, "point-3", dx=0, dy=-120)
    wait_for_update(page, before)
    assert handle_value(page, "point-3") > 3.2
    assert_fit_readouts(page, api, fit_points(page))
    press_on_handle(page, "point-6", "End")
    assert handle_value(page, "point-6") == 14
    fits = assert_fit_readouts(page, api, fit_points(page))
    # The outlier at x = 6 pulls the L2 line harder than the L1 line.
    assert fits["mse_loss"]["slope"] > fits["l1_loss"]["slope"]


def test_beta_and_delta_sliders_change_the_curves(open_page, api):
    page = open_page("/regression")
    before = update_count(page)
    page.locator("#beta-input").fill("2")
    wait_for_update(page, before)
    before = update_count(page)
    page.locator("#delta-input").fill("0.5")
    wait_for_update(page, before)
    assert page.locator("#beta-output").inner_text() == "2"
    assert query(page)["beta"] == ["2"] and query(page)["delta"] == ["0.5"]
    assert_marker_readouts(page, api, 1.5, beta=2.0, delta=0.5)


def test_reload_restores_the_whole_state(open_page, api):
    page = open_page("/regression")
    press_on_handle(page, "residual", "PageUp")
    press_on_handle(page, "prediction-1", "PageUp")
    press_on_handle(page, "point-0", "PageUp")
    url = page.url
    values = {key: readout(page, key) for key in ("loss-mse", "total-mse", "fit-slope-mse")}
    page.reload()
    page.wait_for_selector("body[data-ready='true'][data-settled='true']", state="attached")
    assert page.url == url
    assert handle_value(page, "residual") == pytest.approx(1.75)
    assert handle_value(page, "prediction-1") == pytest.approx(-0.6)
    assert handle_value(page, "point-0") == pytest.approx(2.2)
    assert {key: readout(page, key) for key in values} == values


@pytest.mark.parametrize(
    "search",
    ["?r=abc&beta=-5&delta=1e999&pred=1,2&fy=x,y&unknown=3", "?r=99&pred=1,2,3,4,NaN&fy=&beta=", "?pred=%E2%88%9E,,,,"],
)
def test_bad_url_values_fall_back_to_defaults(open_page, api, search):
    page = open_page(f"/regression{search}")
    assert handle_value(page, "residual") == 1.5
    assert page.locator("#beta-input").input_value() == "1"
    assert predictions(page) == [1.5, -1.1, 1.6, 0.9, 1.5]
    assert_marker_readouts(page, api, 1.5)
    assert page.locator("#error-banner").is_hidden()
