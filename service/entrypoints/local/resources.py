"""Creates the table and the queues the service needs, unless they exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.adapters.queue_schema import QueueDefinition
from service.adapters.table_schema import ensure_table


@dataclass(frozen=True)
class Resources:
    table_name: str
    queue_url: str
    dead_letter_queue_url: str
    # The delivery stage's queue, when it lives in the emulator (an AWS_ENDPOINT_URL shared
    # by several stacks); None when the stage's queue is this process's own.
    handoff_queue_url: str | None = None
    handoff_dead_letter_queue_url: str | None = None


def ensure_resources(
    dynamodb: Any, sqs: Any, table_name: str, queue: QueueDefinition, handoff: QueueDefinition | None = None
) -> Resources:
    ensure_table(dynamodb, table_name)
    queue_url, dead_letter_url = ensure_queue_pair(sqs, queue)
    handoff_url, handoff_dead_letter_url = ensure_queue_pair(sqs, handoff) if handoff is not None else (None, None)
    return Resources(
        table_name=table_name,
        queue_url=queue_url,
        dead_letter_queue_url=dead_letter_url,
        handoff_queue_url=handoff_url,
        handoff_dead_letter_queue_url=handoff_dead_letter_url,
    )


def ensure_queue_pair(sqs: Any, queue: QueueDefinition) -> tuple[str, str]:
    """The queue and its dead-letter queue, created unless they exist: their URLs."""
    dead_letter_url = _ensure_queue(sqs, queue.dead_letter_name, queue.dead_letter_attributes())
    dead_letter_arn = sqs.get_queue_attributes(QueueUrl=dead_letter_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return _ensure_queue(sqs, queue.name, queue.queue_attributes(dead_letter_arn)), dead_letter_url


def _ensure_queue(sqs: Any, name: str, attributes: dict[str, str]) -> str:
    try:
        url: str = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        created: str = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return created
    # The queue exists (an earlier run, or another tool): bring its settings in line,
    # which create_queue would refuse to do for an existing queue.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={k: v for k, v in attributes.items() if k != "FifoQueue"})
    return url
