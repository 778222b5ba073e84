"""The shared ES modules, run in real Chromium: URL state, snapping, API decoding, CSV, touch drags.

The modules are imported into a live page with import(), exactly as the pages import them.
"""

import pytest

from tests.browser.conftest import handle_value, readout, update_count, wait_for_update

pytestmark = pytest.mark.browser


def run_module(page, module: str, body: str, argument=None):
    """Import /static/js/shared/<module> in the page and run `body` with it bound to `m`."""
    return page.evaluate(
        f"async (argument) => {{ const m = await import('/static/js/shared/{module}'); {body} }}",
        argument,
    )


SCHEMA = """[
  {name: "x", type: "number", default: 1.5, min: -3, max: 3},
  {name: "n", type: "integer", default: 4, min: 1, max: 10},
  {name: "kind", type: "choice", default: "mean", choices: ["none", "mean", "sum"]},
  {name: "flag", type: "boolean", default: false},
  {name: "v", type: "numbers", default: [1, 2], min: 0, max: 5, length: [2, 3]},
]"""


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("", {"x": 1.5, "n": 4, "kind": "mean", "flag": False, "v": [1, 2]}),
        ("?x=-2.25&n=7&kind=sum&flag=1&v=0,4.5,5", {"x": -2.25, "n": 7, "kind": "sum", "flag": True, "v": [0, 4.5, 5]}),
        ("?x=4&n=2.5&kind=max&flag=maybe&v=1", {"x": 1.5, "n": 4, "kind": "mean", "flag": False, "v": [1, 2]}),
        ("?x=NaN&n=&kind=&v=1,2,3,4&other=9", {"x": 1.5, "n": 4, "kind": "mean", "flag": False, "v": [1, 2]}),
        ("?x=1e999&v=1,-1&flag=false", {"x": 1.5, "n": 4, "kind": "mean", "flag": False, "v": [1, 2]}),
    ],
)
def test_url_state_reads_good_values_and_falls_back_on_bad_ones(open_page, search, expected):
    page = open_page(f"/margins{search}")
    state = run_module(page, "url-state.js", f"return m.createUrlState({SCHEMA}).read();")
    assert state == expected


def test_url_state_writes_only_non_default_values(open_page):
    page = open_page("/margins")
    search = run_module(
        page,
        "url-state.js",
        f"""const table = m.createUrlState({SCHEMA});
        table.write({{x: 0.1, n: 4, kind: "sum", flag: true, v: [1, 2]}});
        const written = location.search;
        table.write(table.defaults());
        return [written, location.search];""",
    )
    assert search == ["?x=0.1&kind=sum&flag=1", ""]


@pytest.mark.parametrize(
    ("value", "bounds", "expected"),
    [
        (0.123456, {"min": -3, "max": 3, "step": 0.01}, 0.12),
        (0.30000000000000004, {"min": 0, "max": 1, "step": 0.1}, 0.3),
        (7, {"min": -3, "max": 3, "step": 0.01}, 3),
        (-1.26, {"min": -5, "max": 5, "step": 0.05}, -1.25),
        (17.4, {"min": 0, "max": 300, "step": 1}, 17),
    ],
)
def test_snap_value_rounds_to_the_step_grid_and_clamps(open_page, value, bounds, expected):
    page = open_page("/margins")
    assert run_module(page, "drag.js", "return m.snapValue(argument[0], argument[1]);", [value, bounds]) == expected


def test_api_client_decodes_non_finite_numbers_and_raises_api_errors(open_page):
    page = open_page("/margins")
    decoded = run_module(
        page,
        "api.js",
        """const value = m.decodeNonFinite({a: ["NaN", "Infinity", "-Infinity", 1, "text"], b: {c: "Infinity"}});
        return [Number.isNaN(value.a[0]), value.a[1] === Infinity, value.a[2] === -Infinity, value.a[3], value.a[4], value.b.c === Infinity];""",
    )
    assert decoded == [True, True, True, 1, "text", True]
    error = run_module(
        page,
        "api.js",
        """try { await m.getJson("/api/v1/losses/no_such_loss"); return null; }
        catch (error) { return [error.name, error.status, error.message.length > 0, Array.isArray(error.details)]; }""",
    )
    assert error == ["ApiError", 404, True, True]
    # Chromium logs the expected 404 itself; nothing else may have gone wrong.
    page.problems.console_errors[:] = [text for text in page.problems.console_errors if "no_such_loss" not in text]


def test_api_client_sends_and_decodes_a_post(open_page, api):
    page = open_page("/margins")
    answer = run_module(page, "api.js", 'return await m.postJson("/api/v1/losses/mse_loss/evaluate", {input: [0, 1], target: [1, 3]});')
    assert answer == api.post("/api/v1/losses/mse_loss/evaluate", json={"input": [0, 1], "target": [1, 3]}).json()


def test_csv_and_json_downloads_keep_every_value(open_page):
    page = open_page("/margins")
    texts = run_module(
        page,
        "download.js",
        """return [m.toCsv({x: [1, 2, 3], "loss, total": [0.5, NaN, Infinity], short: [7]}), m.toJson({v: [1, -Infinity]})];""",
    )
    assert texts[0] == 'x,"loss, total",short\n1,0.5,7\n2,NaN,\n3,Infinity,\n'
    assert texts[1] == '{\n  "v": [\n    1,\n    "-Infinity"\n  ]\n}\n'


def test_download_button_saves_the_plot_data_as_csv(open_page):
    page = open_page("/margins")
    with page.expect_download() as download_info:
        page.locator('[data-downloads-for="margin-plot"] button[data-download="csv"]').click()
    download = download_info.value
    assert download.suggested_filename == "margin-losses.csv"
    with open(download.path(), encoding="utf-8") as saved:
        lines = saved.read().splitlines()
    assert lines[0].startswith("margin,loss_zero_one,dloss_dm_zero_one,loss_hinge")
    assert len(lines) == 1 + 601


def test_a_touch_drag_moves_a_handle(open_page):
    page = open_page("/margins")
    handle = page.locator("[data-handle='margin']")
    handle.evaluate("element => element.scrollIntoView({block: 'center'})")
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    session = page.context.new_cdp_session(page)
    session.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    before = update_count(page)
    session.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 6):
        session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x + 20 * step, "y": y}]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    wait_for_update(page, before)
    assert handle_value(page, "margin") > 0.5
    assert readout(page, "margin") == handle_value(page, "margin")


def test_each_update_is_recorded_as_a_user_timing_measure(open_page):
    page = open_page("/margins")
    before = update_count(page)
    page.locator("[data-handle='margin']").focus()
    page.keyboard.press("ArrowRight")
    wait_for_update(page, before)
    measures = page.evaluate("performance.getEntriesByName('loss-lab:update').map((entry) => entry.duration)")
    assert len(measures) >= 1 and all(duration >= 0 for duration in measures)
    assert page.locator("#live-readout").inner_text().startswith("At margin 0.51")
