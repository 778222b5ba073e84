"""The body limit against a real uvicorn: 413 arrives before the body is sent."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def read_answer(connection: socket.socket) -> bytes:
    connection.settimeout(5)
    answer = b""
    while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
        try:
            chunk = connection.recv(65536)
        except OSError:  # reset after the answer: keep what arrived
            break
        if not chunk:
            break
        answer += chunk
    return answer


def test_declared_100_mib_body_gets_413_before_any_byte_of_it_is_sent(server_port):
    with socket.create_connection(("127.0.0.1", server_port)) as connection:
        connection.sendall(
            b"POST /api/v1/losses/mse_loss/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 104857600\r\n\r\n"
        )
        started = time.perf_counter()
        answer = read_answer(connection)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b'"code":"payload_too_large"' in answer
    assert time.perf_counter() - started < 2


def test_chunked_body_is_cut_off_once_it_passes_8_mib(server_port):
    with socket.create_connection(("127.0.0.1", server_port)) as connection:
        connection.sendall(
            b"POST /api/v1/losses/mse_loss/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b" " * (1024 * 1024)
        sent = 0
        try:
            for _ in range(9):  # 9 MiB, never terminated: the server must not wait for the end
                connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += 1
        except OSError:
            pass  # the server may close the connection once it has answered
        answer = read_answer(connection)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert sent >= 8
