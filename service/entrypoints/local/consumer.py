"""A stand-in for the user's consumer: receives each delivered message and prints it as
one JSON line on stdout, with how late it arrived, then deletes it."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from service.entrypoints.local.background import BackgroundLoop

logger = logging.getLogger(__name__)

MAX_MESSAGES = 10  # SQS limit per receive
# Emulators answer a long poll when a message is *sent*, not when a delayed one becomes
# visible (moto re-checks once a second), which would add up to a second to every
# scheduled delivery. Short polls this often keep the measured lateness the dispatcher's own.
POLL_INTERVAL_SECONDS = 0.1
ERROR_PAUSE_SECONDS = 1.0


def iso_millis(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}Z"


def _attribute(message: Mapping[str, Any], name: str) -> str | None:
    value = message.get("MessageAttributes", {}).get(name, {}).get("StringValue")
    return value if isinstance(value, str) else None


def delivery_line(message: Mapping[str, Any], received_at: datetime) -> dict[str, Any]:
    """The record of one delivery; ``latenessMs`` is negative for an early message."""
    job_id = _attribute(message, "jobId")
    scheduled_for = _attribute(message, "scheduledFor")
    lateness: int | None = None
    if scheduled_for is not None:
        try:
            due = datetime.fromisoformat(scheduled_for.replace("Z", "+00:00"))
            lateness = round((received_at - due).total_seconds() * 1000)
        except ValueError:
            logger.warning("a message carries a scheduledFor that is not ISO-8601: %r", scheduled_for)
    return {
        "event": "delivered",
        "jobId": job_id,
        "scheduledFor": scheduled_for,
        "receivedAt": iso_millis(received_at),
        "latenessMs": lateness,
    }


def print_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Consumer(BackgroundLoop):
    name = "consumer"

    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        emit: Callable[[str], None] = print_line,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        poll_interval: float = POLL_INTERVAL_SECONDS,
    ) -> None:
        super().__init__()
        self._sqs = sqs
        self._queue_url = queue_url
        self._emit = emit
        self._clock = clock
        self._poll_interval = poll_interval

    def receive_once(self) -> int:
        """Receive, print and delete what is available; the number of messages."""
        response = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=MAX_MESSAGES,
            WaitTimeSeconds=0,
            MessageAttributeNames=["All"],
        )
        received_at = self._clock()
        messages: list[dict[str, Any]] = response.get("Messages", [])
        for message in messages:
            self._emit(json.dumps(delivery_line(message, received_at)))
        if messages:
            self._delete(messages)
        return len(messages)

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        failed = self._sqs.delete_message_batch(QueueUrl=self._queue_url, Entries=entries).get("Failed", [])
        if failed:
            # Not deleted: SQS offers it again after the visibility time-out (at least once).
            logger.warning("could not delete %d received message(s): %s", len(failed), failed)

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                received = self.receive_once()
            except (BotoCoreError, ClientError) as exc:
                logger.warning("receiving from the queue failed (%s); retrying", exc)
                self._stopped.wait(ERROR_PAUSE_SECONDS)
                continue
            if not received:
                self._stopped.wait(self._poll_interval)
