"""The delivery stage's queue of the local stack, in this process: what the cloud's hand-off
queue does on SQS, kept out of the emulator.

An emulator's SQS slows down with every message it holds back (moto's sends and receives
take hundreds of milliseconds once thousands of delayed messages wait), so runs not yet
due are kept here, ordered by when each becomes visible, and only runs due reach the
emulator (on their target queue). It behaves as the cloud's queue does, only on a finer
timer: a run becomes visible a moment before its instant (``LEAD``; the stage holds it
until its second), a received run is hidden for the visibility time-out unless deleted or
offered again later, and a run received ``max_receive_count`` times moves to the dead
letters. Its messages are kept in the data file with the table (``snapshot``/``restore``).
"""

from __future__ import annotations

import heapq
import itertools
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from service.adapters.handoff_messages import handoff_message
from service.adapters.queue_schema import HANDOFF, QueueDefinition
from service.services.delivery_ports import Received, StageQueue
from service.services.handoff import HandOff, HandOffItem, HandOffOutcome

LEAD = timedelta(milliseconds=200)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class StoredMessage:
    message_id: str
    body: str
    attributes: dict[str, str]
    visible_at: datetime
    sent_at: datetime
    receive_count: int = 0
    receipt_handle: str = ""

    def record(self, region: str, queue_arn: str) -> dict[str, Any]:
        """The message as a record of Lambda's SQS event."""
        return {
            "messageId": self.message_id,
            "receiptHandle": self.receipt_handle,
            "body": self.body,
            "attributes": {
                "ApproximateReceiveCount": str(self.receive_count),
                "SentTimestamp": str(int(self.sent_at.timestamp() * 1000)),
                "SenderId": "local",
                "ApproximateFirstReceiveTimestamp": str(int(self.visible_at.timestamp() * 1000)),
            },
            "messageAttributes": {
                name: {"stringValue": value, "stringListValues": [], "binaryListValues": [], "dataType": "String"}
                for name, value in self.attributes.items()
            },
            "md5OfBody": "",
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": region,
        }


@dataclass
class _Heap:
    entries: list[tuple[datetime, int, str]] = field(default_factory=list)
    counter: itertools.count[int] = field(default_factory=itertools.count)

    def push(self, visible_at: datetime, message_id: str) -> None:
        heapq.heappush(self.entries, (visible_at, next(self.counter), message_id))


class LocalStageQueue(HandOff, StageQueue):
    def __init__(
        self, definition: QueueDefinition = HANDOFF, clock: Callable[[], datetime] = utc_now, lead: timedelta = LEAD
    ) -> None:
        self._definition = definition
        self._clock = clock
        self._lead = lead
        self._messages: dict[str, StoredMessage] = {}
        self._heap = _Heap()
        self.dead_letters: list[StoredMessage] = []
        self._taken: set[str] = set()  # received, neither deleted nor offered again yet
        self._changed = threading.Condition()

    # -- the hand-off (the dispatcher's and the API's side) ---------------------------

    def hand_off(self, items: Sequence[HandOffItem]) -> list[HandOffOutcome]:
        now = self._clock()
        with self._changed:
            for item in items:
                message = handoff_message(item, now)
                # A finer timer than SQS's whole-second delays: visible just before its time.
                visible_at = max(now, item.visible_at - self._lead)
                attributes = {name: value["StringValue"] for name, value in message.attributes.items()}
                stored = StoredMessage(str(uuid.uuid4()), message.body, attributes, visible_at, now)
                self._messages[stored.message_id] = stored
                self._heap.push(visible_at, stored.message_id)
            self._changed.notify_all()
        return [HandOffOutcome(item) for item in items]

    # -- the receiving side (the runner's) -----------------------------------------------

    def receive(self, max_messages: int, wait: float) -> list[StoredMessage]:
        """Up to ``max_messages`` visible messages, waiting up to ``wait`` seconds for one."""
        with self._changed:
            deadline = self._clock() + timedelta(seconds=wait)
            while True:
                now = self._clock()
                batch = self._take_visible(now, max_messages)
                if batch or now >= deadline:
                    return batch
                next_visible = self._heap.entries[0][0] if self._heap.entries else deadline
                self._changed.wait(max(0.001, (min(next_visible, deadline) - now).total_seconds()))

    def _take_visible(self, now: datetime, max_messages: int) -> list[StoredMessage]:
        batch: list[StoredMessage] = []
        while self._heap.entries and len(batch) < max_messages:
            visible_at, _, message_id = self._heap.entries[0]
            if visible_at > now:
                break
            heapq.heappop(self._heap.entries)
            message = self._messages.get(message_id)
            if message is None or message.visible_at != visible_at:
                continue  # deleted, or made visible at another time since
            if message.receive_count >= self._definition.max_receive_count:
                del self._messages[message_id]
                self._taken.discard(message_id)
                self.dead_letters.append(message)
                continue
            message.receive_count += 1
            message.receipt_handle = str(uuid.uuid4())
            self._taken.add(message_id)
            message.visible_at = now + timedelta(seconds=self._definition.visibility_timeout)
            self._heap.push(message.visible_at, message_id)
            batch.append(message)
        return batch

    def delete(self, message_ids: Sequence[str]) -> None:
        with self._changed:
            for message_id in message_ids:
                self._messages.pop(message_id, None)
                self._taken.discard(message_id)

    def retry_later(self, runs: Sequence[tuple[Received, timedelta]]) -> None:
        with self._changed:
            now = self._clock()
            for received, delay in runs:
                message = self._messages.get(received.message_id)
                if message is None or message.receipt_handle != received.receipt_handle:
                    continue
                message.visible_at = now + delay
                self._taken.discard(message.message_id)
                self._heap.push(message.visible_at, message.message_id)
            self._changed.notify_all()

    def delivering(self) -> bool:
        """Whether runs are due now: visible, or received and not yet settled."""
        with self._changed:
            return bool(self._taken) or bool(self._heap.entries and self._heap.entries[0][0] <= self._clock())

    def wake(self) -> None:
        with self._changed:
            self._changed.notify_all()

    # -- kept with the data file ---------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Every message, its visibility and receives: a received one comes back when its
        visibility ends, as it would on SQS after a crash of its receiver."""
        with self._changed:
            return {
                "messages": [_saved(m) for m in self._messages.values()],
                "deadLetters": [_saved(m) for m in self.dead_letters],
            }

    def restore(self, saved: dict[str, Any]) -> int:
        with self._changed:
            for entry in saved.get("messages", []):
                message = _loaded(entry)
                self._messages[message.message_id] = message
                self._heap.push(message.visible_at, message.message_id)
            self.dead_letters.extend(_loaded(entry) for entry in saved.get("deadLetters", []))
            self._changed.notify_all()
            return len(saved.get("messages", []))

    def __len__(self) -> int:
        with self._changed:
            return len(self._messages)


def _saved(message: StoredMessage) -> dict[str, Any]:
    return {
        "messageId": message.message_id,
        "body": message.body,
        "attributes": message.attributes,
        "visibleAt": message.visible_at.isoformat(),
        "sentAt": message.sent_at.isoformat(),
        "receiveCount": message.receive_count,
    }


def _loaded(entry: dict[str, Any]) -> StoredMessage:
    return StoredMessage(
        message_id=str(entry["messageId"]),
        body=str(entry["body"]),
        attributes={str(k): str(v) for k, v in dict(entry["attributes"]).items()},
        visible_at=datetime.fromisoformat(entry["visibleAt"]),
        sent_at=datetime.fromisoformat(entry["sentAt"]),
        receive_count=int(entry["receiveCount"]),
    )
