"""History items on moto: one per occurrence, and one per manual run even when several share
a second; items written before manual runs had ids of their own still read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.adapters import table_schema as ts
from service.adapters.dynamo_due_store import DynamoDueStore
from service.adapters.dynamo_items import run_to_item
from service.adapters.dynamo_repository import DynamoScheduleRepository
from service.domain.runs import Run, RunTrigger, delivered
from tests.builders import a_schedule
from tests.conftest import Aws

NS = "default"
JOB = a_schedule(1).job_id
AT = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def _manual(run_id: str | None) -> Run:
    return delivered(NS, JOB, AT, RunTrigger.MANUAL, AT, f"msg-{run_id}", run_id=run_id)


def _history(repository: DynamoScheduleRepository) -> list[Run]:
    return repository.list_runs(a_schedule(1), 100, None).items


def test_manual_runs_in_one_second_each_keep_a_history_item_beside_the_scheduled_one(aws: Aws) -> None:
    repository = DynamoScheduleRepository(aws.dynamodb, aws.table_name)
    scheduled = delivered(NS, JOB, AT, RunTrigger.SCHEDULE, AT, "msg-s")

    repository.add_run(scheduled)
    for run_id in ("r1", "r2", "r3"):
        repository.add_run(_manual(run_id))

    runs = _history(repository)
    assert sorted(r.occurrence_id for r in runs) == sorted(
        [f"{JOB}/2027-01-04T12:00:00Z", *(f"{JOB}/2027-01-04T12:00:00Z/{i}" for i in ("r1", "r2", "r3"))]
    )
    assert {r.run_id for r in runs if r.trigger is RunTrigger.MANUAL} == {"r1", "r2", "r3"}


def test_the_dispatcher_store_writes_every_manual_run_of_a_batch_and_one_item_per_repeat(aws: Aws) -> None:
    store = DynamoDueStore(aws.dynamodb, aws.table_name)
    scheduled = delivered(NS, JOB, AT, RunTrigger.SCHEDULE, AT, "msg-s")

    store.add_runs([_manual("r1"), _manual("r2"), scheduled, scheduled])

    runs = _history(DynamoScheduleRepository(aws.dynamodb, aws.table_name))
    assert sorted(r.run_id or "" for r in runs) == ["", "r1", "r2"]


def test_a_manual_run_stored_without_a_run_id_reads_back_with_the_old_id(aws: Aws) -> None:
    item = run_to_item(_manual("r1"), retention=timedelta(days=1))
    del item["runId"]
    item[ts.SORT_KEY] = {"S": "2027-01-04T12:00:00Z#manual"}
    aws.dynamodb.put_item(TableName=aws.table_name, Item=item)

    (run,) = _history(DynamoScheduleRepository(aws.dynamodb, aws.table_name))

    assert run.run_id is None
    assert run.occurrence_id == f"{JOB}/2027-01-04T12:00:00Z"
