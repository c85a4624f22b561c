"""The one definition of each queue and its dead-letter queue, used by the Pulumi program
(``infra/data.py``), the local stack and the tests, so the local stack and the cloud behave
alike: a message that is not processed ``max_receive_count`` times moves to the dead-letter
queue instead of being retried forever or lost.

Two queues: the stack's delivery queue (the ``default`` namespace's built-in target, read
by the user's consumers), and the internal hand-off queue of the delivery stage (read by
the delivery function alone; ``HANDOFF``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

QUEUE_NAME = "scheduler-deliveries"
HANDOFF_SUFFIX = "-handoff"
DEAD_LETTER_SUFFIX = "-dlq"
FIFO_SUFFIX = ".fifo"
# How long a received message stays hidden before SQS offers it again: long enough for a
# consumer to process one message, short enough that a crashed consumer's work comes back soon.
VISIBILITY_TIMEOUT_SECONDS = 30
MESSAGE_RETENTION_SECONDS = 4 * 24 * 3600  # SQS's default
# The dead-letter queue keeps messages for the longest time SQS allows, to leave room to inspect them.
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600
MAX_RECEIVE_COUNT = 5
# A 256 KiB payload plus its attributes is over 256 KiB: SQS's largest message, 1 MiB.
MAX_MESSAGE_BYTES = 1024 * 1024
# SQS's own bounds.
RECEIVE_COUNTS = (1, 1000)
VISIBILITY_TIMEOUTS = (0, 12 * 3600)
RETENTIONS = (60, 14 * 24 * 3600)
# High-throughput FIFO: ordering and deduplication per job (the message group), which is
# all the contract promises, lifts the 300 messages/s limit of a queue-wide scope.
DEDUPLICATION_SCOPE = "messageGroup"
FIFO_THROUGHPUT_LIMIT = "perMessageGroupId"


@dataclass(frozen=True)
class QueueDefinition:
    """A name ending in ``.fifo`` makes both queues FIFO."""

    name: str = QUEUE_NAME
    visibility_timeout: int = VISIBILITY_TIMEOUT_SECONDS
    retention: int = MESSAGE_RETENTION_SECONDS
    dead_letter_retention: int = DEAD_LETTER_RETENTION_SECONDS
    max_receive_count: int = MAX_RECEIVE_COUNT
    max_message_bytes: int = MAX_MESSAGE_BYTES

    def __post_init__(self) -> None:
        for attribute, (low, high) in (
            ("max_receive_count", RECEIVE_COUNTS),
            ("visibility_timeout", VISIBILITY_TIMEOUTS),
            ("retention", RETENTIONS),
            ("dead_letter_retention", RETENTIONS),
        ):
            value = getattr(self, attribute)
            if not low <= value <= high:
                raise ValueError(f"{attribute} must be {low}..{high}, got {value}")

    @property
    def fifo(self) -> bool:
        return self.name.endswith(FIFO_SUFFIX)

    @property
    def dead_letter_name(self) -> str:
        # A FIFO queue's dead-letter queue must be FIFO too, and keep the suffix last.
        if self.fifo:
            return self.name.removesuffix(FIFO_SUFFIX) + DEAD_LETTER_SUFFIX + FIFO_SUFFIX
        return self.name + DEAD_LETTER_SUFFIX

    def redrive_policy(self, dead_letter_arn: str) -> str:
        return json.dumps({"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": self.max_receive_count})

    # -- as SQS's attributes (boto3: the local stack and the tests) -------------------

    def dead_letter_attributes(self) -> dict[str, str]:
        return self._common_attributes() | {"MessageRetentionPeriod": str(self.dead_letter_retention)}

    def queue_attributes(self, dead_letter_arn: str) -> dict[str, str]:
        high_throughput = (
            {"DeduplicationScope": DEDUPLICATION_SCOPE, "FifoThroughputLimit": FIFO_THROUGHPUT_LIMIT}
            if self.fifo
            else {}
        )
        return (
            self._common_attributes()
            | high_throughput
            | {
                "VisibilityTimeout": str(self.visibility_timeout),
                "MessageRetentionPeriod": str(self.retention),
                "RedrivePolicy": self.redrive_policy(dead_letter_arn),
            }
        )

    def _common_attributes(self) -> dict[str, str]:
        # Deduplication comes from each message's occurrenceId, never from the body: two
        # occurrences of one job carry the same payload.
        fifo = {"FifoQueue": "true", "ContentBasedDeduplication": "false"} if self.fifo else {}
        return fifo | {"MaximumMessageSize": str(self.max_message_bytes), "SqsManagedSseEnabled": "true"}


# The delivery stage's queue. Its visibility time-out is six times the delivery function's
# time-out (what Lambda's SQS event source asks); a run that failed for a passing reason
# is offered again sooner than that, the function shortening its visibility. After
# ``max_receive_count`` receives a run goes to the hand-off's dead-letter queue, and an
# alarm fires: nothing is lost without a trace.
DELIVERY_TIMEOUT_SECONDS = 30
HANDOFF = QueueDefinition(
    name=QUEUE_NAME + HANDOFF_SUFFIX,
    visibility_timeout=6 * DELIVERY_TIMEOUT_SECONDS,
    max_receive_count=10,
)


def queue_name_from_url(queue_url: str) -> str:
    """``https://sqs.us-east-1.amazonaws.com/123456789012/jobs`` -> ``jobs``."""
    return queue_url.rstrip("/").rsplit("/", 1)[-1]
