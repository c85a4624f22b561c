"""The local stack creates the table and the queues it needs, and reuses them when they exist."""

from __future__ import annotations

import json

from service.adapters.queue_schema import (
    MAX_RECEIVE_COUNT,
    VISIBILITY_TIMEOUT_SECONDS,
    QueueDefinition,
)
from service.entrypoints.local.resources import ensure_resources
from tests.conftest import Aws


def attributes(aws: Aws, queue_url: str) -> dict[str, str]:
    result: dict[str, str] = aws.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    return result


def test_a_fresh_account_gets_the_table_the_queue_and_its_dead_letter_queue(aws: Aws) -> None:
    resources = ensure_resources(aws.dynamodb, aws.sqs, "local-table", QueueDefinition(name="local-jobs"))

    table = aws.dynamodb.describe_table(TableName="local-table")["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert [index["IndexName"] for index in table["GlobalSecondaryIndexes"]] == ["due"]
    ttl = aws.dynamodb.describe_time_to_live(TableName="local-table")["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED"
    queue = attributes(aws, resources.queue_url)
    dead_letter = attributes(aws, resources.dead_letter_queue_url)
    assert json.loads(queue["RedrivePolicy"]) == {
        "deadLetterTargetArn": dead_letter["QueueArn"],
        "maxReceiveCount": MAX_RECEIVE_COUNT,
    }
    assert queue["VisibilityTimeout"] == str(VISIBILITY_TIMEOUT_SECONDS)
    assert dead_letter["QueueArn"].endswith(":local-jobs-dlq")


def test_a_second_start_reuses_what_exists_and_keeps_its_messages(aws: Aws) -> None:
    first = ensure_resources(aws.dynamodb, aws.sqs, "local-table", QueueDefinition(name="local-jobs"))
    aws.sqs.send_message(QueueUrl=first.queue_url, MessageBody="still here")

    second = ensure_resources(aws.dynamodb, aws.sqs, "local-table", QueueDefinition(name="local-jobs"))

    assert second == first
    assert attributes(aws, second.queue_url)["ApproximateNumberOfMessages"] == "1"


def test_an_existing_queue_without_a_dead_letter_queue_gets_one(aws: Aws) -> None:
    existing = aws.sqs.create_queue(QueueName="older-jobs", Attributes={"VisibilityTimeout": "5"})["QueueUrl"]

    resources = ensure_resources(aws.dynamodb, aws.sqs, "local-table", QueueDefinition(name="older-jobs"))

    assert resources.queue_url == existing
    queue = attributes(aws, existing)
    assert json.loads(queue["RedrivePolicy"])["deadLetterTargetArn"].endswith(":older-jobs-dlq")
    assert queue["VisibilityTimeout"] == str(VISIBILITY_TIMEOUT_SECONDS)


def test_a_fifo_queue_gets_a_fifo_dead_letter_queue(aws: Aws) -> None:
    resources = ensure_resources(aws.dynamodb, aws.sqs, "local-table", QueueDefinition(name="local-jobs.fifo"))

    assert resources.dead_letter_queue_url.endswith("/local-jobs-dlq.fifo")
    assert attributes(aws, resources.dead_letter_queue_url)["FifoQueue"] == "true"
