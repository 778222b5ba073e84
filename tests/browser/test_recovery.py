"""A page survives its server going away: it shows the failure, then recovers on the next input.

Each test runs its own uvicorn server (so it can stop it) on a fixed free port,
opens a page, finds a handle or slider whose move asks the API, stops the server with
SIGTERM, moves it with the keyboard (the request fails: #error-banner appears), starts
the server again on the same port and moves it once more: the banner goes away and
the plots update again. The only console errors allowed are the browser's own
reports of the refused connection.
"""

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.browser.conftest import PROJECT_ROOT, free_port, wait_ready, wait_settled

# /margins is left out: it fetches its curves once at load and answers every later input
# in the browser, so no input of it can meet a stopped server.
PAGES_ASKING_THE_SERVER_ON_INPUT = ["/regression", "/activations", "/bce", "/cross-entropy", "/learning"]
# What Chromium logs by itself for a request to a stopped server.
EXPECTED_NETWORK_ERRORS = ("ERR_CONNECTION_REFUSED", "Failed to fetch", "Failed to load resource")


class RestartableServer:
    """uvicorn on one fixed 127.0.0.1 port that can be stopped and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning"],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONWARNINGS": "default"},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the recovery test server exited early"
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the recovery test server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def restartable_server():
    server = RestartableServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def recovering_page(browser, restartable_server):
    """A tab on the restartable server; fails the test on page errors or unexpected console errors."""
    page = browser.new_page()
    page.set_default_timeout(10_000)
    unexpected: list[str] = []
    off_host: list[str] = []

    def on_console(message):
        if message.type == "error" and not any(text in message.text for text in EXPECTED_NETWORK_ERRORS):
            unexpected.append(message.text)

    def on_request(request):
        if request.url.startswith(("http://", "https://")) and not request.url.startswith(restartable_server.url):
            off_host.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: unexpected.append(f"page error: {error}"))
    page.on("request", on_request)
    try:
        yield page
    finally:
        page.close()
    assert not unexpected, unexpected
    assert not off_host, off_host


def counter(page, name: str) -> int:
    return int(page.evaluate(f"Number(document.body.dataset.{name} || 0)"))


def wait_for_counter(page, name: str, above: int, timeout_seconds: float = 10.0) -> bool:
    """Poll until body[data-<name>] exceeds `above` and no update is pending; False on timeout.

    Polls with page.evaluate: page.wait_for_function evaluates a string, which the
    pages' CSP (no 'unsafe-eval') may refuse.
    """
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        value, settled = page.evaluate(
            f"() => [Number(document.body.dataset.{name} || 0), document.body.dataset.settled]"
        )
        if value > above and settled == "true":
            return True
        page.wait_for_timeout(20)
    return False


def find_input_that_asks_the_server(page):
    """The first handle or range slider whose ArrowRight sends an API request (some only repaint)."""
    api_requests: list[str] = []
    page.on("request", lambda request: api_requests.append(request.url) if "/api/" in request.url else None)
    candidates = page.locator("[data-handle], input[type=range]")
    for index in range(candidates.count()):
        candidate = candidates.nth(index)
        if not (candidate.is_visible() and candidate.is_enabled()):
            continue
        api_requests.clear()
        previous = counter(page, "updates")
        candidate.focus()
        candidate.press("ArrowRight")
        if not wait_for_counter(page, "updates", previous, timeout_seconds=3.0):
            continue  # this control changes nothing right now (e.g. a soft target while the target is 0/1)
        if api_requests:
            return candidate
    raise AssertionError("no handle or slider on this page sends a request")


@pytest.mark.browser
@pytest.mark.timeout(120)
@pytest.mark.parametrize("path", PAGES_ASKING_THE_SERVER_ON_INPUT)
def test_page_shows_the_failure_and_recovers_when_the_server_returns(recovering_page, restartable_server, path):
    page = recovering_page
    page.goto(f"{restartable_server.url}{path}")
    wait_ready(page)
    wait_settled(page)
    banner = page.locator("#error-banner")
    control = find_input_that_asks_the_server(page)
    assert banner.is_hidden()
    errors_before = counter(page, "errors")

    restartable_server.stop()
    control.press("ArrowRight")
    assert wait_for_counter(page, "errors", errors_before), "the failed request was not reported"
    assert banner.is_visible()
    assert banner.inner_text().strip(), "the error banner is empty"
    assert page.get_by_role("alert").filter(has_text=banner.inner_text().strip()).count() == 1

    restartable_server.start()
    updates_before = counter(page, "updates")
    control.press("ArrowRight")
    assert wait_for_counter(page, "updates", updates_before), "no update after the server came back"
    assert banner.is_hidden()
    assert counter(page, "errors") == errors_before + 1
    # The page is fully back: one more input updates it again, with no new error.
    control.press("ArrowRight")
    assert wait_for_counter(page, "updates", updates_before + 1), "no second update after the server came back"
    assert banner.is_hidden()
