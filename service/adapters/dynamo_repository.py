"""The schedule repository on DynamoDB (single table, see ``table_schema``)."""

from __future__ import annotations

import builtins
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from service.adapters import table_schema as ts
from service.adapters.dynamo_conditions import conflict, send, version_condition, write_over
from service.adapters.dynamo_items import (
    Item,
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
from service.adapters.dynamo_payloads import read_payloads
from service.domain import runs as run_records
from service.domain.runs import Run, RunStatus, RunTrigger
from service.domain.schedule import Schedule, State, needs_history_item
from service.services.ports import Page, ScheduleRepository

DEFAULT_RUN_RETENTION = timedelta(days=90)


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
        if not has_external_payload(item):
            return item_to_schedule(item)
        payload = self._payload(namespace, job_id)
        if payload is None:  # deleted, or moved into its item, since the item was read
            return self.get(namespace, job_id)
        return item_to_schedule(item, payload=payload)

    def add(self, schedule: Schedule) -> None:
        puts = [self._put(schedule_to_item(schedule), "attribute_not_exists(pk)")]
        if not payload_is_inline(schedule.payload):
            puts.append({"Put": {"TableName": self._table, "Item": payload_to_item(schedule)}})
        send(self._client, puts)

    def replace(self, schedule: Schedule, expected_version: int, *, payload_changed: bool = False) -> None:
        writes = [self._conditional_put(schedule, expected_version)]
        if payload_changed:
            writes.append(self._payload_write(schedule))
        write_over(self._client, writes, schedule.job_id, expected_version, self._run_put)

    def record_run(self, schedule: Schedule, expected_version: int, run: Run) -> None:
        writes = [self._conditional_put(schedule, expected_version)]
        if needs_history_item(schedule, run):
            writes.append(self._run_put(run))
        write_over(self._client, writes, schedule.job_id, expected_version, self._run_put)

    def delete(self, namespace: str, job_id: str, expected_version: int | None = None) -> Schedule:
        condition, values = version_condition(expected_version)
        try:
            response = self._client.delete_item(
                TableName=self._table,
                Key=schedule_key(namespace, job_id),
                ConditionExpression=condition,
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **values,
            )
        except ClientError as exc:
            raise conflict(exc, job_id, expected_version) from exc
        old = response["Attributes"]
        if not has_external_payload(old):
            return item_to_schedule(old)
        # The payload item outlives the schedule until deleted here: nothing else writes it now.
        schedule = item_to_schedule(old, payload=self._payload(namespace, job_id))
        # Not in one transaction with the delete: a crash here leaves an unreachable
        # payload item behind, never a schedule without its payload.
        self._client.delete_item(TableName=self._table, Key=to_attributes(ts.payload_key(namespace, job_id)))
        return schedule

    def list(
        self, namespace: str, limit: int, cursor: str | None, state: State | None, *, max_bytes: int
    ) -> Page[Schedule]:
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
        payloads = read_payloads(self._client, self._table, [i for i in items if has_external_payload(i)])
        schedules: builtins.list[Schedule] = []
        for item in items:
            if not has_external_payload(item):
                schedules.append(item_to_schedule(item))
            elif (payload := payloads.get((item["namespace"]["S"], item["jobId"]["S"]))) is not None:
                schedules.append(item_to_schedule(item, payload=payload))
            elif (current := self.get(item["namespace"]["S"], item["jobId"]["S"])) is not None:
                schedules.append(current)
        return schedules

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
