# The cloud (Pulumi program, infra/): its tests run in `make test` with the rest of tests/
# (tests/infra: the program under Pulumi's mocks, and the Lambda bundle against moto).
# The bundle's dependencies are downloaded once into .cache/lambda; the bundle test needs
# Python 3.13 (pyenv, or python3.13 on PATH) to compile the bytecode Lambda will run.

.PHONY: infra-test bundle

infra-test: install
	$(BIN)/pytest -q tests/infra

# Builds the Lambda bundle for ARCH (arm64 by default) as `pulumi up` would, and prints where it is.
ARCH ?= arm64
bundle: install
	$(PY) -c "from infra.bundle import build_bundle; b = build_bundle('$(ARCH)'); print(b.path, b.zipped_bytes, b.unzipped_bytes)"

BENCHMARKS += benchmarks.cold_start
