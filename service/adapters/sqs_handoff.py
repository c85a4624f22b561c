"""The delivery stage's queue on SQS (``HandOff``): one message per run, delayed to its instant."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from service.adapters.handoff_messages import handoff_message
from service.adapters.sqs_batches import BatchSender
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
