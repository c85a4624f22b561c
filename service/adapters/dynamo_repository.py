"""The schedule repository on DynamoDB (single table, see ``table_schema``)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from service.adapters import dynamo_advance
from service.adapters import table_schema as ts
from service.adapters.dynamo_conditions import conflict, refusal, send, version_condition, write_over
from service.adapters.dynamo_details import Details, details_key, details_of
from service.adapters.dynamo_filtered_list import filtered_page
from service.adapters.dynamo_idempotency import item_to_record, record_key, record_put, refused_record
from service.adapters.dynamo_indexes import index_writes
from service.adapters.dynamo_items import (
    Item,
    details_are_inline,
    details_from_item,
    details_to_item,
    has_external_details,
    has_external_payload,
    item_to_run,
    item_to_schedule,
    last_run_in_history,
    payload_is_inline,
    payload_to_item,
    run_to_item,
    schedule_key,
    schedule_to_item,
    to_attributes,
)
from service.adapters.dynamo_ledger import read_ledger
from service.adapters.dynamo_paging import decode_cursor, encode_cursor, fit_in_bytes, merge_unrecorded, query_page
from service.adapters.dynamo_payloads import read_beside
from service.domain import runs as run_records
from service.domain.about import Labels
from service.domain.idempotency import IdempotentCreate, KeyAlreadyRecorded
from service.domain.runs import Run, RunStatus, RunTrigger
from service.domain.schedule import Schedule, State, needs_history_item
from service.services.ports import Page, ScheduleRepository

DEFAULT_RUN_RETENTION = timedelta(days=90)
# An item with none of these has no name or label index entries (see ``dynamo_indexes``).
_UNINDEXED = "attribute_not_exists(#name) AND attribute_not_exists(labels) AND attribute_not_exists(detailsExternal)"


def _indexed(found: Item, expected_version: int | None) -> bool:
    """Whether a refused delete found the schedule, at the version asked, with index entries."""
    at_version = expected_version is None or int(found["version"]["N"]) == expected_version
    return at_version and any(name in found for name in ("name", "labels", "detailsExternal"))


class DynamoScheduleRepository(ScheduleRepository):
    def __init__(self, client: Any, table_name: str, run_retention: timedelta = DEFAULT_RUN_RETENTION) -> None:
        self._client = client
        self._table = table_name
        self._retention = run_retention

    # -- schedules -----------------------------------------------------------------

    def get(self, namespace: str, job_id: str) -> Schedule | None:
        response = self._client.get_item(
            TableName=self._table, Key=schedule_key(namespace, job_id), ConsistentRead=True
        )
        item = response.get("Item")
        if item is None:
            return None
        payload = self._payload(namespace, job_id) if has_external_payload(item) else None
        details = self._details(namespace, job_id) if has_external_details(item) else None
        if (payload is None and has_external_payload(item)) or (details is None and has_external_details(item)):
            return self.get(namespace, job_id)  # deleted, or moved into its item, since the item was read
        return item_to_schedule(item, payload=payload, details=details)

    def add(self, schedule: Schedule, *, idempotency: IdempotentCreate | None = None) -> None:
        puts = [self._put(schedule_to_item(schedule), "attribute_not_exists(pk)")]
        if not payload_is_inline(schedule.payload):
            puts.append({"Put": {"TableName": self._table, "Item": payload_to_item(schedule)}})
        puts += self._details_writes(None, schedule) + index_writes(self._table, None, schedule)
        if idempotency is None:
            send(self._client, puts)
            return
        puts.append(record_put(self._table, idempotency))
        try:
            send(self._client, puts)
        except ClientError as exc:
            refused, conflicted, found = refused_record(exc, len(puts) - 1)
            if not (refused or conflicted):
                raise
            raise KeyAlreadyRecorded(self._live_record(found, idempotency)) from exc

    def idempotency_record(self, namespace: str, key: str, now: datetime) -> IdempotentCreate | None:
        return self._live_record(None, IdempotentCreate(namespace, key, "", job_id="", recorded_at=now))

    def replace(
        self,
        schedule: Schedule,
        expected_version: int,
        *,
        payload_changed: bool = False,
        previous: Schedule | None = None,
    ) -> None:
        writes = [self._conditional_put(schedule, expected_version)]
        if payload_changed:
            writes.append(self._payload_write(schedule))
        if previous is not None:
            writes += self._details_writes(previous, schedule) + index_writes(self._table, previous, schedule)
        write_over(self._client, writes, schedule.job_id, expected_version, self._run_put)

    def record_run(self, schedule: Schedule, expected_version: int, run: Run) -> None:
        writes = [self._conditional_put(schedule, expected_version)]
        if needs_history_item(schedule, run):
            writes.append(self._run_put(run))
        write_over(self._client, writes, schedule.job_id, expected_version, self._run_put)

    def delete(self, namespace: str, job_id: str, expected_version: int | None = None) -> Schedule:
        condition, values = version_condition(expected_version)
        try:
            # A schedule with no name or labels has no index entries: the delete alone does.
            response = self._client.delete_item(
                TableName=self._table,
                Key=schedule_key(namespace, job_id),
                ConditionExpression=f"{condition} AND {_UNINDEXED}",
                ExpressionAttributeNames={"#name": "name"},  # a reserved word
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **values,
            )
            old = response["Attributes"]
        except ClientError as exc:
            refused, found = refusal(exc)
            if not (refused and found and _indexed(found, expected_version)):
                raise conflict(exc, job_id, expected_version) from exc
            old = self._delete_indexed(found)
        if not has_external_payload(old):
            return item_to_schedule(old)
        # The payload item outlives the schedule until deleted here: nothing else writes it now.
        schedule = item_to_schedule(old, payload=self._payload(namespace, job_id))
        # Not in one transaction with the delete: a crash here leaves an unreachable
        # payload item behind, never a schedule without its payload.
        self._client.delete_item(TableName=self._table, Key=to_attributes(ts.payload_key(namespace, job_id)))
        return schedule

    def list(
        self,
        namespace: str,
        limit: int,
        cursor: str | None,
        state: State | None,
        *,
        max_bytes: int,
        labels: Labels = (),
        name_prefix: str | None = None,
    ) -> Page[Schedule]:
        if labels or name_prefix is not None:
            return filtered_page(
                self._client,
                self._table,
                namespace,
                limit,
                cursor,
                state=state,
                labels=labels,
                name_prefix=name_prefix,
                max_bytes=max_bytes,
                whole=self._with_payloads,
            )
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": to_attributes({":pk": ts.namespace_key(namespace), ":prefix": "JOB#"}),
        }
        if state is not None:
            query["FilterExpression"] = "#state = :state"
            query["ExpressionAttributeNames"] = {"#state": "state"}
            query["ExpressionAttributeValues"].update(to_attributes({":state": state.value}))
        start = (
            {"pk": ts.namespace_key(namespace), "sk": ts.schedule_sort_key(decode_cursor(cursor))} if cursor else None
        )
        items, next_key = query_page(self._client, query, limit, start, filtered=state is not None)
        fitting = fit_in_bytes(items, max_bytes)
        if len(fitting) < len(items):
            next_key = fitting[-1][ts.SORT_KEY]["S"]
        schedules = self._with_payloads(fitting)
        return Page(schedules, encode_cursor(next_key[len("JOB#") :]) if next_key else None)

    # -- runs ----------------------------------------------------------------------

    def add_run(self, run: Run) -> None:
        self._client.put_item(**self._run_put(run)["Put"])

    def add_runs(self, runs: Sequence[Run]) -> None:
        dynamo_advance.add_runs(self._client, self._table, runs, self._retention)

    def add_queued_run(self, run: Run) -> None:
        try:
            self._client.put_item(**self._run_put(run)["Put"], ConditionExpression="attribute_not_exists(pk)")
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            # The stage delivered it before its "queued" record was written: that record stands.

    def list_runs(
        self,
        schedule: Schedule,
        limit: int,
        cursor: str | None,
        queued_by: datetime | None = None,
        status: RunStatus | None = None,
    ) -> Page[Run]:
        pk = ts.runs_key(schedule.namespace, schedule.job_id)
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": to_attributes({":pk": pk}),
            "ScanIndexForward": False,
        }
        if status is not None:
            # A filter on the schedule's own history: DynamoDB reads (and bills) every run
            # it passes over, so a page reads at most ``MAX_QUERIES_PER_PAGE`` Queries of the
            # history and may come back short, with a cursor (see the README on run history).
            query["FilterExpression"] = "#status = :status"
            query["ExpressionAttributeNames"] = {"#status": "status"}
            query["ExpressionAttributeValues"].update(to_attributes({":status": status.value}))
        after = decode_cursor(cursor) if cursor else None
        start = {"pk": pk, "sk": after} if after else None
        items, next_key = query_page(self._client, query, limit, start, filtered=status is not None)
        page = [(item[ts.SORT_KEY]["S"], item_to_run(item)) for item in items]
        last_run = schedule.last_run
        if last_run is not None and not last_run_in_history(schedule) and status in (None, last_run.status):
            page, next_key = merge_unrecorded(page, next_key, after, last_run, limit)
        queued = self._queued(schedule, queued_by) if status in (None, RunStatus.QUEUED) else None
        if queued is not None:
            page, next_key = merge_unrecorded(page, next_key, after, queued, limit)
        return Page([run for _, run in page], encode_cursor(next_key) if next_key else None)

    def _queued(self, schedule: Schedule, queued_by: datetime | None) -> Run | None:
        """The schedule's pending run, if it is in the delivery stage: derived, not stored.

        Handed off by the API, the schedule says so itself; by the dispatcher, its shard's
        hand-off ledger does (one small read, only for a run inside the dispatcher's window).
        """
        run_at = schedule.run_at
        if not schedule.is_due_pending or run_at is None:
            return None
        if schedule.pending_handed_off:
            trigger = RunTrigger.IMMEDIATE if run_at <= schedule.updated_at else RunTrigger.SCHEDULE
            return run_records.queued(schedule.namespace, schedule.job_id, run_at, trigger, schedule.updated_at)
        if queued_by is None or run_at > queued_by:
            return None  # beyond the dispatcher's window: not handed off yet
        ledger = read_ledger(self._client, self._table, ts.due_shard(schedule.namespace, schedule.job_id))
        if not ledger.covers(schedule):
            return None
        assert ledger.seen_at is not None
        return run_records.queued(schedule.namespace, schedule.job_id, run_at, RunTrigger.SCHEDULE, ledger.seen_at)

    # -- helpers -------------------------------------------------------------------

    def _with_payloads(self, items: builtins.list[Item]) -> builtins.list[Schedule]:
        """The schedules of ``items``, their large payloads read in batches.

        A payload that is gone was deleted, or moved into its item, since the page was
        read: the schedule is read again, and left out if it is gone too.
        """
        payloads, details = read_beside(self._client, self._table, items)
        schedules: builtins.list[Schedule] = []
        for item in items:
            ref = (item["namespace"]["S"], item["jobId"]["S"])
            payload, about = payloads.get(ref), details.get(ref)
            if (payload is None and has_external_payload(item)) or (about is None and has_external_details(item)):
                if (current := self.get(*ref)) is not None:
                    schedules.append(current)
                continue
            schedules.append(item_to_schedule(item, payload=payload, details=about))
        return schedules

    def _details_writes(self, previous: Schedule | None, schedule: Schedule) -> builtins.list[dict[str, Any]]:
        """The details item's write when the details changed: put while they live apart,
        deleted once they fit in the schedule item again."""
        kept_apart = not details_are_inline(schedule)
        was_apart = previous is not None and not details_are_inline(previous)
        if previous is not None and was_apart == kept_apart and details_of(previous) == details_of(schedule):
            return []
        if kept_apart:
            return [{"Put": {"TableName": self._table, "Item": details_to_item(schedule)}}]
        if was_apart:
            key = to_attributes(details_key(schedule.namespace, schedule.job_id))
            return [{"Delete": {"TableName": self._table, "Key": key}}]
        return []

    def _delete_indexed(self, found: Item) -> Item:
        """Delete a schedule with index entries, and them, in one transaction, on the
        condition that it is still the version found. Returns the deleted item."""
        schedule = self._with_payloads([found])[0] if has_external_details(found) else item_to_schedule(found)
        version = int(found["version"]["N"])
        condition, values = version_condition(version)
        writes = [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": schedule_key(schedule.namespace, schedule.job_id),
                    "ConditionExpression": condition,
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    **values,
                }
            },
            *index_writes(self._table, schedule, None),
        ]
        if has_external_details(found):
            key = to_attributes(details_key(schedule.namespace, schedule.job_id))
            writes.append({"Delete": {"TableName": self._table, "Key": key}})
        try:
            self._client.transact_write_items(TransactItems=writes)
        except ClientError as exc:
            raise conflict(exc, schedule.job_id, version) from exc
        return found

    def _live_record(self, found: Item | None, attempted: IdempotentCreate) -> IdempotentCreate | None:
        """The key's live record, from the refusal or read again after a concurrent write."""
        if found is None:
            response = self._client.get_item(
                TableName=self._table,
                Key=to_attributes(record_key(attempted.namespace, attempted.key)),
                ConsistentRead=True,
            )
            found = response.get("Item")
        if found is None:
            return None
        record = item_to_record(found)
        return record if record.expires_at > attempted.recorded_at else None

    def _details(self, namespace: str, job_id: str) -> Details | None:
        """Details kept in their own item; None if that item is gone."""
        key = to_attributes(details_key(namespace, job_id))
        item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        return details_from_item(item) if item else None

    def _payload(self, namespace: str, job_id: str) -> str | None:
        """A payload kept in its own item; None if that item is gone."""
        response = self._client.get_item(
            TableName=self._table, Key=to_attributes(ts.payload_key(namespace, job_id)), ConsistentRead=True
        )
        item = response.get("Item")
        return item["payload"]["S"] if item else None

    def _run_put(self, run: Run) -> dict[str, Any]:
        return {"Put": {"TableName": self._table, "Item": run_to_item(run, self._retention)}}

    def _put(self, item: Item, condition: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": condition, **(values or {})}}

    def _conditional_put(self, schedule: Schedule, expected_version: int) -> dict[str, Any]:
        condition, values = version_condition(expected_version)
        put = self._put(schedule_to_item(schedule), condition, values)
        put["Put"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return put

    def _payload_write(self, schedule: Schedule) -> dict[str, Any]:
        if payload_is_inline(schedule.payload):
            key = to_attributes(ts.payload_key(schedule.namespace, schedule.job_id))
            return {"Delete": {"TableName": self._table, "Key": key}}
        return {"Put": {"TableName": self._table, "Item": payload_to_item(schedule)}}
