"""The delivery queue and its dead-letter queue: names and settings.

The Pulumi program mirrors these values, so that the local stack and the cloud behave
alike: a message that consumers fail to process ``MAX_RECEIVE_COUNT`` times moves to the
dead-letter queue instead of being retried forever or lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

QUEUE_NAME = "scheduler-deliveries"
DEAD_LETTER_SUFFIX = "-dlq"
# How long a received message stays hidden before SQS offers it again: long enough for a
# consumer to process one message, short enough that a crashed consumer's work comes back soon.
VISIBILITY_TIMEOUT_SECONDS = 30
MESSAGE_RETENTION_SECONDS = 4 * 24 * 3600  # SQS's default
# The dead-letter queue keeps messages for the longest time SQS allows, to leave room to inspect them.
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600
MAX_RECEIVE_COUNT = 5


@dataclass(frozen=True)
class QueueDefinition:
    name: str = QUEUE_NAME
    visibility_timeout: int = VISIBILITY_TIMEOUT_SECONDS
    retention: int = MESSAGE_RETENTION_SECONDS
    dead_letter_retention: int = DEAD_LETTER_RETENTION_SECONDS
    max_receive_count: int = MAX_RECEIVE_COUNT

    @property
    def dead_letter_name(self) -> str:
        # A FIFO queue's dead-letter queue must be FIFO too, and keep the suffix last.
        if self.name.endswith(".fifo"):
            return self.name.removesuffix(".fifo") + DEAD_LETTER_SUFFIX + ".fifo"
        return self.name + DEAD_LETTER_SUFFIX

    @property
    def fifo(self) -> bool:
        return self.name.endswith(".fifo")

    def dead_letter_attributes(self) -> dict[str, str]:
        return self._fifo_attributes() | {"MessageRetentionPeriod": str(self.dead_letter_retention)}

    def queue_attributes(self, dead_letter_arn: str) -> dict[str, str]:
        redrive = {"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": self.max_receive_count}
        return self._fifo_attributes() | {
            "VisibilityTimeout": str(self.visibility_timeout),
            "MessageRetentionPeriod": str(self.retention),
            "RedrivePolicy": json.dumps(redrive),
        }

    def _fifo_attributes(self) -> dict[str, str]:
        return {"FifoQueue": "true"} if self.fifo else {}


def queue_name_from_url(queue_url: str) -> str:
    """``https://sqs.us-east-1.amazonaws.com/123456789012/jobs`` -> ``jobs``."""
    return queue_url.rstrip("/").rsplit("/", 1)[-1]
