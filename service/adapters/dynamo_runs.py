"""One run of a schedule's history on DynamoDB, for redelivery (``service.services.redelivery``).

A run's item is ``RUNS#<namespace>#<jobId>`` / ``<scheduledFor>#<trigger>[#<runId>]``: the
occurrence id gives the instant and the id, so finding it is one Query of the items that
begin with that instant (one, or one per trigger), never a read of the whole history.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from service.adapters import table_schema as ts
from service.adapters.dynamo_advance import update_last_run
from service.adapters.dynamo_items import item_to_run, run_to_item, to_attributes
from service.adapters.dynamo_repository import DEFAULT_RUN_RETENTION
from service.domain.runs import Run, RunStatus, iso_seconds
from service.services.redelivery import RunStore


class DynamoRunStore(RunStore):
    def __init__(self, client: Any, table_name: str, run_retention: timedelta = DEFAULT_RUN_RETENTION) -> None:
        self._client = client
        self._table = table_name
        self._retention = run_retention

    def find(self, namespace: str, job_id: str, occurrence_id: str) -> Run | None:
        parts = _occurrence(job_id, occurrence_id)
        if parts is None:
            return None
        scheduled_for, run_id = parts
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :at)",
            ExpressionAttributeValues=to_attributes(
                {":pk": ts.runs_key(namespace, job_id), ":at": f"{iso_seconds(scheduled_for)}#"}
            ),
            ConsistentRead=True,
        )
        runs = [run for run in map(item_to_run, response["Items"]) if run.run_id == run_id]
        return next((r for r in runs if r.status is RunStatus.FAILED), runs[0] if runs else None)

    def requeue(self, failed: Run, queued: Run) -> bool:
        try:
            self._client.put_item(
                TableName=self._table,
                Item=run_to_item(queued, self._retention),
                ConditionExpression="#status = :failed",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=to_attributes({":failed": RunStatus.FAILED.value}),
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        update_last_run(self._client, self._table, queued, queued.recorded_at)
        return True

    def restore(self, failed: Run, now: datetime) -> None:
        self._client.put_item(TableName=self._table, Item=run_to_item(failed, self._retention))
        update_last_run(self._client, self._table, failed, now)


def _occurrence(job_id: str, occurrence_id: str) -> tuple[datetime, str | None] | None:
    """The instant and the run id of ``<jobId>/<scheduledFor>[/<runId>]``; None if it is not one of the job's."""
    job, _, rest = occurrence_id.partition("/")
    at, _, run_id = rest.partition("/")
    if job != job_id:
        return None
    try:
        instant = datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return instant, run_id or None
