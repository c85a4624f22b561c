"""The messages on the embedded emulator's queues, kept in the data file: what was delivered
to a target queue and not yet consumed (``SCHEDULER_CONSUME=off``), and its dead letters.

The embedded moto server runs in this process, so its SQS backend is read directly: every
message as it is, delayed and in flight included, which no SQS call can show without
receiving it (and so changing it). A message goes back exactly: its id, body, attributes,
FIFO group and deduplication id, when it was sent, when it becomes visible, how often it was
received (so a poison message still reaches its dead-letter queue after its receives).
Times are wall-clock instants, so a delayed message becomes visible at its time after a
restart, and one a consumer had received comes back when its visibility ends, as after a
consumer's crash. Only queues that exist again after the restart get theirs back (the
stack creates its own at start); the others' messages are reported, not restored.

This reads moto's models rather than its API, so it is tied to moto's SQS backend (5.x);
``tests/integration/test_local_emulator_queues.py`` holds it to what it needs.
"""

from __future__ import annotations

import base64
import logging
from typing import Any

from moto.sqs.models import Message, sqs_backends

logger = logging.getLogger(__name__)


def snapshot(account: str, region: str) -> dict[str, list[dict[str, Any]]]:
    """Every queue's messages, by queue name."""
    backend = sqs_backends[account][region]
    saved: dict[str, list[dict[str, Any]]] = {}
    for name, queue in list(backend.queues.items()):
        with queue._messages_lock:
            messages = list(queue._messages)
        saved[name] = [_saved(message) for message in messages]
    return saved


def restore(account: str, region: str, saved: dict[str, Any]) -> int:
    """Put the saved messages back on their queues; the number restored."""
    backend = sqs_backends[account][region]
    restored = 0
    for name, messages in saved.items():
        queue = backend.queues.get(name)
        if queue is None:
            logger.warning("queue %s is gone: its %d saved message(s) are not restored", name, len(messages))
            continue
        known = {message.id for message in queue._messages}
        for entry in messages:
            if entry["id"] not in known:  # restored once already (an emulator that outlived the stack)
                queue.add_message(_loaded(entry))
                restored += 1
    return restored


def _saved(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "body": message.body,
        "attributes": {name: _text_values(value) for name, value in message.message_attributes.items()},
        "systemAttributes": message.system_attributes,
        "sentTimestamp": message.sent_timestamp,
        "visibleAt": message.visible_at,
        "delayedUntil": message.delayed_until,
        "receiveCount": message.approximate_receive_count,
        "firstReceiveTimestamp": message.approximate_first_receive_timestamp,
        "groupId": message.group_id,
        "deduplicationId": message.deduplication_id,
        "sequenceNumber": message.sequence_number,
    }


def _loaded(entry: dict[str, Any]) -> Message:
    message = Message(str(entry["id"]), str(entry["body"]), dict(entry.get("systemAttributes") or {}))
    message.message_attributes = {name: _byte_values(value) for name, value in (entry.get("attributes") or {}).items()}
    message.sent_timestamp = entry.get("sentTimestamp")
    message.visible_at = float(entry.get("visibleAt") or 0.0)
    message.delayed_until = float(entry.get("delayedUntil") or 0.0)
    message.approximate_receive_count = int(entry.get("receiveCount") or 0)
    message.approximate_first_receive_timestamp = entry.get("firstReceiveTimestamp")
    message.group_id = entry.get("groupId")
    message.deduplication_id = entry.get("deduplicationId")
    message.sequence_number = entry.get("sequenceNumber")
    return message


# A binary attribute's value is bytes in the backend: kept as base64 text in the file.
_BINARY = "BinaryValue"
_BINARY_TEXT = "BinaryValueBase64"


def _text_values(value: dict[str, Any]) -> dict[str, Any]:
    if isinstance(value.get(_BINARY), bytes):
        value = {k: v for k, v in value.items() if k != _BINARY} | {
            _BINARY_TEXT: base64.b64encode(value[_BINARY]).decode()
        }
    return value


def _byte_values(value: dict[str, Any]) -> dict[str, Any]:
    if _BINARY_TEXT in value:
        value = {k: v for k, v in value.items() if k != _BINARY_TEXT} | {_BINARY: base64.b64decode(value[_BINARY_TEXT])}
    return dict(value)
