# Two commands on a fresh machine: `make run` and `make test`. Each installs what is missing
# (virtualenv, locked Python dependencies, the pinned Meilisearch binary) and nothing twice.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)
MEILI := .tools/meilisearch

.PHONY: help install run test lint browser redis fix lock bench clean distclean

help:
	@echo "make run    serve the API on http://127.0.0.1:8000 (starts PostgreSQL and Meilisearch)"
	@echo "make test   lint, type-check and run the whole test suite against real services"
	@echo "           (installs Debian's chromium, chromium-driver and redis-server for the tests)"
	@echo "make bench  run the benchmarks (SPEC §6) and print figures"
	@echo "make lock   re-resolve requirements.lock (everything) and requirements-prod.lock (the image)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

$(MEILI): tools/meilisearch.lock tools/fetch-meilisearch
	tools/fetch-meilisearch .tools

install: $(STAMP) $(MEILI)

run: install
	$(BIN)/ombudsman serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile

# Debian's Chromium and its driver, for the browser tests (tests/browser/). Where apt cannot
# install them (no root, no network, not Debian), those tests skip and say why; the rest run.
CHROMIUM ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver

browser:
	@{ [ -x $(CHROMIUM) ] && [ -x $(CHROMEDRIVER) ]; } || { apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } \
		|| echo "chromium and chromium-driver not installed (apt-get needs root and the network):" \
			"the browser tests will skip"

# Debian's redis-server, for the tests of rate limits shared by several workers: installed like
# Chromium, or those tests skip and say why.
REDIS_SERVER ?= /usr/bin/redis-server

redis:
	@[ -x $(REDIS_SERVER) ] || { apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; } \
		|| echo "redis-server not installed (apt-get needs root and the network):" \
			"the shared rate-limit tests will skip"

test: lint browser redis
	$(BIN)/pytest

fix: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile --quiet --python-version 3.11 --extra dev --extra local \
		--generate-hashes --universal -o requirements.lock pyproject.toml
	$(BIN)/uv pip compile --quiet --python-version 3.11 --generate-hashes --universal \
		-o requirements-prod.lock pyproject.toml

bench: install
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; } \
		|| echo "wrk not installed: 16-client runs use the asyncio raw-socket client"
	$(BIN)/python -m bench

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache

distclean: clean
	rm -rf $(VENV) .tools .data
