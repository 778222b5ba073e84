"""Load and soak test: the API and page mix at N concurrent connections against a real server.

Starts `uvicorn app.main:app` on a free 127.0.0.1 port (nothing else is ever a
target), warms it up, then keeps `--connections` keep-alive connections busy with a
fixed, weighted mix of requests (health, catalog, curve, evaluate, activations,
information, fit, neuron training, the HTML pages and the static files the home page
links to) until `--duration` seconds have passed or `--max-requests` were sent. It
reports throughput, p50/p99 latency (overall and per request kind), transport
errors, unexpected statuses (4xx and 5xx) and the server's resident memory (RSS,
summed over the uvicorn process and its workers) at the start and at the end of the
measured run. The server is stopped with SIGTERM at the end.

    .venv/bin/python bench/load.py --duration 20            # the make-test run
    .venv/bin/python bench/load.py --duration 600 --json soak.json

The client runs on the same machine as the server, so on 2 cores throughput is
bounded by both; the figures compare runs on one machine, not absolute capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
REQUEST_TIMEOUT_SECONDS = 10.0
STARTUP_TIMEOUT_SECONDS = 30.0
PAGE_PATHS = ["/", "/regression", "/activations", "/bce", "/cross-entropy", "/margins", "/learning"]


@dataclass(frozen=True)
class RequestSpec:
    """One request of the mix: a kind (for per-kind latency), method, path, query, JSON body."""

    kind: str
    method: str
    path: str
    params: dict | None = None
    body: dict | None = None


def api_mix() -> list[tuple[RequestSpec, int]]:
    """The JSON API part of the mix, each request with its weight (how often it recurs)."""
    return [
        (RequestSpec("health", "GET", "/api/v1/health"), 4),
        (RequestSpec("losses", "GET", "/api/v1/losses"), 2),
        (
            RequestSpec(
                "curve",
                "GET",
                "/api/v1/losses/smooth_l1_loss/curve",
                params={"start": -3, "stop": 3, "num": 601, "beta": 1.0},
            ),
            6,
        ),
        (
            RequestSpec(
                "curve",
                "GET",
                "/api/v1/losses/binary_cross_entropy_with_logits/curve",
                params={"start": -120, "stop": 120, "num": 2001, "dtype": "float32"},
            ),
            2,
        ),
        (
            RequestSpec(
                "evaluate",
                "POST",
                "/api/v1/losses/mse_loss/evaluate",
                body={"input": [0.5, 1.5, -2.0, 4.0], "target": [0.0, 1.0, -1.0, 0.0]},
            ),
            6,
        ),
        (
            RequestSpec(
                "evaluate",
                "POST",
                "/api/v1/losses/cross_entropy/evaluate",
                body={
                    "input": [[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]],
                    "target": [1, 2],
                    "label_smoothing": 0.1,
                    "dtype": "float32",
                },
            ),
            4,
        ),
        (
            RequestSpec(
                "activations",
                "POST",
                "/api/v1/activations/softmax",
                body={"input": [2.0, 1.0, 0.1, -1.0], "temperature": 1.5},
            ),
            3,
        ),
        (
            RequestSpec(
                "information",
                "POST",
                "/api/v1/information",
                body={"p": [0.5, 0.3, 0.2], "q": [0.2, 0.5, 0.3], "base": "2"},
            ),
            2,
        ),
        (
            RequestSpec(
                "fit",
                "POST",
                "/api/v1/fit",
                body={"x": [0, 1, 2, 3, 4, 5, 6, 7], "y": [0.1, 1.1, 1.9, 3.2, 4.0, 5.1, 6.0, 20.0]},
            ),
            2,
        ),
        (
            RequestSpec(
                "train",
                "POST",
                "/api/v1/train/neuron",
                body={"x": 1.0, "y": 0.0, "w0": 2.0, "b0": 2.0, "learning_rate": 0.15, "epochs": 300},
            ),
            1,
        ),
    ]


def page_mix(static_paths: list[str]) -> list[tuple[RequestSpec, int]]:
    """The HTML pages, and the static files the home page links to (with their ?v= hash)."""
    pages = [(RequestSpec("page", "GET", path), 1) for path in PAGE_PATHS]
    static = [(RequestSpec("static", "GET", path), 1) for path in static_paths]
    return pages + static


def weighted_cycle(mix: list[tuple[RequestSpec, int]]) -> list[RequestSpec]:
    """Interleave the mix into one round: each request appears `weight` times, spread out."""
    round_ = []
    for pass_number in range(max(weight for _, weight in mix)):
        round_.extend(spec for spec, weight in mix if weight > pass_number)
    return round_


def find_free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def process_tree_rss_bytes(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (Linux)."""
    total = 0
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            total += int(match.group(1)) * 1024
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                pending.extend(int(child) for child in task.read_text().split())
            except FileNotFoundError:
                continue
    return total


class Server:
    """A uvicorn subprocess serving app.main:app on a free loopback port."""

    def __init__(self, workers: int = 1, extra_environment: dict[str, str] | None = None) -> None:
        self.port = find_free_port()
        self.base_url = f"http://{LOOPBACK}:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "app.main:app",
                "--host", LOOPBACK, "--port", str(self.port),
                "--workers", str(workers),
                "--no-access-log", "--log-level", "warning",
            ],
            cwd=REPOSITORY_ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(extra_environment or {})},
        )

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                if httpx.get(f"{self.base_url}/api/v1/health", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not answer /api/v1/health within {STARTUP_TIMEOUT_SECONDS} s")

    def rss_bytes(self) -> int:
        return process_tree_rss_bytes(self.process.pid)

    def stop(self, timeout_seconds: float = 15.0) -> int:
        """SIGTERM, wait for a graceful exit (kill after `timeout_seconds`); the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout_seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def log_text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


@dataclass
class Tally:
    """What the clients saw: latencies per kind, errors and unexpected statuses."""

    latencies_by_kind: dict[str, list[float]] = field(default_factory=dict)
    transport_errors: int = 0
    status_4xx: int = 0
    status_5xx: int = 0
    stale_retries: int = 0
    examples: list[str] = field(default_factory=list)

    def record(self, spec: RequestSpec, seconds: float, status: int | None, problem: str | None) -> None:
        self.latencies_by_kind.setdefault(spec.kind, []).append(seconds)
        if status is None:
            self.transport_errors += 1
        elif 400 <= status < 500:
            self.status_4xx += 1
        elif status >= 500:
            self.status_5xx += 1
        if problem and len(self.examples) < 10:
            self.examples.append(f"{spec.method} {spec.path}: {problem}")


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values (fraction in [0, 1])."""
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


class Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough of the protocol for the mix.

    A hand-rolled client because httpx's pool costs more CPU per request than the
    server does, and on a shared 2-core machine that would measure the client.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.stale_retries = 0

    async def request(self, raw_request: bytes) -> tuple[int, bytes]:
        """Send prepared request bytes; the status and the (still encoded) body.

        Like a browser, a request that finds its kept-alive connection already closed by
        the server (reset or EOF before any byte of an answer) is sent once more on a new
        connection; `stale_retries` counts these, and the report shows them.
        """
        reused = self.writer is not None
        try:
            head = await self._send_and_read_head(raw_request)
        except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError) as error:
            if not reused or (isinstance(error, asyncio.IncompleteReadError) and error.partial):
                raise
            self.close()
            self.stale_retries += 1
            head = await self._send_and_read_head(raw_request)
        return await self._read_rest(head)

    async def _send_and_read_head(self, raw_request: bytes) -> bytes:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(raw_request)
        await self.writer.drain()
        return await self.reader.readuntil(b"\r\n\r\n")

    async def _read_rest(self, head: bytes) -> tuple[int, bytes]:
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._read_chunked()
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    async def _read_chunked(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")  # the blank line after the last chunk
                return b"".join(parts)
            parts.append((await self.reader.readexactly(size + 2))[:-2])

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def prepare_request(spec: RequestSpec, host: str) -> bytes:
    """The bytes of an HTTP/1.1 request for a spec (query encoded, JSON body, gzip accepted)."""
    target = spec.path + (f"?{urlencode(spec.params)}" if spec.params else "")
    lines = [f"{spec.method} {target} HTTP/1.1", f"Host: {host}", "Accept-Encoding: gzip", "User-Agent: loss-lab-load"]
    body = b""
    if spec.body is not None:
        body = json.dumps(spec.body).encode()
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def client_loop(
    connection: Connection,
    requests: Iterator[tuple[RequestSpec, bytes]],
    stop_at: float,
    budget: list[int],
    tally: Tally,
) -> None:
    """One connection's worth of work: send the next request of the mix until time or budget runs out."""
    while time.monotonic() < stop_at and budget[0] > 0:
        budget[0] -= 1
        spec, raw_request = next(requests)
        started = time.perf_counter()
        try:
            status, body = await asyncio.wait_for(connection.request(raw_request), REQUEST_TIMEOUT_SECONDS)
            problem = None if status < 400 else f"HTTP {status} {body[:160]!r}"
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as error:
            connection.close()
            status, problem = None, f"{type(error).__name__}: {error}"
        tally.record(spec, time.perf_counter() - started, status, problem)
    connection.close()
    tally.stale_retries += connection.stale_retries


async def sample_memory(read_rss_bytes, stop_at: float, interval_seconds: float, samples: list[float]) -> None:
    """Append the server's RSS (MiB) every `interval_seconds` until `stop_at`."""
    while time.monotonic() < stop_at:
        await asyncio.sleep(min(interval_seconds, max(stop_at - time.monotonic(), 0.0)))
        samples.append(round(read_rss_bytes() / 2**20, 1))


async def run_mix(
    base_url: str,
    mix: list[RequestSpec],
    connections: int,
    seconds: float,
    max_requests: int,
    read_rss_bytes=None,
    rss_samples: list[float] | None = None,
) -> Tally:
    """Keep `connections` clients busy on the mix for `seconds` (or `max_requests` requests).

    With `read_rss_bytes`, the server's memory is also sampled ten times into `rss_samples`.
    """
    tally = Tally()
    host_and_port = base_url.split("://", 1)[1]
    host, port = host_and_port.rsplit(":", 1)
    prepared = [(spec, prepare_request(spec, host_and_port)) for spec in mix]
    stop_at = time.monotonic() + seconds
    budget = [max_requests]
    # Each connection starts at a different place in the round, so the mix is spread out.
    loops = [
        client_loop(
            Connection(host, int(port)),
            itertools.islice(itertools.cycle(prepared), index, None),
            stop_at,
            budget,
            tally,
        )
        for index in range(connections)
    ]
    if read_rss_bytes is not None and rss_samples is not None:
        loops.append(sample_memory(read_rss_bytes, stop_at, seconds / 10, rss_samples))
    await asyncio.gather(*loops)
    return tally


def discover_static_paths(base_url: str) -> list[str]:
    """The hashed /static/... URLs the home page links to (stylesheet, modules, Plotly)."""
    html = httpx.get(f"{base_url}/", timeout=REQUEST_TIMEOUT_SECONDS).text
    return sorted(set(re.findall(r"""(?:src|href)="(/static/[^"]+)\"""", html)))


def summarise(tally: Tally, seconds: float) -> dict:
    """Throughput, latency percentiles (ms) overall and per kind, and error counts."""
    every = sorted(latency for values in tally.latencies_by_kind.values() for latency in values)
    per_kind = {}
    for kind, values in sorted(tally.latencies_by_kind.items()):
        ordered = sorted(values)
        per_kind[kind] = {
            "requests": len(ordered),
            "p50_ms": round(percentile(ordered, 0.50) * 1000, 2),
            "p99_ms": round(percentile(ordered, 0.99) * 1000, 2),
        }
    return {
        "requests": len(every),
        "seconds": round(seconds, 2),
        "throughput_per_second": round(len(every) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(every, 0.50) * 1000, 2),
        "p99_ms": round(percentile(every, 0.99) * 1000, 2),
        "transport_errors": tally.transport_errors,
        "status_4xx": tally.status_4xx,
        "status_5xx": tally.status_5xx,
        "errors": tally.transport_errors + tally.status_4xx + tally.status_5xx,
        "stale_connection_retries": tally.stale_retries,
        "error_examples": tally.examples,
        "per_kind": per_kind,
    }


def run_load(
    duration_seconds: float,
    connections: int = 64,
    workers: int = 1,
    warmup_seconds: float | None = None,
    max_requests: int | None = None,
) -> dict:
    """Start a server, warm it up, run the mix, stop the server; the report as a dict.

    The memory "start" figure is taken after the warm-up (imports, first-use caches and
    allocator pools are in place by then); the RSS right after start-up is reported too.
    """
    if warmup_seconds is None:
        warmup_seconds = min(10.0, max(2.0, duration_seconds * 0.1))
    if max_requests is None:
        max_requests = int(duration_seconds * 5000) + 1000
    server = Server(workers=workers)
    try:
        server.wait_until_healthy()
        rss_after_startup = server.rss_bytes()
        mix = weighted_cycle(api_mix() + page_mix(discover_static_paths(server.base_url)))
        warmup = asyncio.run(run_mix(server.base_url, mix, connections, warmup_seconds, max_requests))
        rss_start = server.rss_bytes()
        started = time.monotonic()
        rss_samples: list[float] = []
        tally = asyncio.run(
            run_mix(server.base_url, mix, connections, duration_seconds, max_requests, server.rss_bytes, rss_samples)
        )
        elapsed = time.monotonic() - started
        rss_end = server.rss_bytes()
    finally:
        exit_code = server.stop()
    report = summarise(tally, elapsed)
    report.update(
        connections=connections,
        workers=workers,
        mix_size=len(mix),
        warmup_requests=sum(len(values) for values in warmup.latencies_by_kind.values()),
        warmup_errors=warmup.transport_errors + warmup.status_4xx + warmup.status_5xx,
        rss_after_startup_mib=round(rss_after_startup / 2**20, 1),
        rss_start_mib=round(rss_start / 2**20, 1),
        rss_end_mib=round(rss_end / 2**20, 1),
        rss_growth_percent=round((rss_end - rss_start) / rss_start * 100, 2),
        rss_samples_mib=rss_samples,
        server_exit_code=exit_code,
        server_log_tail=server.log_text()[-2000:],
    )
    return report


def format_report(report: dict) -> str:
    """The report as a few human-readable lines."""
    lines = [
        f"{report['requests']} requests in {report['seconds']} s at {report['connections']} connections "
        f"({report['workers']} worker(s)): {report['throughput_per_second']} req/s",
        f"latency p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms",
        f"errors {report['errors']} (transport {report['transport_errors']}, 4xx {report['status_4xx']}, "
        f"5xx {report['status_5xx']}); requests resent after the server closed a kept-alive connection: "
        f"{report['stale_connection_retries']}",
        f"server RSS {report['rss_after_startup_mib']} MiB after start-up, {report['rss_start_mib']} MiB after "
        f"warm-up, {report['rss_end_mib']} MiB at the end ({report['rss_growth_percent']:+.2f} %)",
        f"server RSS every tenth of the run (MiB): {report['rss_samples_mib']}",
        f"server exit code after SIGTERM: {report['server_exit_code']}",
    ]
    for kind, figures in report["per_kind"].items():
        lines.append(f"  {kind:12s} {figures['requests']:7d} requests  p50 {figures['p50_ms']:8.2f} ms  "
                     f"p99 {figures['p99_ms']:8.2f} ms")
    lines.extend(f"  error: {example}" for example in report["error_examples"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds (default 20)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (default 64)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    parser.add_argument("--warmup", type=float, default=None, help="warm-up seconds (default 10%% of duration, 2-10)")
    parser.add_argument("--max-requests", type=int, default=None, help="stop after this many requests")
    parser.add_argument("--json", type=Path, default=None, help="also write the report as JSON here")
    arguments = parser.parse_args(argv)
    report = run_load(arguments.duration, arguments.connections, arguments.workers, arguments.warmup,
                      arguments.max_requests)
    print(format_report(report))
    if arguments.json is not None:
        arguments.json.write_text(json.dumps(report, indent=2))
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
