"""The dispatcher's store on DynamoDB: due-index queries, shard leases, advances, history.

Billed per occurrence (on-demand): the advance is one conditional ``UpdateItem`` of the
schedule item (about 1 KB, one write unit) that moves or removes its due-index keys (one
index write to remove, two to move); a recurring run adds one history item, written in
batches of 25. A shard lease is a write to take it, one to renew it every few seconds of
work, and one to release it, shared by every occurrence of that shard.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from service.adapters import table_schema as ts
from service.adapters.dynamo_batch import write_all
from service.adapters.dynamo_items import (
    LAST_RUN_IN_HISTORY,
    Item,
    item_to_schedule,
    run_sort_key,
    run_to_item,
    schedule_key,
    schedule_to_item,
    to_attributes,
)
from service.adapters.dynamo_payloads import read_beside
from service.adapters.dynamo_repository import DEFAULT_RUN_RETENTION
from service.domain.runs import Run
from service.domain.schedule import Schedule
from service.services.due_store import DueStore

PAGE_SIZE = 100
_ADVANCED_ATTRIBUTES = ("runAt", "state", "version", "updatedAt", "lastRun", LAST_RUN_IN_HISTORY, "runsDelivered")
_OWN_WRITE = ("version", "updatedAt", "lastRun")  # what tells an advance's own write apart


def _lease_key(shard: str) -> Item:
    return to_attributes({ts.PARTITION_KEY: f"LEASE#{shard}", ts.SORT_KEY: "LEASE"})


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

    def lease(self, shard: str, owner: str, now: datetime, until: datetime) -> bool:
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    **_lease_key(shard),
                    **to_attributes({"owner": owner, "leaseUntil": _millis(until), "leasedAt": _millis(now)}),
                },
                # Free, lapsed (its owner released it or died), or already this owner's (a
                # retry after a lost answer).
                ConditionExpression="attribute_not_exists(pk) OR leaseUntil <= :now OR #owner = :owner",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues=to_attributes({":now": _millis(now), ":owner": owner}),
            )
        except ClientError as exc:
            if _refused(exc):
                return False
            raise
        return True

    def renew(self, shard: str, owner: str, until: datetime) -> bool:
        # Whoever takes a lapsed lease writes its own owner: the owner still there means
        # nobody else has worked the shard since, even if the lease lapsed meanwhile.
        return self._set_lease_until(shard, owner, until)

    def lease_ends(self, shard: str) -> datetime | None:
        item = self._client.get_item(TableName=self._table, Key=_lease_key(shard)).get("Item")
        if item is None:
            return None
        return datetime.fromtimestamp(int(item["leaseUntil"]["N"]) / 1000, UTC)

    def release(self, shard: str, owner: str, free_from: datetime) -> None:
        self._set_lease_until(shard, owner, free_from)  # never shortens someone else's lease

    def _set_lease_until(self, shard: str, owner: str, until: datetime) -> bool:
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_lease_key(shard),
                UpdateExpression="SET leaseUntil = :until",
                ConditionExpression="#owner = :owner",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues=to_attributes({":until": _millis(until), ":owner": owner}),
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
        # The item's attribute values, already serialized: the advance writes a few of them.
        item = schedule_to_item(schedule)
        sets = [f"#{name} = :{name}" for name in _ADVANCED_ATTRIBUTES if name in item]
        removes = [f"#{name}" for name in (*_ADVANCED_ATTRIBUTES, "claimedUntil") if name not in item]
        names = {f"#{name}": name for name in (*_ADVANCED_ATTRIBUTES, "claimedUntil")}
        values = {f":{name}": item[name] for name in _ADVANCED_ATTRIBUTES if name in item}
        if schedule.is_due_pending:
            sets += [f"{ts.DUE_SHARD} = :shard", f"{ts.DUE_AT} = :due"]
            values.update({":shard": item[ts.DUE_SHARD], ":due": item[ts.DUE_AT]})
        else:
            removes += [ts.DUE_SHARD, ts.DUE_AT]
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        try:
            self._client.update_item(
                TableName=self._table,
                Key=schedule_key(schedule.namespace, schedule.job_id),
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(pk) AND version = :expected",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={**values, **to_attributes({":expected": expected_version})},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if _refused(exc):
                # A retry of an advance that landed though its answer was lost finds its own
                # write: the same new version, last run and update time.
                found: Item = dict(exc.response.get("Item") or {})  # type: ignore[call-overload]
                return "lastRun" in item and all(found.get(name) == item[name] for name in _OWN_WRITE)
            raise
        return True

    def add_runs(self, runs: Sequence[Run]) -> None:
        items = {(run.namespace, run.job_id, run_sort_key(run)): run for run in runs}  # one write per key
        requests = [{"PutRequest": {"Item": run_to_item(run, self._retention)}} for run in items.values()]
        write_all(self._client, self._table, requests)

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
