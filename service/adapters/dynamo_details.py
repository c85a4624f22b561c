"""A schedule's name, description and labels in DynamoDB: in its item while they are small,
in an item of their own beside it when they are not.

The schedule item is rewritten at every run, and DynamoDB bills a write per KB of the item
(and the due index holds a copy of it): a description of 2,000 characters or 20 long labels
in it would make every run cost several write units. So they stay in the item only while
they fit, with an inline payload, in ``INLINE_BYTES`` (the item then stays under 1 KB), and
move otherwise to the details item (``details_key``), written only when they change.
"""

from __future__ import annotations

from typing import Any

from service.domain.about import Labels
from service.domain.schedule import Schedule

INLINE_BYTES = 512  # an inline payload and inline details together, at most
DETAILS_EXTERNAL = "detailsExternal"
DETAILS_ANSWER_BYTES = "detailsAnswerBytes"
Details = tuple[str | None, str | None, Labels]  # name, description, labels


def details_key(namespace: str, job_id: str) -> dict[str, str]:
    return {"pk": f"DETAILS#{namespace}#{job_id}", "sk": "DETAILS"}


def details_of(schedule: Schedule) -> Details:
    return schedule.name, schedule.description, schedule.labels


def details_size(details: Details) -> int:
    """The bytes they add to an item, as DynamoDB sizes it (attribute names, UTF-8 values,
    and a few bytes per map entry), rounded up."""
    name, description, labels = details
    size = sum(
        len(attribute) + _utf8(text) for attribute, text in (("name", name), ("description", description)) if text
    )
    if labels:
        size += len("labels") + 3 + sum(_utf8(key) + _utf8(value) + 1 for key, value in labels)
    return size


def details_inline(details: Details, inline_payload_bytes: int) -> bool:
    return inline_payload_bytes + details_size(details) <= INLINE_BYTES


def details_values(details: Details) -> dict[str, Any]:
    name, description, labels = details
    return {"name": name, "description": description, "labels": dict(labels) if labels else None}


def details_from_values(values: dict[str, Any]) -> Details:
    labels = values.get("labels") or {}
    return values.get("name"), values.get("description"), tuple(sorted(labels.items()))


def _utf8(text: str) -> int:
    return len(text.encode("utf-8", errors="surrogatepass"))
