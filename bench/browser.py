"""Browser benchmark: drag every page's handles in headless Chromium and time the updates.

For each interactive page (found by its [data-handle] elements) this script
  - loads the page 5 times, each in a fresh browser context (cold cache), and records the
    median DOMContentLoaded, first render (body[data-ready]) and bytes transferred
    (JavaScript and total, from Resource Timing transferSize);
  - drags the page's handles with the mouse, 100+ drags of several 16 ms pointer moves each,
    alternating direction so handles stay in range;
  - reads the User Timing measures "loss-lab:update" (input event -> plots repainted) and
    prints their count, p50 and p95.

Targets (issue 4): p50 <= 25 ms, p95 <= 40 ms, JS transferred <= 600 KB, DOMContentLoaded
<= 300 ms on localhost.

Usage: .venv/bin/python bench/browser.py [--drags 120] [--pages /regression /bce] [--url http://127.0.0.1:8000]
Without --url it starts its own uvicorn on a free 127.0.0.1 port.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
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
INTERACTIVE_PAGES = ["/regression", "/activations", "/bce", "/cross-entropy", "/margins", "/learning"]
TARGETS = {"p50_ms": 25.0, "p95_ms": 40.0, "js_kb": 600.0, "dom_content_loaded_ms": 300.0}
MOVES_PER_DRAG = 6
MOVE_INTERVAL_MS = 16  # one pointer move per frame at 60 Hz
DRAG_DISTANCE_PX = 36

LOAD_METRICS_SCRIPT = """() => {
  const navigation = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  const isScript = (entry) => entry.initiatorType === "script" || /\\.m?js(\\?|$)/.test(entry.name);
  const sum = (entries) => entries.reduce((total, entry) => total + (entry.transferSize || 0), 0);
  return {
    domContentLoaded: navigation.domContentLoadedEventEnd - navigation.startTime,
    firstRender: (performance.getEntriesByName("loss-lab:first-render")[0] || { startTime: NaN }).startTime,
    load: navigation.loadEventEnd - navigation.startTime,
    jsBytes: sum(resources.filter(isScript)),
    totalBytes: sum(resources) + (navigation.transferSize || 0),
    requests: resources.length + 1,
  };
}"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    """Start uvicorn on a free port and wait until it answers; returns (process, base URL)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with code {process.returncode}")
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=1).status_code == 200:
                return process, base_url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("uvicorn did not start within 30 s")


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile of `values` (linear interpolation), NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def measure_load(browser, url: str, repeats: int = 1) -> dict:
    """Load `url` `repeats` times, each in a fresh context (cold cache); median of each metric."""
    samples = []
    for _ in range(repeats):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_selector("body[data-ready='true']", state="attached", timeout=20_000)
        samples.append(page.evaluate(LOAD_METRICS_SCRIPT))
        context.close()
    return {key: statistics.median(sample[key] for sample in samples) for key in samples[0]}


def drag_once(page, handle, direction: int) -> bool:
    """One mouse drag of `handle` by DRAG_DISTANCE_PX along its orientation; False if not draggable."""
    handle.evaluate("element => element.scrollIntoView({block: 'center', inline: 'center'})")
    box = handle.bounding_box()
    if box is None:
        return False
    x = box["x"] + box["width"] / 2
    y = box["y"] + box["height"] / 2
    horizontal = handle.get_attribute("aria-orientation") != "vertical"
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, MOVES_PER_DRAG + 1):
        offset = direction * DRAG_DISTANCE_PX * step / MOVES_PER_DRAG
        page.mouse.move(x + offset if horizontal else x, y if horizontal else y - offset)
        page.wait_for_timeout(MOVE_INTERVAL_MS)
    page.mouse.up()
    return True


def bench_drags(browser, url: str, drags: int) -> dict:
    """Drag the page's handles `drags` times and return the loss-lab:update durations."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(url)
    page.wait_for_selector("body[data-ready='true'][data-settled='true']", state="attached", timeout=20_000)
    handles = page.locator("[data-handle]")
    count = handles.count()
    if count == 0:
        context.close()
        return {"handles": 0, "drags": 0, "durations": [], "errors": errors}
    page.evaluate("performance.clearMeasures('loss-lab:update')")
    done = 0
    for index in range(drags):
        # Per handle, go forth then back so values stay near their defaults.
        handle = handles.nth(index % count)
        direction = 1 if (index // count) % 2 == 0 else -1
        if drag_once(page, handle, direction):
            done += 1
    page.wait_for_selector("body[data-settled='true']", state="attached", timeout=20_000)
    durations = page.evaluate("performance.getEntriesByName('loss-lab:update').map((entry) => entry.duration)")
    context.close()
    return {"handles": count, "drags": done, "durations": durations, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--drags", type=int, default=120, help="drags per page (default 120)")
    parser.add_argument("--pages", nargs="*", default=INTERACTIVE_PAGES, help="page paths to drive")
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument("--loads", type=int, default=5, help="cold loads per page for the load metrics (median; default 5)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    arguments = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    process = None
    base_url = arguments.url
    if base_url is None:
        process, base_url = start_server()
    results = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            # Warm the server (imports, first requests) so the first page is not penalised.
            measure_load(browser, f"{base_url}/")
            for path in ["/", *arguments.pages]:
                load = measure_load(browser, f"{base_url}{path}", repeats=arguments.loads)
                drag = bench_drags(browser, f"{base_url}{path}", arguments.drags) if path != "/" else None
                results.append({"path": path, "load": load, "drag": drag})
            browser.close()
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)

    header = f"{'page':<16}{'handles':>8}{'drags':>7}{'updates':>8}{'p50 ms':>8}{'p95 ms':>8}{'JS KB':>8}{'total KB':>9}{'DCL ms':>8}{'render ms':>10}  errors"
    print(header)
    print("-" * len(header))
    failures = []
    for result in results:
        load, drag = result["load"], result["drag"]
        durations = drag["durations"] if drag else []
        p50, p95 = percentile(durations, 0.5), percentile(durations, 0.95)
        js_kb, total_kb = load["jsBytes"] / 1024, load["totalBytes"] / 1024
        errors = len(drag["errors"]) if drag else 0
        print(
            f"{result['path']:<16}{(drag or {}).get('handles', 0):>8}{(drag or {}).get('drags', 0):>7}{len(durations):>8}"
            f"{p50:>8.1f}{p95:>8.1f}{js_kb:>8.0f}{total_kb:>9.0f}{load['domContentLoaded']:>8.0f}{load['firstRender']:>10.0f}  {errors}"
        )
        if drag and drag["handles"]:
            if not p50 <= TARGETS["p50_ms"]:
                failures.append(f"{result['path']}: p50 {p50:.1f} ms > {TARGETS['p50_ms']}")
            if not p95 <= TARGETS["p95_ms"]:
                failures.append(f"{result['path']}: p95 {p95:.1f} ms > {TARGETS['p95_ms']}")
        if js_kb > TARGETS["js_kb"]:
            failures.append(f"{result['path']}: JS {js_kb:.0f} KB > {TARGETS['js_kb']}")
        if load["domContentLoaded"] > TARGETS["dom_content_loaded_ms"]:
            failures.append(f"{result['path']}: DOMContentLoaded {load['domContentLoaded']:.0f} ms > {TARGETS['dom_content_loaded_ms']}")
        if errors:
            failures.append(f"{result['path']}: {errors} console/page errors: {drag['errors'][:3]}")
    all_durations = [duration for result in results if result["drag"] for duration in result["drag"]["durations"]]
    print("-" * len(header))
    print(f"{'all pages':<16}{'':>8}{'':>7}{len(all_durations):>8}{percentile(all_durations, 0.5):>8.1f}{percentile(all_durations, 0.95):>8.1f}")
    print(f"targets: p50 <= {TARGETS['p50_ms']} ms, p95 <= {TARGETS['p95_ms']} ms, JS <= {TARGETS['js_kb']} KB, DOMContentLoaded <= {TARGETS['dom_content_loaded_ms']} ms")
    print("all targets met" if not failures else "missed: " + "; ".join(failures))
    if arguments.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
