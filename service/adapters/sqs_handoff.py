"""The delivery stage's queue on SQS (``HandOff``): one message per run, delayed to its
instant; and its dead-letter queue (``DeadLetters``), where a copy of a run given up on goes
at once, in the same shape."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from service.adapters.handoff_messages import handoff_message
from service.adapters.sqs_batches import BatchSender
from service.services.delivery_ports import DeadLetters
from service.services.handoff import HandOff, HandOffItem, HandOffOutcome


class SqsHandOff(HandOff):
    def __init__(self, batches: BatchSender, queue_url: str, clock: Callable[[], datetime]) -> None:
        self._batches = batches
        self._queue_url = queue_url
        self._clock = clock

    @classmethod
    def over(cls, client: Any, queue_url: str, clock: Callable[[], datetime], **retries: Any) -> SqsHandOff:
        return cls(BatchSender(client, **retries), queue_url, clock)

    def hand_off(self, items: Sequence[HandOffItem]) -> list[HandOffOutcome]:
        now = self._clock()  # the delays are reckoned just before the send
        sent = self._batches.send(self._queue_url, [handoff_message(item, now) for item in items])
        return [HandOffOutcome(item, error=result.error) for item, result in zip(items, sent, strict=True)]


class SqsDeadLetters(DeadLetters):
    def __init__(self, batches: BatchSender, queue_url: str, clock: Callable[[], datetime]) -> None:
        self._batches = batches
        self._queue_url = queue_url
        self._clock = clock

    @classmethod
    def over(cls, client: Any, queue_url: str, clock: Callable[[], datetime]) -> SqsDeadLetters:
        return cls(BatchSender(client), queue_url, clock)

    def keep(self, items: Sequence[HandOffItem]) -> None:
        now = self._clock()
        messages = [replace(handoff_message(item, now), delay_seconds=0) for item in items]
        refused = [result.error for result in self._batches.send(self._queue_url, messages) if not result.ok]
        if refused:
            raise RuntimeError(f"the dead-letter queue refused {len(refused)} message(s): {refused[0]}")
