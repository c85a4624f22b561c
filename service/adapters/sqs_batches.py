"""``SendMessageBatch`` that finishes: messages go out in batches SQS accepts (10 entries,
256 KiB in all), and the entries a successful call still refuses are sent again.

Throttling and connection errors of a whole call are retried by botocore (the clients are
built with its ``standard`` retry mode, see ``bootstrap``). A call that succeeds can still
refuse some entries; those are retried here with exponential backoff and jitter: the set
to retry shrinks at each attempt, which a generic retry decorator does not model. An
entry refused as the sender's fault (too large, bad characters) is final.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

MAX_BATCH_ENTRIES = 10  # SQS limit per SendMessageBatch
MAX_BATCH_BYTES = 256 * 1024  # total of bodies and attributes in one batch
MAX_DELAY_SECONDS = 900  # SQS limit on DelaySeconds

Attributes = dict[str, dict[str, str]]


def string_attributes(values: dict[str, str]) -> Attributes:
    return {name: {"DataType": "String", "StringValue": value} for name, value in values.items()}


@dataclass(frozen=True)
class Message:
    body: str
    attributes: Attributes = field(default_factory=dict)
    delay_seconds: int = 0
    group_id: str | None = None  # FIFO queues
    deduplication_id: str | None = None  # FIFO queues

    @property
    def size(self) -> int:
        """Bytes SQS counts for the message: body, attribute names, types and values."""
        size = len(self.body.encode("utf-8"))
        for name, value in self.attributes.items():
            size += len(name) + len(value["DataType"]) + len(value["StringValue"].encode("utf-8"))
        return size


@dataclass(frozen=True)
class Sent:
    message_id: str | None = None
    error: str | None = None
    sender_fault: bool = False  # refused for what it is: no retry changes that

    @property
    def ok(self) -> bool:
        return self.message_id is not None


class BatchSender:
    def __init__(
        self,
        client: Any,
        *,
        max_attempts: int = 5,
        base_delay: float = 0.05,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._max_attempts = max_attempts
        self._base_delay = base_delay
        self._sleep = sleep

    def send(self, queue_url: str, messages: Sequence[Message]) -> list[Sent]:
        """One result per message, in order. Never raises for a refused message."""
        results: dict[int, Sent] = {}
        for batch in _batches(list(enumerate(messages))):
            results.update(self._send_batch(queue_url, batch))
        return [results[index] for index in range(len(messages))]

    def _send_batch(self, queue_url: str, batch: list[tuple[int, Message]]) -> dict[int, Sent]:
        results: dict[int, Sent] = {}
        pending = dict(batch)
        last_error = "not sent"
        for attempt in range(self._max_attempts):
            if attempt:
                self._sleep(self._backoff(attempt))
            try:
                response = self._client.send_message_batch(
                    QueueUrl=queue_url, Entries=[_entry(index, message) for index, message in pending.items()]
                )
            except (ClientError, BotoCoreError) as exc:
                # botocore already retried what it could; one more round here, then give up.
                last_error = f"{type(exc).__name__}: {exc}"
                continue
            for success in response.get("Successful", []):
                index = int(success["Id"])
                pending.pop(index)
                results[index] = Sent(message_id=success["MessageId"])
            for failure in response.get("Failed", []):
                index = int(failure["Id"])
                last_error = f"{failure.get('Code')}: {failure.get('Message', '')}"
                if failure.get("SenderFault"):
                    pending.pop(index)
                    results[index] = Sent(error=last_error, sender_fault=True)
            if not pending:
                break
        for index in pending:
            results[index] = Sent(error=last_error)
        return results

    def _backoff(self, attempt: int) -> float:
        # "Full jitter": uniform in [0, base * 2^attempt], capped at two seconds.
        return random.uniform(0, min(2.0, self._base_delay * 2**attempt))


def _batches(entries: list[tuple[int, Message]]) -> list[list[tuple[int, Message]]]:
    batches: list[list[tuple[int, Message]]] = []
    current: list[tuple[int, Message]] = []
    size = 0
    for entry in entries:
        entry_size = entry[1].size
        if current and (len(current) == MAX_BATCH_ENTRIES or size + entry_size > MAX_BATCH_BYTES):
            batches.append(current)
            current, size = [], 0
        current.append(entry)
        size += entry_size
    if current:
        batches.append(current)
    return batches


def _entry(index: int, message: Message) -> dict[str, Any]:
    entry: dict[str, Any] = {"Id": str(index), "MessageBody": message.body, "MessageAttributes": message.attributes}
    if message.group_id is not None:
        entry["MessageGroupId"] = message.group_id
    if message.deduplication_id is not None:
        entry["MessageDeduplicationId"] = message.deduplication_id
    if message.delay_seconds > 0:
        entry["DelaySeconds"] = min(message.delay_seconds, MAX_DELAY_SECONDS)
    return entry
