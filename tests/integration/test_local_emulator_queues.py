"""`scheduler dev --data FILE` with the embedded emulator: the messages on its queues (what
was delivered and not consumed) survive a save and a load, each as it was."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sqs.models import sqs_backends

from service.entrypoints.local import emulator_queues
from tests.conftest import REGION, Aws

FIFO_ATTRIBUTES = {"FifoQueue": "true", "ContentBasedDeduplication": "false"}


def restart(aws: Aws, saved: dict[str, Any], queues: dict[str, dict[str, str]]) -> dict[str, str]:
    """The emulator gone and started again with ``queues`` (name: attributes), the saved
    messages restored through a file's JSON; the queues' URLs by name."""
    sqs_backends[DEFAULT_ACCOUNT_ID][REGION].reset()
    urls = {name: aws.sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"] for name, attrs in queues.items()}
    emulator_queues.restore(DEFAULT_ACCOUNT_ID, REGION, json.loads(json.dumps(saved)))
    return urls


def receive(aws: Aws, url: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = aws.sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], AttributeNames=["All"]
    ).get("Messages", [])
    return messages


def counts(aws: Aws, url: str) -> dict[str, str]:
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    attributes: dict[str, str] = aws.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return attributes


@pytest.fixture
def target(aws: Aws) -> Iterator[str]:
    yield aws.sqs.create_queue(QueueName="deliveries", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]


def test_a_waiting_message_comes_back_with_its_id_body_attributes_and_send_time(aws: Aws, target: str) -> None:
    attributes = {
        "jobId": {"DataType": "String", "StringValue": "job-1"},
        "raw": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
    }
    sent = aws.sqs.send_message(QueueUrl=target, MessageBody="payload ü", MessageAttributes=attributes)
    before = counts(aws, target)
    saved = emulator_queues.snapshot(DEFAULT_ACCOUNT_ID, REGION)

    urls = restart(aws, saved, {"deliveries": {"VisibilityTimeout": "30"}})

    assert counts(aws, urls["deliveries"]) == before
    (message,) = receive(aws, urls["deliveries"])
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == "payload ü"
    assert message["MessageAttributes"]["jobId"]["StringValue"] == "job-1"
    assert message["MessageAttributes"]["raw"]["BinaryValue"] == b"\x00\xff"
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"


def test_a_delayed_message_stays_delayed_and_a_received_one_stays_hidden_with_its_receives(
    aws: Aws, target: str
) -> None:
    aws.sqs.send_message(QueueUrl=target, MessageBody="later", DelaySeconds=600)
    aws.sqs.send_message(QueueUrl=target, MessageBody="in flight")
    (taken,) = receive(aws, target)  # a consumer that dies with the stack
    saved = emulator_queues.snapshot(DEFAULT_ACCOUNT_ID, REGION)

    urls = restart(aws, saved, {"deliveries": {"VisibilityTimeout": "30"}})

    assert counts(aws, urls["deliveries"]) == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "1",
        "ApproximateNumberOfMessagesDelayed": "1",
    }
    queue = sqs_backends[DEFAULT_ACCOUNT_ID][REGION].queues["deliveries"]
    restored = next(m for m in queue._messages if m.body == "in flight")
    assert restored.id == taken["MessageId"]
    assert restored.approximate_receive_count == 1  # its dead-letter count goes on from there


def test_a_fifo_message_keeps_its_group_and_deduplication_id(aws: Aws) -> None:
    url = aws.sqs.create_queue(QueueName="jobs.fifo", Attributes=FIFO_ATTRIBUTES)["QueueUrl"]
    aws.sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="job-1", MessageDeduplicationId="occ-1")
    saved = emulator_queues.snapshot(DEFAULT_ACCOUNT_ID, REGION)

    urls = restart(aws, saved, {"jobs.fifo": FIFO_ATTRIBUTES})

    (message,) = receive(aws, urls["jobs.fifo"])
    assert message["Attributes"]["MessageGroupId"] == "job-1"
    assert message["Attributes"]["MessageDeduplicationId"] == "occ-1"


def test_restoring_twice_into_a_running_emulator_adds_nothing_and_a_queue_gone_keeps_nothing(
    aws: Aws, target: str
) -> None:
    aws.sqs.send_message(QueueUrl=target, MessageBody="once")
    aws.sqs.create_queue(QueueName="removed-since")
    aws.sqs.send_message(QueueUrl=aws.sqs.get_queue_url(QueueName="removed-since")["QueueUrl"], MessageBody="gone")
    saved = emulator_queues.snapshot(DEFAULT_ACCOUNT_ID, REGION)

    urls = restart(aws, saved, {"deliveries": {}})

    assert emulator_queues.restore(DEFAULT_ACCOUNT_ID, REGION, saved) == 0
    assert counts(aws, urls["deliveries"])["ApproximateNumberOfMessages"] == "1"
    assert "removed-since" not in sqs_backends[DEFAULT_ACCOUNT_ID][REGION].queues
