"""Batch writes and reads that finish, against a hand-written fake DynamoDB client."""

from __future__ import annotations

from typing import Any

import pytest

from service.adapters.dynamo_batch import UnprocessedItemsError, get_all, write_all


class ThrottlingClient:
    """Hands back the last entry of each batch as unprocessed, ``refusals`` times in all."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.written: list[Any] = []
        self.batches: list[int] = []
        self.table: dict[str, Any] = {}

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> dict[str, Any]:
        ((table, requests),) = RequestItems.items()
        self.batches.append(len(requests))
        if self.refusals:
            self.refusals -= 1
            self.written.extend(requests[:-1])
            return {"UnprocessedItems": {table: requests[-1:]}}
        self.written.extend(requests)
        return {"UnprocessedItems": {}}

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        ((table, request),) = RequestItems.items()
        keys = request["Keys"]
        self.batches.append(len(keys))
        served, left = (keys[:-1], keys[-1:]) if self.refusals else (keys, [])
        if self.refusals:
            self.refusals -= 1
        items = [self.table[k["pk"]] for k in served if k["pk"] in self.table]
        return {"Responses": {table: items}, "UnprocessedKeys": {table: {"Keys": left}} if left else {}}


def _puts(count: int) -> list[dict[str, Any]]:
    return [{"PutRequest": {"Item": {"pk": str(i)}}} for i in range(count)]


def test_writes_go_in_batches_of_25_and_unprocessed_entries_are_retried_until_written() -> None:
    client = ThrottlingClient(refusals=3)
    waits: list[int] = []

    write_all(client, "t", _puts(60), sleep=waits.append)

    assert sorted(r["PutRequest"]["Item"]["pk"] for r in client.written) == sorted(str(i) for i in range(60))
    assert max(client.batches) == 25
    assert waits == [0, 1, 2]  # backoff grows with each retry of the same batch


def test_writes_give_up_loudly_when_dynamodb_keeps_refusing() -> None:
    with pytest.raises(UnprocessedItemsError, match="1 item"):
        write_all(ThrottlingClient(refusals=100), "t", _puts(3), sleep=lambda _: None)


def test_reads_collect_every_existing_item_across_batches_and_retries() -> None:
    client = ThrottlingClient(refusals=2)
    client.table = {str(i): {"pk": str(i)} for i in range(0, 250, 2)}  # every other key exists
    keys = [{"pk": str(i)} for i in range(250)]

    found = get_all(client, "t", keys, sleep=lambda _: None)

    assert sorted(int(item["pk"]) for item in found) == list(range(0, 250, 2))
    assert max(client.batches) == 100
