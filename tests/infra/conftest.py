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


# Two namespaces with queues of their own, and two existing queues declared as targets.
NAMESPACES = ("team-a", "team-b")
DECLARED_QUEUES = (
    "arn:aws:sqs:us-east-1:210987654321:orders",
    "arn:aws:sqs:us-east-1:123456789012:billing.fifo",
)


@pytest.fixture(scope="session")
def with_targets(deploy: Deploy) -> Deployment:
    return deploy("prod", namespaceQueues=NAMESPACES, targetQueueArns=DECLARED_QUEUES)


@pytest.fixture(scope="session", params=["one invocation", "fanned out", "target queues"])
def every_shape(request: pytest.FixtureRequest, deploy: Deploy) -> Deployment:
    """The default stack, one whose dispatcher fans out (it has an extra policy), and one
    whose delivery function may send to namespace and declared queues."""
    if request.param == "fanned out":
        return deploy("prod", dispatchInvocations=3)
    if request.param == "target queues":
        return deploy("prod", namespaceQueues=NAMESPACES, targetQueueArns=DECLARED_QUEUES)
    return deploy("prod")
