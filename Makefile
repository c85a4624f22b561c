# The two front-door commands: `make run` and `make test`. Both set up everything they
# need on a fresh machine (a virtualenv in .venv, the web build, the browser).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_CACHE_DIR := $(CURDIR)/.cache/pip
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Parts of the project add their own steps to these (see make/*.mk).
RUN_DEPS :=
TEST_DEPS :=
BENCHMARKS :=

.PHONY: install run test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,infra]'
	touch $(STAMP)

install: $(STAMP)

-include make/*.mk

# `make run RUN_ARGS="--data scheduler-data.json"` keeps the schedules between runs.
RUN_ARGS ?=

run: install $(RUN_DEPS)
	$(BIN)/scheduler dev $(RUN_ARGS)

lint: install
	$(BIN)/ruff check service tests benchmarks
	$(BIN)/ruff format --check service tests benchmarks

typecheck: install
	$(BIN)/mypy

pytest: install $(TEST_DEPS)
	$(BIN)/pytest -q -n 2

test: lint typecheck pytest

bench: install $(TEST_DEPS)
	@for b in $(BENCHMARKS); do echo "== $$b"; $(PY) -m $$b || exit 1; done

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache
