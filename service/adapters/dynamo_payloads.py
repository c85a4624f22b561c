"""Large payloads, kept in items of their own (``table_schema.payload_key``), read in batches."""

from __future__ import annotations

from typing import Any

from service.adapters import table_schema as ts
from service.adapters.dynamo_batch import get_all
from service.adapters.dynamo_items import Item, to_attributes


def read_payloads(client: Any, table: str, items: list[Item]) -> dict[tuple[str, str], str]:
    """The payloads of the schedule ``items`` (which keep theirs apart), by (namespace, jobId).

    Read consistently, as a single schedule is: a page never pairs a schedule with the
    payload it had before its last change. A payload that is gone is left out.
    """
    if not items:
        return {}
    keys = [to_attributes(ts.payload_key(i["namespace"]["S"], i["jobId"]["S"])) for i in items]
    found: dict[tuple[str, str], str] = {}
    for item in get_all(client, table, keys, consistent=True):
        _, namespace, job_id = item[ts.PARTITION_KEY]["S"].split("#", 2)
        found[(namespace, job_id)] = item["payload"]["S"]
    return found
