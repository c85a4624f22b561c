"""Paging helpers of the DynamoDB repository: pages read by Query, opaque cursors, pages cut
by size, and a run kept outside the history.

A cursor carries only the sort key to continue after; the partition key comes from the
caller's own namespace, so a cursor never opens another namespace's items.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from service.adapters.dynamo_items import Item, item_answer_bytes, run_sort_key, to_attributes
from service.domain.errors import InvalidCursor
from service.domain.runs import Run

_CURSOR_VALUE = re.compile(r"^[A-Za-z0-9:#._-]{1,200}$")
# A filtered listing reads at most this many pages of the partition per request, then
# returns what it has with a cursor, so one request's cost stays bounded.
MAX_QUERIES_PER_PAGE = 10


def query_page(
    client: Any, query: dict[str, Any], limit: int, start: dict[str, str] | None, filtered: bool
) -> tuple[list[Item], str | None]:
    """Up to ``limit`` items, and the sort key to continue after if more may exist.

    One item more than the page is asked for, so that a page that ends exactly at the
    end of the data carries no cursor to an empty page.
    """
    collected: list[Item] = []
    exclusive_start = to_attributes(start) if start else None
    for _ in range(MAX_QUERIES_PER_PAGE):
        wanted = limit + 1 - len(collected)
        request = dict(query, Limit=max(wanted, 100) if filtered else wanted)
        if exclusive_start:
            request["ExclusiveStartKey"] = exclusive_start
        response = client.query(**request)
        collected.extend(response["Items"])
        exclusive_start = response.get("LastEvaluatedKey")
        if len(collected) > limit or not exclusive_start:
            break
    if len(collected) > limit:
        page = collected[:limit]
        return page, page[-1]["sk"]["S"]
    if exclusive_start:  # the read budget ran out before the page filled
        return collected, exclusive_start["sk"]["S"]
    return collected, None


def fit_in_bytes(items: list[Item], max_bytes: int) -> list[Item]:
    """The leading schedule items whose answers add up to at most ``max_bytes``; at least
    one, so that paging always moves on."""
    total = 0
    for count, item in enumerate(items):
        total += item_answer_bytes(item)
        if count and total > max_bytes:
            return items[:count]
    return items


def merge_unrecorded(
    page: list[tuple[str, Run]], next_key: str | None, after: str | None, run: Run, limit: int
) -> tuple[list[tuple[str, Run]], str | None]:
    """Place a run that has no history item (a schedule's last run that needs none, see
    ``needs_history_item``) in the newest-first sequence, as if it were stored: on the
    page its sort key falls in."""
    key = run_sort_key(run)
    if after is not None and key >= after:
        return page, next_key  # an earlier page held it
    if next_key is not None and key < next_key:
        return page, next_key  # a later page will hold it
    if any(existing == key for existing, _ in page):
        return page, next_key
    merged = sorted([*page, (key, run)], key=lambda pair: pair[0], reverse=True)
    if len(merged) > limit:
        merged = merged[:limit]
        next_key = merged[-1][0]
    return merged, next_key


def encode_cursor(sort_key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"k": sort_key}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)["k"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InvalidCursor() from None
    if not isinstance(value, str) or not _CURSOR_VALUE.fullmatch(value):
        raise InvalidCursor()
    return value
