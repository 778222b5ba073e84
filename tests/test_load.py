"""A 20-second run of bench/load.py: the API and page mix at 64 connections, with no error at all.

The bench starts its own uvicorn server on a free 127.0.0.1 port and stops it with
SIGTERM; this test only reads its JSON report.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
LOAD_SECONDS = 20
CONNECTIONS = 64


@pytest.fixture(scope="module")
def load_report(tmp_path_factory):
    report_path = tmp_path_factory.mktemp("load") / "report.json"
    completed = subprocess.run(
        [
            sys.executable, "bench/load.py",
            "--duration", str(LOAD_SECONDS),
            "--connections", str(CONNECTIONS),
            "--json", str(report_path),
        ],
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        timeout=LOAD_SECONDS + 120,
    )
    assert report_path.exists(), f"bench/load.py wrote no report:\n{completed.stdout}\n{completed.stderr}"
    report = json.loads(report_path.read_text())
    report["printed"] = completed.stdout
    return report


@pytest.mark.timeout(LOAD_SECONDS + 180)
def test_load_mix_has_no_errors_and_no_5xx(load_report):
    assert load_report["status_5xx"] == 0, load_report["printed"]
    assert load_report["errors"] == 0, load_report["printed"]
    assert load_report["warmup_errors"] == 0, load_report["printed"]


@pytest.mark.timeout(LOAD_SECONDS + 180)
def test_load_mix_covers_api_pages_and_static_files(load_report):
    kinds = load_report["per_kind"]
    for kind in ("health", "losses", "curve", "evaluate", "activations", "information", "fit", "train", "page",
                 "static"):
        assert kinds.get(kind, {}).get("requests", 0) > 0, f"no {kind} requests were sent"
    assert load_report["connections"] == CONNECTIONS
    assert load_report["seconds"] >= LOAD_SECONDS - 1
    # The bench reports real figures: a throughput and ordered latency percentiles.
    assert load_report["throughput_per_second"] > 0
    assert 0 < load_report["p50_ms"] <= load_report["p99_ms"]
    assert load_report["rss_start_mib"] > 0 and load_report["rss_end_mib"] > 0
    assert len(load_report["rss_samples_mib"]) >= 5


@pytest.mark.timeout(LOAD_SECONDS + 180)
def test_server_memory_grows_less_than_ten_percent_under_load(load_report):
    assert load_report["rss_growth_percent"] < 10, load_report["printed"]


@pytest.mark.timeout(LOAD_SECONDS + 180)
def test_server_stopped_gracefully_after_the_run(load_report):
    # uvicorn re-raises SIGTERM after a clean shutdown, so the exit is either 0 or -SIGTERM.
    assert load_report["server_exit_code"] in (0, -15), load_report["server_log_tail"]
    assert "Traceback" not in load_report["server_log_tail"]
