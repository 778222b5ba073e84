"""Faults against a real uvicorn server: SIGTERM mid-request, vanishing clients, slow bodies.

Each test talks raw HTTP/1.1 over sockets to a uvicorn subprocess on a free
127.0.0.1 port, so it sees what a real client sees (no TestClient shortcuts). The
server runs with a 2-second body-read deadline (LOSS_LAB_BODY_TIMEOUT_SECONDS) to
keep the slow-body tests short; production uses the 10-second default.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
BODY_TIMEOUT_SECONDS = 2.0
EVALUATE_PATH = "/api/v1/losses/mse_loss/evaluate"
EVALUATE_BODY = json.dumps({"input": [0.5, 1.5, -2.0], "target": [0.0, 1.0, 1.0]}).encode()
# torch.nn.functional.mse_loss([0.5, 1.5, -2.0], [0.0, 1.0, 1.0]) = (0.25 + 0.25 + 9) / 3
EVALUATE_LOSS = 9.5 / 3

pytestmark = pytest.mark.timeout(120)


def find_free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


class ServerProcess:
    """uvicorn serving app.main:app in a subprocess, with its log in a temporary file."""

    def __init__(self) -> None:
        self.port = find_free_port()
        self.log = tempfile.TemporaryFile()
        environment = {**os.environ, "LOSS_LAB_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT_SECONDS)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--host", LOOPBACK, "--port", str(self.port),
             "--no-access-log", "--log-level", "info"],
            cwd=REPOSITORY_ROOT, stdout=self.log, stderr=subprocess.STDOUT, env=environment,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_text()
            try:
                if http_request(self.port, "GET", "/api/v1/health", timeout=1.0)[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start:\n" + self.log_text())

    def log_text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode


def request_head(method: str, path: str, content_length: int | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {LOOPBACK}"]
    if content_length is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {content_length}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_response(connection: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Read one Content-Length-framed response: status, lower-cased headers, body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed before a full response head: {data!r}")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in header_lines)}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed in the middle of a response body")
        body += chunk
    return int(status_line.split()[1]), headers, body


def http_request(port: int, method: str, path: str, body: bytes | None = None, timeout: float = 5.0):
    """One complete request on a fresh connection."""
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as connection:
        connection.sendall(request_head(method, path, None if body is None else len(body)) + (body or b""))
        return read_response(connection)


def assert_health_answers_promptly(port: int, within_seconds: float = 1.0) -> None:
    started = time.monotonic()
    status, _, body = http_request(port, "GET", "/api/v1/health", timeout=within_seconds)
    assert status == 200 and json.loads(body)["status"] == "ok"
    assert time.monotonic() - started < within_seconds


def assert_closed_by_server(connection: socket.socket, within_seconds: float) -> None:
    """The server closes (EOF or reset) the connection within the given time."""
    connection.settimeout(within_seconds)
    try:
        while connection.recv(65536):
            pass
    except ConnectionResetError:
        pass


@pytest.fixture
def server():
    process = ServerProcess()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def shared_server():
    process = ServerProcess()
    yield process
    process.stop()


def test_sigterm_lets_an_in_flight_request_finish(server):
    connection = socket.create_connection((LOOPBACK, server.port), timeout=10)
    half = len(EVALUATE_BODY) // 2
    connection.sendall(request_head("POST", EVALUATE_PATH, len(EVALUATE_BODY)) + EVALUATE_BODY[:half])
    time.sleep(0.3)  # the application is now waiting for the rest of the body
    server.process.send_signal(signal.SIGTERM)
    time.sleep(0.5)

    # Shutting down: the server takes no new connection, but still serves the request it has.
    assert server.process.poll() is None, "the server quit while a request was in flight"
    with pytest.raises(OSError):
        http_request(server.port, "GET", "/api/v1/health", timeout=1.0)
    connection.sendall(EVALUATE_BODY[half:])
    status, headers, body = read_response(connection)

    assert status == 200, body
    assert json.loads(body)["loss"] == pytest.approx(EVALUATE_LOSS, rel=1e-12)
    assert_closed_by_server(connection, within_seconds=5.0)  # no keep-alive while shutting down
    connection.close()
    assert server.process.wait(timeout=10) in (0, -signal.SIGTERM)
    log = server.log_text()
    assert "Finished server process" in log
    assert "Traceback" not in log


def test_sigterm_with_idle_connections_exits_promptly(server):
    idle = [socket.create_connection((LOOPBACK, server.port), timeout=5) for _ in range(10)]
    time.sleep(0.2)
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=10) in (0, -signal.SIGTERM)
    assert time.monotonic() - started < 5
    for connection in idle:
        connection.close()


def test_clients_vanishing_mid_body_leave_the_server_responsive(shared_server):
    for _ in range(20):
        connection = socket.create_connection((LOOPBACK, shared_server.port), timeout=5)
        connection.sendall(request_head("POST", EVALUATE_PATH, len(EVALUATE_BODY)) + EVALUATE_BODY[:10])
        connection.close()
    assert_health_answers_promptly(shared_server.port)
    status, _, body = http_request(shared_server.port, "POST", EVALUATE_PATH, EVALUATE_BODY)
    assert status == 200 and json.loads(body)["loss"] == pytest.approx(EVALUATE_LOSS, rel=1e-12)


def test_clients_vanishing_before_reading_a_large_answer_leave_the_server_responsive(shared_server):
    # Each answer is a few MB of JSON; the client hangs up right after asking.
    path = "/api/v1/losses/smooth_l1_loss/curve?start=-3&stop=3&num=100001"
    for _ in range(10):
        connection = socket.create_connection((LOOPBACK, shared_server.port), timeout=5)
        connection.sendall(request_head("GET", path))
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        connection.close()  # linger 0: a reset, as from a killed browser tab
    assert_health_answers_promptly(shared_server.port, within_seconds=3.0)
    status, _, body = http_request(shared_server.port, "GET", path, timeout=10)
    assert status == 200 and len(json.loads(body)["x"]) == 100001


def test_slow_bodies_get_408_while_other_clients_are_served(shared_server):
    slow_clients = []
    for _ in range(30):
        connection = socket.create_connection((LOOPBACK, shared_server.port), timeout=5)
        connection.sendall(request_head("POST", EVALUATE_PATH, len(EVALUATE_BODY)) + EVALUATE_BODY[:1])
        slow_clients.append(connection)
    started = time.monotonic()

    # While 30 clients trickle their bodies a byte at a time, everyone else is served at once.
    for position in range(1, 4):
        for connection in slow_clients:
            connection.sendall(EVALUATE_BODY[position : position + 1])
        assert_health_answers_promptly(shared_server.port)
        time.sleep(0.3)

    for connection in slow_clients:
        status, headers, body = read_response(connection)
        assert status == 408
        assert json.loads(body)["error"]["code"] == "request_timeout"
        assert headers["connection"] == "close"
        assert headers["x-content-type-options"] == "nosniff"
        assert_closed_by_server(connection, within_seconds=2.0)
        connection.close()
    elapsed = time.monotonic() - started
    assert BODY_TIMEOUT_SECONDS - 0.5 < elapsed < BODY_TIMEOUT_SECONDS + 3
    assert_health_answers_promptly(shared_server.port)


def test_partial_request_heads_do_not_block_other_clients(shared_server):
    # Headers that never finish (slowloris) hold a socket each but no worker.
    stalled = []
    for _ in range(50):
        connection = socket.create_connection((LOOPBACK, shared_server.port), timeout=5)
        connection.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        stalled.append(connection)
    try:
        for _ in range(5):
            assert_health_answers_promptly(shared_server.port)
    finally:
        for connection in stalled:
            connection.close()


def test_no_tracebacks_in_the_shared_server_log(shared_server):
    assert_health_answers_promptly(shared_server.port)
    assert "Traceback" not in shared_server.log_text()
