"""A run handed to the delivery stage, as a message of its queue, and back.

The body is the payload exactly, as on the target: the stage delivers it as it came. The
attributes are the target message's four (``jobId``, ``scheduledFor``, ``occurrenceId``,
``namespace``) and one more, ``handoff``: a small JSON object with what the stage judges
the run by (the schedule's revision and pending run it was planned from, the trigger,
when it was handed off, the attempt). The same shape travels on SQS in the cloud and on
the local stack's own queue, which feeds the delivery handler the event Lambda would.

A message's delay makes it visible at its instant or up to one second before (delays are
whole seconds: rounding down never makes a run late, and the stage holds an early one
until its second). A run further ahead than SQS's longest delay (15 minutes: a retry's
backoff) is delayed that long and handed off again when it arrives.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from service.adapters.sqs_batches import MAX_DELAY_SECONDS, Message, string_attributes
from service.adapters.sqs_target_sender import contract_attributes
from service.domain.runs import RunTrigger, iso_seconds
from service.services.handoff import HandOffItem
from service.services.target_ports import Delivery

HANDOFF_ATTRIBUTE = "handoff"
FORMAT_VERSION = 1


class MalformedHandOff(ValueError):  # noqa: N818 - the name says what it is
    """A message of the hand-off queue that no hand-off wrote."""


def delay_seconds(item: HandOffItem, now: datetime) -> int:
    """Whole seconds that make the message visible at ``item.visible_at`` or up to a second
    before it (never after it), at most SQS's longest delay."""
    return max(0, min(MAX_DELAY_SECONDS, math.floor((item.visible_at - now).total_seconds())))


def handoff_message(item: HandOffItem, now: datetime) -> Message:
    details = {
        "v": FORMAT_VERSION,
        "trigger": item.trigger.value,
        "revision": item.revision,
        "dueRunAt": iso_seconds(item.due_run_at) if item.due_run_at else None,
        "handedOffAt": _millis_text(item.handed_off_at),
        "runId": item.delivery.run_id,
        "attempt": item.delivery.attempt,
        "notBefore": _millis_text(item.not_before) if item.not_before else None,
        "firstAttemptAt": _millis_text(item.first_attempt_at) if item.first_attempt_at else None,
    }
    attributes = {**contract_attributes(item.delivery), HANDOFF_ATTRIBUTE: json.dumps(details, separators=(",", ":"))}
    return Message(
        body=item.delivery.payload, attributes=string_attributes(attributes), delay_seconds=delay_seconds(item, now)
    )


def read_handoff(body: str, attributes: dict[str, str]) -> HandOffItem:
    """The hand-off a message carries, from its body and its string attributes."""
    try:
        details = json.loads(attributes[HANDOFF_ATTRIBUTE])
        if details.get("v") != FORMAT_VERSION:
            raise MalformedHandOff(f"hand-off format {details.get('v')!r} is not {FORMAT_VERSION}")
        delivery = Delivery(
            namespace=attributes["namespace"],
            job_id=attributes["jobId"],
            scheduled_for=_parse(attributes["scheduledFor"]),
            payload=body,
            run_id=details.get("runId"),
            attempt=int(details.get("attempt", 1)),
        )
        due = details.get("dueRunAt")
        not_before = details.get("notBefore")
        first_attempt = details.get("firstAttemptAt")
        return HandOffItem(
            delivery=delivery,
            trigger=RunTrigger(details["trigger"]),
            revision=int(details["revision"]),
            due_run_at=_parse(due) if due else None,
            handed_off_at=_parse(details["handedOffAt"]),
            not_before=_parse(not_before) if not_before else None,
            first_attempt_at=_parse(first_attempt) if first_attempt else None,
        )
    except MalformedHandOff:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MalformedHandOff(f"not a hand-off message: {type(exc).__name__}: {exc}") from None


def event_attributes(record: dict[str, Any]) -> dict[str, str]:
    """String attributes of a record of Lambda's SQS event (``messageAttributes`` with
    ``stringValue``) or of ``ReceiveMessage`` (``MessageAttributes`` with ``StringValue``)."""
    raw = record.get("messageAttributes") or record.get("MessageAttributes") or {}
    values: dict[str, str] = {}
    for name, value in raw.items():
        text = value.get("stringValue", value.get("StringValue"))
        if isinstance(text, str):
            values[name] = text
    return values


def _millis_text(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
