# The cloud (Pulumi program: __main__.py, infra/). Its tests are in tests/infra and run with the
# rest of tests/ in `make test`: the program under Pulumi's mocks, and the Lambda bundle against
# moto. The bundle's dependencies are downloaded once into .cache/lambda; the bundle test needs
# Python 3.13 (python3.13 on PATH, or pyenv) to compile the bytecode Lambda will run.

.PHONY: infra-lint infra-test bundle

# `make lint` covers service, tests and benchmarks; the Pulumi program is checked here.
infra-lint: install
	$(BIN)/ruff check infra __main__.py
	$(BIN)/ruff format --check infra __main__.py

infra-test: install
	$(BIN)/pytest -q tests/infra

# Builds the Lambda bundle for ARCH (arm64 by default) as `pulumi up` would, and prints where it is.
ARCH ?= arm64
bundle: install
	$(PY) -c "from infra.bundle import build_bundle; b = build_bundle('$(ARCH)'); print(b.path, b.zipped_bytes, b.unzipped_bytes)"

TEST_DEPS += infra-lint
BENCHMARKS += benchmarks.cold_start
