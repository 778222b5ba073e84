# Loss Lab: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test browser golden bench bench-api bench-browser lock load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files re-run the install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test browser

## Debian's Chromium for the browser tests (Playwright's own download is not used).
browser:
	@bash scripts/ensure_chromium.sh

run: install
	$(BIN)/uvicorn app.main:app --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest

## Regenerate the golden fixtures from real PyTorch (needs `pip install torch==2.13.0`).
golden: | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[golden]'
	$(BIN)/python -m scripts.golden

bench: install-test
	$(BIN)/python bench/core.py

## API throughput (health, drag-sized evaluate, 601-point curve) and evaluate p99 on a local server.
bench-api: install-test
	$(BIN)/python bench/api.py

## Pages in headless Chromium: 100+ drags per page; p50/p95 of loss-lab:update, bytes, DOMContentLoaded.
bench-browser: install-test
	$(BIN)/python bench/browser.py

## Re-pin requirements.lock (the Docker image's runtime dependencies) from the venv.
lock: install
	$(BIN)/python -m scripts.lock_requirements

## Load test: the API and page mix at 64 connections (DURATION seconds, default 20).
load: install-test
	$(BIN)/python bench/load.py --duration $(or $(DURATION),20)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
