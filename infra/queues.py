"""A queue and its dead-letter queue, as a shared queue definition describes them
(service/adapters/queue_schema.py): the stack's delivery queue, the delivery stage's
hand-off queue and each namespace's queue are all made this way."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from service.adapters.queue_schema import DEDUPLICATION_SCOPE, FIFO_THROUGHPUT_LIMIT, QueueDefinition


@dataclass(frozen=True)
class QueuePair:
    queue: aws.sqs.Queue
    dead_letters: aws.sqs.Queue


def queue_with_dead_letters(
    queue_name: str, dead_letters_name: str, definition: QueueDefinition, opts: pulumi.ResourceOptions
) -> QueuePair:
    """The two queues, named ``queue_name`` and ``dead_letters_name`` in the program.

    A FIFO queue needs an explicit name (the definition's); a standard one keeps the name
    Pulumi gives it, so two stacks in one account never collide.
    """
    fifo = definition.fifo or None
    # Deduplication comes from each message's occurrenceId, never from the body.
    no_body_deduplication = False if definition.fifo else None
    dead_letters = aws.sqs.Queue(
        dead_letters_name,
        name=definition.dead_letter_name if definition.fifo else None,
        fifo_queue=fifo,
        content_based_deduplication=no_body_deduplication,
        sqs_managed_sse_enabled=True,
        message_retention_seconds=definition.dead_letter_retention,
        max_message_size=definition.max_message_bytes,
        opts=opts,
    )
    queue = aws.sqs.Queue(
        queue_name,
        name=definition.name if definition.fifo else None,
        fifo_queue=fifo,
        content_based_deduplication=no_body_deduplication,
        deduplication_scope=DEDUPLICATION_SCOPE if definition.fifo else None,
        fifo_throughput_limit=FIFO_THROUGHPUT_LIMIT if definition.fifo else None,
        sqs_managed_sse_enabled=True,
        visibility_timeout_seconds=definition.visibility_timeout,
        message_retention_seconds=definition.retention,
        max_message_size=definition.max_message_bytes,
        redrive_policy=dead_letters.arn.apply(definition.redrive_policy),
        opts=opts,
    )
    return QueuePair(queue, dead_letters)
