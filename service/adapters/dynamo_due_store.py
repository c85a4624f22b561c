"""The dispatcher's store on DynamoDB: due-index queries, shard leases, advances, history.

The dispatcher writes nothing per run it hands to the delivery stage: what it handed off
is kept in the shard's hand-off ledger, with the shard's lease (``dynamo_ledger``). A
shard lease is a write to take it, one to renew it every few seconds of work, and one to
release it, shared by every occurrence of that shard. A run that is only missed (no
delivery) is recorded here: one conditional ``UpdateItem`` of the schedule item that moves
or removes its due-index keys, and its history items in batches of 25.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from service.adapters import dynamo_advance
from service.adapters import table_schema as ts
from service.adapters.dynamo_items import (
    Item,
    item_to_schedule,
    to_attributes,
)
from service.adapters.dynamo_ledger import ledger_from_item, ledger_update, read_ledger
from service.adapters.dynamo_payloads import read_beside
from service.adapters.dynamo_repository import DEFAULT_RUN_RETENTION
from service.domain.handoff_ledger import HandOffLedger
from service.domain.runs import Run
from service.domain.schedule import Schedule
from service.services.due_store import DueStore

PAGE_SIZE = 100


def _lease_key(shard: str) -> Item:
    return to_attributes(ts.lease_key(shard))


def _millis(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def _refused(exc: ClientError) -> bool:
    return bool(exc.response["Error"]["Code"] == "ConditionalCheckFailedException")


class DynamoDueStore(DueStore):
    def __init__(self, client: Any, table_name: str, run_retention: Any = DEFAULT_RUN_RETENTION) -> None:
        self._client = client
        self._table = table_name
        self._retention = run_retention

    def shards(self) -> Sequence[str]:
        return ts.all_shards()

    def has_due(self, shard: str, until: datetime) -> bool:
        response = self._client.query(**self._due_query(shard, until), Limit=1, Select="COUNT")
        return bool(response["Count"])

    def count_due(self, shard: str, until: datetime, cap: int) -> int:
        # A COUNT query reads the index entries but returns none: half a read unit per 4 KB.
        request = {**self._due_query(shard, until), "Select": "COUNT", "Limit": cap}
        count = 0
        while count < cap:
            response = self._client.query(**request)
            count += response["Count"]
            if "LastEvaluatedKey" not in response:
                break
            request.update(ExclusiveStartKey=response["LastEvaluatedKey"], Limit=cap - count)
        return min(count, cap)

    def lease(self, shard: str, owner: str, now: datetime, until: datetime) -> HandOffLedger | None:
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key=_lease_key(shard),
                UpdateExpression="SET #owner = :owner, leaseUntil = :until, leasedAt = :now",
                # Free, lapsed (its owner released it or died), or already this owner's (a
                # retry after a lost answer).
                ConditionExpression="attribute_not_exists(pk) OR leaseUntil <= :now OR #owner = :owner",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues=to_attributes(
                    {":owner": owner, ":until": _millis(until), ":now": _millis(now)}
                ),
                ReturnValues="ALL_NEW",  # the ledger kept with the lease, at no extra read
            )
        except ClientError as exc:
            if _refused(exc):
                return None
            raise
        return ledger_from_item(response.get("Attributes", {}))

    def renew(self, shard: str, owner: str, until: datetime, ledger: HandOffLedger | None = None) -> bool:
        # Whoever takes a lapsed lease writes its own owner: the owner still there means
        # nobody else has worked the shard since, even if the lease lapsed meanwhile.
        return self._set_lease_until(shard, owner, until, ledger)

    def lease_ends(self, shard: str) -> datetime | None:
        item = self._client.get_item(
            TableName=self._table, Key=_lease_key(shard), ProjectionExpression="leaseUntil"
        ).get("Item")
        if item is None or "leaseUntil" not in item:
            return None
        return datetime.fromtimestamp(int(item["leaseUntil"]["N"]) / 1000, UTC)

    def release(self, shard: str, owner: str, free_from: datetime, ledger: HandOffLedger | None = None) -> None:
        self._set_lease_until(shard, owner, free_from, ledger)  # never shortens someone else's lease

    def ledger(self, shard: str) -> HandOffLedger:
        return read_ledger(self._client, self._table, shard)

    def _set_lease_until(self, shard: str, owner: str, until: datetime, ledger: HandOffLedger | None) -> bool:
        sets: list[str] = ["leaseUntil = :until"]
        removes: list[str] = []
        values: dict[str, Any] = {":until": _millis(until), ":owner": owner}
        if ledger is not None:
            ledger_sets, removes, ledger_values = ledger_update(ledger)
            sets += ledger_sets
            values.update(ledger_values)
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_lease_key(shard),
                UpdateExpression=expression,
                ConditionExpression="#owner = :owner",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues=to_attributes(values),
            )
        except ClientError as exc:
            if _refused(exc):
                return False
            raise
        return True

    def due(self, shard: str, until: datetime) -> Iterator[list[Schedule]]:
        request = {**self._due_query(shard, until), "Limit": PAGE_SIZE}
        while True:
            response = self._client.query(**request)
            if response["Items"]:
                yield self._schedules(response["Items"])
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def advance(self, schedule: Schedule, expected_version: int) -> bool:
        return dynamo_advance.advance(self._client, self._table, schedule, expected_version)

    def add_runs(self, runs: Sequence[Run]) -> None:
        dynamo_advance.add_runs(self._client, self._table, runs, self._retention)

    # -- helpers -------------------------------------------------------------------

    def _due_query(self, shard: str, until: datetime) -> dict[str, Any]:
        return {
            "TableName": self._table,
            "IndexName": ts.DUE_INDEX,
            "KeyConditionExpression": f"{ts.DUE_SHARD} = :shard AND {ts.DUE_AT} <= :until",
            "ExpressionAttributeValues": to_attributes({":shard": shard, ":until": int(until.timestamp())}),
        }

    def _schedules(self, items: list[Item]) -> list[Schedule]:
        # Large payloads and details, kept in items of their own (one more read per such
        # schedule, in one batch): a schedule is whole wherever it is read.
        payloads, details = read_beside(self._client, self._table, items, consistent=False)
        refs = [(item["namespace"]["S"], item["jobId"]["S"]) for item in items]
        return [item_to_schedule(i, payloads.get(r), details.get(r)) for i, r in zip(items, refs, strict=True)]
