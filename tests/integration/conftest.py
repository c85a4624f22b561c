"""Fixtures of the repository's integration tests: its client on moto, and a log of its calls.

The repository's client fails the test if it ever issues a Scan: the store is read with
Query and GetItem only. (The assertions themselves scan through another client.)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from service.adapters.dynamo_repository import DynamoScheduleRepository
from tests.conftest import Aws, fail_on_scan

RETENTION = timedelta(days=30)


class CallLog:
    """The DynamoDB operations a client issued, with their parameters."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        self.calls.append((model.name, dict(params)))

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def clear(self) -> None:
        self.calls.clear()


@pytest.fixture
def client(aws: Aws) -> Any:
    repository_client = aws.session.client("dynamodb")
    repository_client.meta.events.register("before-call.dynamodb.Scan", fail_on_scan)
    return repository_client


@pytest.fixture
def calls(client: Any) -> Iterator[CallLog]:
    log = CallLog()
    client.meta.events.register("before-parameter-build.dynamodb.*", log)
    yield log


@pytest.fixture
def repo(aws: Aws, client: Any) -> DynamoScheduleRepository:
    return DynamoScheduleRepository(client, aws.table_name, RETENTION)
