"""Fixtures shared by the integration and API tests: moto, the table, the queues, the API's wiring.

Unit tests use the fakes of ``tests.fakes`` and need none of this.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from service.adapters.table_schema import ensure_table
from service.bootstrap.api import ApiContainer, bootstrap_api
from service.bootstrap.aws import aws_client
from service.bootstrap.delivery import DeliveryContainer, bootstrap_delivery
from service.bootstrap.dispatcher import DispatcherContainer, bootstrap_dispatcher
from service.config import Settings
from service.entrypoints.delivery_handler import make_handler as make_delivery_handler
from service.entrypoints.local.stage_queue import LocalStageQueue
from service.entrypoints.local.stage_runner import StageRunner
from service.services.dispatch import Dispatcher
from tests.fakes import FakeClock

REGION = "us-east-1"
TABLE_NAME = "scheduler-test"
QUEUE_NAME = "scheduler-test-deliveries"
FIFO_QUEUE_NAME = "scheduler-test-deliveries.fifo"
# The fixed "now" of tests that need one: a Monday, in winter time in Europe and America.
NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
# What the tests' resolver answers for a webhook's host, unless ``PRIVATE_NAMES`` has it:
# no test asks a real DNS server, and no request goes to these addresses.
PUBLIC_ADDRESS = "93.184.215.14"
PRIVATE_NAMES = {"intranet.example.com": ("10.0.0.7",), "rebinding.example.com": ("93.184.215.14", "127.0.0.1")}


def resolve_for_tests(host: str, port: int) -> tuple[str, ...]:
    return PRIVATE_NAMES.get(host, (PUBLIC_ADDRESS,))


@dataclass(frozen=True)
class Aws:
    """The moto account of one test: a session, its clients, the table and both queues."""

    session: boto3.Session
    dynamodb: Any
    sqs: Any
    table_name: str
    queue_url: str
    fifo_queue_url: str


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials and region, and no endpoint or profile of the machine leaking in."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SQS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)


@pytest.fixture
def aws(aws_credentials: None) -> Iterator[Aws]:
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        dynamodb = session.client("dynamodb")
        sqs = session.client("sqs")
        ensure_table(dynamodb, TABLE_NAME)
        queue_url = sqs.create_queue(QueueName=QUEUE_NAME)["QueueUrl"]
        fifo_queue_url = sqs.create_queue(QueueName=FIFO_QUEUE_NAME, Attributes={"FifoQueue": "true"})["QueueUrl"]
        yield Aws(session, dynamodb, sqs, TABLE_NAME, queue_url, fifo_queue_url)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def settings(aws: Aws) -> Settings:
    """The service's defaults on this test's table and queue (none read from the environment)."""
    return Settings.model_validate({"table_name": aws.table_name, "queue_url": aws.queue_url})


@pytest.fixture
def dynamodb(aws: Aws) -> Any:
    """A DynamoDB client, as the service builds them, that fails the test if it is ever asked for a Scan."""
    client = aws_client(aws.session, "dynamodb")
    client.meta.events.register("before-call.dynamodb.Scan", fail_on_scan)
    return client


@pytest.fixture
def stage_queue(clock: FakeClock) -> LocalStageQueue:
    """The delivery stage's queue, in this process and on the fake clock (moto's SQS delays
    run on the real clock): what the API and the dispatcher hand runs to."""
    return LocalStageQueue(clock=clock)


@pytest.fixture
def container(
    aws: Aws, settings: Settings, dynamodb: Any, clock: FakeClock, stage_queue: LocalStageQueue
) -> ApiContainer:
    """The API's real wiring on moto, its use cases reading the fake clock."""
    return bootstrap_api(
        settings, session=aws.session, dynamodb=dynamodb, clock=clock, handoff=stage_queue, resolver=resolve_for_tests
    )


@pytest.fixture
def dispatcher_container(
    aws: Aws, settings: Settings, dynamodb: Any, clock: FakeClock, stage_queue: LocalStageQueue
) -> DispatcherContainer:
    """The dispatcher's real wiring on moto, on the fake clock (its pauses move the clock)."""
    return bootstrap_dispatcher(
        settings,
        session=aws.session,
        dynamodb=dynamodb,
        clock=clock,
        sleep=lambda s: clock.advance(seconds=s),
        handoff=stage_queue,
    )


@pytest.fixture
def delivery_container(
    aws: Aws, settings: Settings, dynamodb: Any, clock: FakeClock, stage_queue: LocalStageQueue
) -> DeliveryContainer:
    """The delivery function's real wiring on moto, on the fake clock (its holds move the clock)."""
    return bootstrap_delivery(
        settings,
        session=aws.session,
        dynamodb=dynamodb,
        queue=stage_queue,
        clock=clock,
        sleep=lambda s: clock.advance(seconds=s),
    )


class Stage:
    """The delivery function fed from the stage queue as Lambda's event source would, on the
    fake clock: ``deliver()`` hands it every run visible now, batch after batch."""

    def __init__(self, container: DeliveryContainer, queue: LocalStageQueue) -> None:
        self.runner = StageRunner(make_delivery_handler(container, emit_metrics=False), queue, REGION)
        self.queue = queue

    def deliver(self) -> int:
        total = 0
        while taken := self.runner.invoke_once(wait=0):
            total += taken
        return total


@pytest.fixture
def stage(delivery_container: DeliveryContainer, stage_queue: LocalStageQueue) -> Stage:
    return Stage(delivery_container, stage_queue)


@pytest.fixture
def dispatcher(dispatcher_container: DispatcherContainer) -> Dispatcher:
    return dispatcher_container.dispatcher


def fail_on_scan(**_: Any) -> None:
    """A botocore hook: the service reads DynamoDB with Query and GetItem, never a Scan."""
    pytest.fail("the service issued a DynamoDB Scan; it must read with Query or GetItem only")


def table_items(aws: Aws, *, with_keys: bool = False) -> list[dict[str, Any]]:
    """Every item of the table (a Scan: for assertions only, never from the code under test).

    The API keys' items (which the API tests' clients need) are left out unless asked for.
    """
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": aws.table_name}
    while True:
        page = aws.dynamodb.scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return [item for item in items if with_keys or not item["pk"]["S"].startswith("KEY")]
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def received(aws: Aws, queue_url: str | None = None) -> list[dict[str, Any]]:
    """Every message waiting in the queue, with its attributes."""
    messages: list[dict[str, Any]] = []
    while True:
        batch = aws.sqs.receive_message(
            QueueUrl=queue_url or aws.queue_url,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
            VisibilityTimeout=60,
        ).get("Messages", [])
        if not batch:
            return messages
        messages.extend(batch)
