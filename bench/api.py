"""API benchmark: throughput of health, a drag-sized evaluate and a 601-point curve, against one server.

Starts `uvicorn app.main:app` on a free 127.0.0.1 port, then, in the same run and
against the same server, keeps `--connections` keep-alive HTTP/1.1 connections
busy with one kind of request at a time, `--duration` seconds per endpoint in
interleaved one-second rounds (so background load hits all three alike):

- GET  /api/v1/health                                  (the baseline: framework + HTTP cost only)
- POST /api/v1/losses/smooth_l1_loss/evaluate          (8 numbers each side, what a drag sends)
- GET  /api/v1/losses/smooth_l1_loss/curve?num=601     (a full plot)

It prints requests per second, each endpoint's ratio to health, and p50/p99
latency; the p99 of the drag-sized evaluate at 8 connections is the latency
target. The client is a minimal asyncio HTTP/1.1 client (httpx would spend more
CPU than the server on this 2-core machine). By default requests say
`Accept-Encoding: gzip` as a browser does, so large answers are compressed by the
app's GZip middleware; `--identity` measures uncompressed answers.

    .venv/bin/python bench/api.py                 # 5 s per endpoint, 8 connections
    .venv/bin/python bench/api.py --duration 10 --connections 16

Targets: evaluate >= 0.5 x health, curve >= 0.3 x health, evaluate p99 <= 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
STARTUP_TIMEOUT_SECONDS = 30.0

DRAG_BODY = json.dumps(
    {
        "input": [0.3, -1.2, 2.5, 0.8, -0.4, 1.9, -2.2, 0.05],
        "target": [0.0, -1.0, 2.0, 1.0, 0.0, 2.0, -2.0, 0.0],
        "reduction": "none",
        "beta": 0.5,
    }
).encode()

TARGETS = {"evaluate": 0.5, "curve": 0.3}
P99_TARGET_MS = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def request_bytes(method: str, path: str, body: bytes, port: int, encoding: str) -> bytes:
    head = [
        f"{method} {path} HTTP/1.1",
        f"Host: {LOOPBACK}:{port}",
        f"Accept-Encoding: {encoding}",
        "Connection: keep-alive",
    ]
    if body:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> int:
    """Read one response with a Content-Length body; return its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def hammer(port: int, request: bytes, connections: int, duration: float) -> tuple[int, list[float], int]:
    """Keep ``connections`` connections busy with ``request`` for ``duration`` s: (count, latencies, non-200s)."""
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + duration

    async def one_connection() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection(LOOPBACK, port)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                writer.write(request)
                status = await read_response(reader)
                latencies.append(time.perf_counter() - started)
                failures += status != 200
        finally:
            writer.close()

    await asyncio.gather(*(one_connection() for _ in range(connections)))
    return len(latencies), latencies, failures


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", LOOPBACK, "--port", str(port),
         "--log-level", "warning", "--no-access-log"],
        cwd=REPOSITORY_ROOT,
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.2):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("uvicorn exited during startup") from None
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("uvicorn did not start in time")


async def run(port: int, duration: float, connections: int, encoding: str, round_seconds: float) -> dict[str, dict]:
    """Measure each endpoint for ``duration`` s in total, in interleaved rounds of ``round_seconds``.

    Interleaving spreads any change in background load on the machine over all
    three endpoints alike, so the ratios stay fair on a shared machine.
    """
    endpoints = {
        "health": request_bytes("GET", "/api/v1/health", b"", port, encoding),
        "evaluate": request_bytes("POST", "/api/v1/losses/smooth_l1_loss/evaluate", DRAG_BODY, port, encoding),
        "curve": request_bytes(
            "GET", "/api/v1/losses/smooth_l1_loss/curve?start=-3&stop=3&num=601&beta=0.5", b"", port, encoding
        ),
    }
    for request in endpoints.values():
        await hammer(port, request, connections, 0.5)  # warm-up
    counts = dict.fromkeys(endpoints, 0)
    latencies: dict[str, list[float]] = {name: [] for name in endpoints}
    failures = dict.fromkeys(endpoints, 0)
    rounds = max(1, round(duration / round_seconds))
    for _ in range(rounds):
        for name, request in endpoints.items():
            count, round_latencies, round_failures = await hammer(port, request, connections, round_seconds)
            counts[name] += count
            latencies[name] += round_latencies
            failures[name] += round_failures
    measured = rounds * round_seconds
    return {
        name: {
            "requests_per_second": counts[name] / measured,
            "p50_ms": 1000 * percentile(latencies[name], 0.50),
            "p99_ms": 1000 * percentile(latencies[name], 0.99),
            "non_200": failures[name],
        }
        for name in endpoints
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per endpoint (default 5)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections (default 8)")
    parser.add_argument("--round", type=float, default=1.0, help="seconds per interleaved round (default 1)")
    parser.add_argument("--identity", action="store_true", help="ask for uncompressed answers")
    arguments = parser.parse_args(argv)
    port = free_port()
    server = start_server(port)
    try:
        encoding = "identity" if arguments.identity else "gzip"
        results = asyncio.run(run(port, arguments.duration, arguments.connections, encoding, arguments.round))
    finally:
        server.terminate()
        server.wait(timeout=10)
    health = results["health"]["requests_per_second"]
    print(f"{arguments.connections} connections, {arguments.duration:g} s per endpoint, Accept-Encoding: {encoding}")
    print(f"{'endpoint':<10} {'req/s':>8} {'ratio':>6} {'target':>7} {'p50 ms':>7} {'p99 ms':>7} {'non-200':>8}")
    passed = True
    for name, figures in results.items():
        ratio = figures["requests_per_second"] / health
        target = TARGETS.get(name)
        passed &= target is None or ratio >= target
        passed &= figures["non_200"] == 0
        print(
            f"{name:<10} {figures['requests_per_second']:8.0f} {ratio:6.2f} {target if target else '':>7} "
            f"{figures['p50_ms']:7.2f} {figures['p99_ms']:7.2f} {figures['non_200']:8d}"
        )
    p99 = results["evaluate"]["p99_ms"]
    passed &= p99 <= P99_TARGET_MS
    print(f"evaluate p99 {p99:.2f} ms (target <= {P99_TARGET_MS:g} ms): {'ok' if p99 <= P99_TARGET_MS else 'MISSED'}")
    print("all targets met" if passed else "some target missed")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
