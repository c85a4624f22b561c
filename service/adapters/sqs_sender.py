"""Sends occurrences to SQS with the message contract of SPEC section 4.

Body: the payload exactly. Attributes: ``jobId``, ``scheduledFor``, ``occurrenceId``.
On a FIFO queue: ``MessageGroupId`` = jobId, ``MessageDeduplicationId`` = a digest of
the occurrenceId, so SQS itself drops a repeat sent within its five-minute window.

Throttling and connection errors of a whole call are retried by botocore (the client
is built with its ``standard`` retry mode, see ``bootstrap``). A ``SendMessageBatch``
that succeeds as a call can still refuse some entries; those are retried here with
exponential backoff and jitter: the set to retry shrinks at each attempt, which a
generic retry decorator does not model.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from service.services.ports import Occurrence, Sender, SendOutcome

MAX_BATCH_ENTRIES = 10  # SQS limit per SendMessageBatch
MAX_BATCH_BYTES = 256 * 1024  # total of bodies and attributes in one batch
MAX_DELAY_SECONDS = 900  # SQS limit on DelaySeconds


def message_attributes(occurrence: Occurrence) -> dict[str, dict[str, str]]:
    return {
        "jobId": {"DataType": "String", "StringValue": occurrence.job_id},
        "scheduledFor": {"DataType": "String", "StringValue": occurrence.scheduled_for_text},
        "occurrenceId": {"DataType": "String", "StringValue": occurrence.occurrence_id},
    }


def message_size(occurrence: Occurrence) -> int:
    """Bytes SQS counts for the message: body, attribute names, types and values."""
    size = len(occurrence.payload.encode("utf-8"))
    for name, value in message_attributes(occurrence).items():
        size += len(name) + len(value["DataType"]) + len(value["StringValue"].encode("utf-8"))
    return size


class SqsSender(Sender):
    def __init__(
        self,
        client: Any,
        queue_url: str,
        *,
        max_attempts: int = 5,
        base_delay: float = 0.05,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._queue_url = queue_url
        self._fifo = queue_url.endswith(".fifo")
        self.supports_delay = not self._fifo
        self._max_attempts = max_attempts
        self._base_delay = base_delay
        self._sleep = sleep

    def send(self, occurrences: Sequence[Occurrence]) -> list[SendOutcome]:
        outcomes: dict[int, SendOutcome] = {}
        for batch in self._batches(list(enumerate(occurrences))):
            outcomes.update(self._send_batch(batch))
        return [outcomes[index] for index in range(len(occurrences))]

    def _batches(self, entries: list[tuple[int, Occurrence]]) -> list[list[tuple[int, Occurrence]]]:
        batches: list[list[tuple[int, Occurrence]]] = []
        current: list[tuple[int, Occurrence]] = []
        size = 0
        for entry in entries:
            entry_size = message_size(entry[1])
            if current and (len(current) == MAX_BATCH_ENTRIES or size + entry_size > MAX_BATCH_BYTES):
                batches.append(current)
                current, size = [], 0
            current.append(entry)
            size += entry_size
        if current:
            batches.append(current)
        return batches

    def _send_batch(self, batch: list[tuple[int, Occurrence]]) -> dict[int, SendOutcome]:
        outcomes: dict[int, SendOutcome] = {}
        pending = dict(batch)
        last_error = "not sent"
        for attempt in range(self._max_attempts):
            if attempt:
                self._sleep(self._backoff(attempt))
            try:
                response = self._client.send_message_batch(
                    QueueUrl=self._queue_url,
                    Entries=[self._entry(index, occurrence) for index, occurrence in pending.items()],
                )
            except (ClientError, BotoCoreError) as exc:
                # botocore already retried what it could; one more round here, then give up.
                last_error = f"{type(exc).__name__}: {exc}"
                if attempt == self._max_attempts - 1:
                    break
                continue
            for success in response.get("Successful", []):
                index = int(success["Id"])
                outcomes[index] = SendOutcome(pending.pop(index), message_id=success["MessageId"])
            for failure in response.get("Failed", []):
                index = int(failure["Id"])
                last_error = f"{failure.get('Code')}: {failure.get('Message', '')}"
                if failure.get("SenderFault"):
                    # The message itself is refused (too large, bad characters): final.
                    outcomes[index] = SendOutcome(pending.pop(index), error=last_error)
            if not pending:
                break
        for index, occurrence in pending.items():
            outcomes[index] = SendOutcome(occurrence, error=last_error)
        return outcomes

    def _entry(self, index: int, occurrence: Occurrence) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "Id": str(index),
            "MessageBody": occurrence.payload,
            "MessageAttributes": message_attributes(occurrence),
        }
        if self._fifo:
            # FIFO queues take no per-message delay; the dispatcher sends them at their time.
            entry["MessageGroupId"] = occurrence.job_id
            entry["MessageDeduplicationId"] = hashlib.sha256(occurrence.occurrence_id.encode()).hexdigest()
        elif occurrence.delay_seconds > 0:
            entry["DelaySeconds"] = min(occurrence.delay_seconds, MAX_DELAY_SECONDS)
        return entry

    def _backoff(self, attempt: int) -> float:
        # "Full jitter": uniform in [0, base * 2^attempt], capped at two seconds.
        return random.uniform(0, min(2.0, self._base_delay * 2**attempt))
