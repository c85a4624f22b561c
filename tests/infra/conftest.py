from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.infra.program import Deployment, run_program

Deploy = Callable[..., Deployment]


def pytest_configure(config: pytest.Config) -> None:
    # pulumi_aws warns about its own deprecated resources as it loads them; none are ours.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:pulumi_aws")
    config.addinivalue_line("markers", "network: downloads from PyPI (skipped only when PyPI cannot be reached)")


@pytest.fixture(scope="session")
def deploy(tmp_path_factory: pytest.TempPathFactory) -> Deploy:
    """Runs the program once per (stack, config) and shares the recording between tests."""
    runs: dict[tuple[str, tuple[tuple[str, object], ...]], Deployment] = {}

    def run(stack: str = "prod", **config: object) -> Deployment:
        key = (stack, tuple(sorted(config.items())))
        if key not in runs:
            runs[key] = run_program(tmp_path_factory.mktemp(stack), stack, **config)
        return runs[key]

    return run


@pytest.fixture(scope="session")
def prod(deploy: Deploy) -> Deployment:
    return deploy("prod")


@pytest.fixture(scope="session", params=["one invocation", "fanned out"])
def every_shape(request: pytest.FixtureRequest, deploy: Deploy) -> Deployment:
    """The default stack, and one whose dispatcher fans out (it has an extra policy)."""
    return deploy("prod") if request.param == "one invocation" else deploy("prod", dispatchInvocations=3)
