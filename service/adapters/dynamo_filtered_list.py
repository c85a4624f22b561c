"""Lists filtered by labels and name prefix, read through the index entries
(``dynamo_indexes``): what a page costs is what it matches, never the namespace.

A page Queries the entries of one filter (the first label given, else the name prefix),
reads the schedules they name in batches, and checks the other filters (labels, name,
state) on what it read. Like the unfiltered list it reads one more than the page, so a page
that ends with the data has no cursor, and stops after ``MAX_QUERIES_PER_PAGE`` Queries
with a cursor to go on from where it stopped.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from typing import Any

from service.adapters.dynamo_batch import get_all
from service.adapters.dynamo_details import details_key
from service.adapters.dynamo_indexes import indexed_name, label_partition, name_partition
from service.adapters.dynamo_items import (
    Item,
    details_from_item,
    has_external_details,
    item_to_schedule,
    schedule_key,
    to_attributes,
)
from service.adapters.dynamo_paging import MAX_QUERIES_PER_PAGE, decode_cursor, encode_cursor, fit_in_bytes
from service.domain.about import Labels, name_key
from service.domain.errors import InvalidCursor
from service.domain.schedule import Schedule, State
from service.services.ports import Page

_NAME_ENTRY = re.compile(r"^.{0,600}#[0-9a-f-]{36}$", re.DOTALL)
# Entries read per Query when other filters are checked on what is read: fewer would take
# many round trips to fill a page of a filter that matches one schedule in several.
_SIFTING_BATCH = 25


def filtered_page(
    client: Any,
    table: str,
    namespace: str,
    limit: int,
    cursor: str | None,
    *,
    state: State | None,
    labels: Labels,
    name_prefix: str | None,
    max_bytes: int,
    whole: Callable[[list[Item]], list[Schedule]],
) -> Page[Schedule]:
    if labels:
        (key, value), others = labels[0], labels[1:]
        query = _query(table, "pk = :pk", {":pk": label_partition(namespace, key, value)})
        start = decode_cursor(cursor) if cursor else None
        encode = encode_cursor
    else:
        others = ()
        query = _query(
            table,
            "pk = :pk AND begins_with(sk, :prefix)",
            {":pk": name_partition(namespace), ":prefix": indexed_name(name_prefix or "")},
        )
        start = _decode_name_cursor(cursor) if cursor else None
        encode = _encode_name_cursor
    sifting = bool(others) or state is not None or (bool(labels) and name_prefix is not None)

    def matches(schedule: Schedule) -> bool:
        if state is not None and schedule.state is not state:
            return False
        if name_prefix is not None and not name_key(schedule.name or "").startswith(name_key(name_prefix)):
            return False
        return set(others) <= set(schedule.labels)

    matched: list[tuple[str, Item]] = []
    partition = query["ExpressionAttributeValues"][":pk"]["S"]
    exclusive_start = to_attributes({"pk": partition, "sk": start}) if start else None
    more = False  # an entry is left past the page (read, its schedule not)
    last_consumed: str | None = None
    for _ in range(MAX_QUERIES_PER_PAGE):
        wanted = limit + 1 - len(matched)
        request = dict(query, Limit=max(wanted, _SIFTING_BATCH) if sifting else wanted)
        if exclusive_start:
            request["ExclusiveStartKey"] = exclusive_start
        response = client.query(**request)
        entries = response["Items"]
        if not sifting and len(entries) >= wanted:
            # Unsifted, each entry is a match: the one past the page only says more exist.
            entries, more = entries[: wanted - 1], True
        if entries:
            last_consumed = entries[-1]["sk"]["S"]
        for entry, item in _schedules_of(client, table, namespace, entries, matches):
            matched.append((entry, item))
            if len(matched) > limit:
                more = True
                break
        exclusive_start = response.get("LastEvaluatedKey")
        if more or not exclusive_start:
            break
    next_key: str | None = None
    if more:
        matched = matched[:limit]
        next_key = matched[-1][0] if len(matched) == limit else last_consumed
    elif exclusive_start:  # the read budget ran out before the page filled
        next_key = exclusive_start["sk"]["S"]
    items = [item for _, item in matched]
    fitting = fit_in_bytes(items, max_bytes) if items else []
    if len(fitting) < len(items):
        next_key = matched[len(fitting) - 1][0]
    return Page(whole(fitting), encode(next_key) if next_key else None)


def _query(table: str, condition: str, values: dict[str, str]) -> dict[str, Any]:
    # The entries are items of the table: read consistently, they show every change made.
    return {
        "TableName": table,
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": to_attributes(values),
        "ConsistentRead": True,
    }


def _schedules_of(
    client: Any, table: str, namespace: str, entries: list[Item], matches: Callable[[Schedule], bool]
) -> list[tuple[str, Item]]:
    """The schedule items the entries name that pass ``matches``, in the entries' order."""
    if not entries:
        return []
    keys = [schedule_key(namespace, entry["jobId"]["S"]) for entry in entries]
    found = {item["jobId"]["S"]: item for item in get_all(client, table, keys, consistent=True)}
    apart = [item for item in found.values() if has_external_details(item)]
    details = {}
    if apart:
        read = get_all(client, table, [to_attributes(details_key(namespace, i["jobId"]["S"])) for i in apart])
        details = {item["pk"]["S"].rsplit("#", 1)[1]: details_from_item(item) for item in read}
    chosen = []
    for entry in entries:
        job_id = entry["jobId"]["S"]
        item = found.get(job_id)
        if item is None:
            continue  # deleted since the entry was read
        schedule = item_to_schedule(
            item, payload="", details=details.get(job_id, (None, None, ())) if item in apart else None
        )
        if matches(schedule):
            chosen.append((entry["sk"]["S"], item))
    return chosen


def _encode_name_cursor(sort_key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"n": sort_key}).encode()).decode().rstrip("=")


def _decode_name_cursor(cursor: str) -> str:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["n"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InvalidCursor() from None
    if not isinstance(value, str) or not _NAME_ENTRY.fullmatch(value):
        raise InvalidCursor()
    return value
