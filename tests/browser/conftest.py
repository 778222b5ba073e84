"""Browser-test fixtures: a real uvicorn server and Debian's Chromium driven by Playwright.

One server and one browser per session; each test gets a fresh context and page. The
`page` fixture fails the test on any console error, uncaught page error, or request to a
host other than the test server. Helpers wait for the page controller's signals:
`body[data-ready=true]` after the first render, `data-updates` (a counter) after each
render and `data-settled=true` once no update is pending.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SERVER_START_SECONDS = 30.0
DESKTOP_VIEWPORT = {"width": 1366, "height": 900}
# Schemes a page may use without reaching any host.
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def pytest_collection_modifyitems(config, items) -> None:
    """Run the browser tests last.

    While Playwright's sync API is active (one browser for the whole session) the main thread
    has a running asyncio loop, so a later test calling asyncio.run() would fail: every
    other test therefore runs before the first browser test starts it.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    """Start `uvicorn app.main:app` on 127.0.0.1:`port` in a child process."""
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONWARNINGS": "default"},
    )


def wait_until_serving(base_url: str, process: subprocess.Popen) -> None:
    """Poll /api/v1/health until it answers 200, or fail with what went wrong."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test server exited with code {process.returncode} before serving")
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError as error:
            last_error = error
        time.sleep(0.1)
    raise RuntimeError(f"the test server did not answer within {SERVER_START_SECONDS} s: {last_error}")


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """Base URL (http://127.0.0.1:<port>) of a real uvicorn server for the whole session."""
    port = free_port()
    process = start_server(port)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url, process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def api(server_url: str) -> Iterator[httpx.Client]:
    """An httpx client for the same server, to fetch the numbers a page should show."""
    with httpx.Client(base_url=server_url, timeout=10.0) as client:
        yield client


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, launched once per session with a fresh profile."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"the browser tests need Chromium at {CHROMIUM} (run `make browser`)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="loss-lab-chromium-") as user_data_dir, sync_playwright() as playwright:
        # Playwright keeps --user-data-dir for itself; a persistent context gives the fresh profile.
        context = playwright.chromium.launch_persistent_context(
            user_data_dir,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=DESKTOP_VIEWPORT,
        )
        try:
            yield context
        finally:
            context.close()


class PageProblems:
    """What went wrong on a page: console errors, page errors, off-host requests."""

    def __init__(self, server_url: str) -> None:
        self.server_netloc = urlsplit(server_url).netloc
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.off_host_requests: list[str] = []

    def on_request(self, request) -> None:
        url = request.url
        if url.startswith(LOCAL_SCHEMES):
            return
        if urlsplit(url).netloc != self.server_netloc:
            self.off_host_requests.append(url)

    def on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} at {message.location}")

    def on_page_error(self, error) -> None:
        self.page_errors.append(str(error))

    def summary(self) -> str:
        return (
            f"console errors: {self.console_errors}; page errors: {self.page_errors}; "
            f"off-host requests: {self.off_host_requests}"
        )

    def any(self) -> bool:
        return bool(self.console_errors or self.page_errors or self.off_host_requests)


@pytest.fixture
def page(browser, server_url: str):
    """A new page (tab) of the session's browser; the test fails on any page problem."""
    problems = PageProblems(server_url)
    new_page = browser.new_page()
    new_page.set_viewport_size(DESKTOP_VIEWPORT)
    new_page.on("request", problems.on_request)
    new_page.on("console", problems.on_console)
    new_page.on("pageerror", problems.on_page_error)
    new_page.set_default_timeout(10_000)
    new_page.problems = problems  # tests may look at it, e.g. to check a page is clean so far
    try:
        yield new_page
    finally:
        new_page.close()
    assert not problems.any(), problems.summary()


@pytest.fixture
def open_page(page, server_url: str) -> Callable[[str], object]:
    """open_page("/regression?beta=2") loads the page and waits for its first render."""

    def open_path(path: str):
        page.goto(f"{server_url}{path}")
        wait_ready(page)
        wait_settled(page)
        return page

    return open_path


def wait_ready(page) -> None:
    """Wait until the page controller has rendered once (body[data-ready=true])."""
    page.wait_for_selector("body[data-ready='true']", state="attached")


def update_count(page) -> int:
    """How many updates the page controller has rendered so far."""
    return int(page.evaluate("Number(document.body.dataset.updates || 0)"))


# page.wait_for_function polls with string evaluation, which the pages' CSP (no
# 'unsafe-eval') forbids; these helpers poll with page.evaluate or wait for selectors.
UPDATE_TIMEOUT_SECONDS = 10.0


def wait_for_update(page, previous: int) -> None:
    """Wait until more than `previous` updates have rendered and none is pending."""
    deadline = time.monotonic() + UPDATE_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        state = page.evaluate("() => [Number(document.body.dataset.updates || 0), document.body.dataset.settled]")
        if state[0] > previous and state[1] == "true":
            return
        page.wait_for_timeout(10)
    raise AssertionError(f"no update after {previous} within {UPDATE_TIMEOUT_SECONDS} s (updates, settled = {state})")


def wait_settled(page) -> None:
    """Wait until no update is pending or in flight."""
    page.wait_for_selector("body[data-settled='true']", state="attached")


def readout(page, key: str) -> float:
    """The full number behind [data-readout=key] (its data-value)."""
    value = page.locator(f"[data-readout='{key}']").first.get_attribute("data-value")
    assert value is not None, f"readout {key!r} has no data-value"
    return float(value)


def drag_handle(page, handle_id: str, dx: float, dy: float, steps: int = 8) -> None:
    """Press on the handle [data-handle=handle_id] with the mouse and drag it by (dx, dy) px."""
    handle = page.locator(f"[data-handle='{handle_id}']")
    # Mouse coordinates are viewport coordinates: bring the handle (and room to drag) into view.
    handle.evaluate("element => element.scrollIntoView({block: 'center', inline: 'center'})")
    box = handle.bounding_box()
    assert box is not None, f"handle {handle_id!r} is not laid out"
    x = box["x"] + box["width"] / 2
    y = box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=steps)
    page.mouse.up()


def handle_value(page, handle_id: str) -> float:
    """aria-valuenow of the handle [data-handle=handle_id]."""
    value = page.locator(f"[data-handle='{handle_id}']").get_attribute("aria-valuenow")
    assert value is not None
    return float(value)


def press_on_handle(page, handle_id: str, *keys: str) -> None:
    """Focus the handle's slider element and press each key in turn, then wait for the page to settle."""
    previous = update_count(page)
    slider = page.locator(f"[data-handle='{handle_id}']")
    slider.focus()
    for key in keys:
        slider.press(key)
    wait_for_update(page, previous)


def touch_drag_handle(page, handle_id: str, dx: float, dy: float, steps: int = 8) -> None:
    """Drag the handle [data-handle=handle_id] by (dx, dy) px with one finger (CDP touch events:
    Chromium turns them into pointer events of pointerType "touch")."""
    handle = page.locator(f"[data-handle='{handle_id}']")
    handle.evaluate("element => element.scrollIntoView({block: 'center', inline: 'center'})")
    box = handle.bounding_box()
    assert box is not None, f"handle {handle_id!r} is not laid out"
    x = box["x"] + box["width"] / 2
    y = box["y"] + box["height"] / 2
    session = page.context.new_cdp_session(page)
    try:
        session.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        for step in range(1, steps + 1):
            point = {"x": x + dx * step / steps, "y": y + dy * step / steps}
            session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        session.detach()
