"""Batch reads and writes that finish: DynamoDB may hand back part of a batch as
unprocessed (throttled) items; those are retried with backoff until none are left."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

MAX_BATCH_WRITE = 25  # DynamoDB limit per BatchWriteItem
MAX_BATCH_GET = 100  # DynamoDB limit per BatchGetItem
ATTEMPTS = 8


class UnprocessedItemsError(RuntimeError):
    pass


def _backoff(attempt: int) -> None:
    # "Full jitter": uniform in [0, 50 ms * 2^attempt], at most a second.
    time.sleep(random.uniform(0, min(1.0, 0.05 * 2**attempt)))


def write_all(client: Any, table: str, requests: list[dict[str, Any]], sleep: Callable[[int], None] = _backoff) -> None:
    """``PutRequest``/``DeleteRequest`` entries, in batches of 25, every one written."""
    for start in range(0, len(requests), MAX_BATCH_WRITE):
        pending: dict[str, Any] = {table: requests[start : start + MAX_BATCH_WRITE]}
        for attempt in range(ATTEMPTS):
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                break
            sleep(attempt)
        else:
            raise UnprocessedItemsError(f"DynamoDB left {len(pending[table])} item(s) unwritten after retries")


def get_all(
    client: Any,
    table: str,
    keys: list[dict[str, Any]],
    sleep: Callable[[int], None] = _backoff,
    *,
    consistent: bool = False,
) -> list[Any]:
    """The items at ``keys`` (those that exist), in batches of 100."""
    found: list[Any] = []
    for start in range(0, len(keys), MAX_BATCH_GET):
        batch: dict[str, Any] = {"Keys": keys[start : start + MAX_BATCH_GET]}
        if consistent:
            batch["ConsistentRead"] = True
        pending: dict[str, Any] = {table: batch}
        for attempt in range(ATTEMPTS):
            response = client.batch_get_item(RequestItems=pending)
            found.extend(response["Responses"].get(table, []))
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                break
            sleep(attempt)
        else:
            raise UnprocessedItemsError(f"DynamoDB left {len(pending[table]['Keys'])} key(s) unread after retries")
    return found
