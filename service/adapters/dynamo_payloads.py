"""What a schedule keeps beside its item: a large payload (``table_schema.payload_key``) and
large details (``dynamo_details``), read in batches."""

from __future__ import annotations

from typing import Any

from service.adapters import table_schema as ts
from service.adapters.dynamo_batch import get_all
from service.adapters.dynamo_details import Details, details_key
from service.adapters.dynamo_items import (
    Item,
    details_from_item,
    has_external_details,
    has_external_payload,
    to_attributes,
)

ScheduleRef = tuple[str, str]  # namespace, job id


def _ref(item: Item) -> ScheduleRef:
    return item["namespace"]["S"], item["jobId"]["S"]


def read_payloads(client: Any, table: str, items: list[Item]) -> dict[ScheduleRef, str]:
    """The payloads of the schedule ``items`` (which keep theirs apart), by (namespace, jobId)."""
    return read_beside(client, table, items)[0]


def read_beside(
    client: Any, table: str, items: list[Item], *, consistent: bool = True
) -> tuple[dict[ScheduleRef, str], dict[ScheduleRef, Details]]:
    """The payloads and details the schedule ``items`` keep apart, by (namespace, jobId),
    in one batched read.

    Read consistently, as a single schedule is: a page never pairs a schedule with the
    payload it had before its last change. What is gone is left out.
    """
    keys = [to_attributes(ts.payload_key(*_ref(i))) for i in items if has_external_payload(i)]
    keys += [to_attributes(details_key(*_ref(i))) for i in items if has_external_details(i)]
    payloads: dict[ScheduleRef, str] = {}
    details: dict[ScheduleRef, Details] = {}
    if not keys:
        return payloads, details
    for item in get_all(client, table, keys, consistent=consistent):
        kind, namespace, job_id = item[ts.PARTITION_KEY]["S"].split("#", 2)
        if kind == "PAYLOAD":
            payloads[(namespace, job_id)] = item["payload"]["S"]
        else:
            details[(namespace, job_id)] = details_from_item(item)
    return payloads, details
