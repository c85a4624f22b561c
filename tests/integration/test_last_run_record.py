"""The run a one-time schedule completes with lives in the schedule item alone (a write saved),
on moto: it is listed with the history, and no write over the item ever loses it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from service.adapters import table_schema as ts
from service.adapters.dynamo_due_store import DynamoDueStore
from service.adapters.dynamo_repository import DynamoScheduleRepository
from service.domain.errors import VersionConflict
from service.domain.recurrence import RecurrenceKind
from service.domain.runs import Run, RunTrigger
from service.domain.schedule import Schedule, State
from tests.builders import a_run, a_schedule
from tests.conftest import Aws, table_items
from tests.integration.conftest import RETENTION, CallLog


@pytest.fixture
def store(aws: Aws, client: Any) -> DynamoDueStore:
    return DynamoDueStore(client, aws.table_name, RETENTION)


def one_time() -> Schedule:
    return a_schedule(recurring=RecurrenceKind.NONE, anchor=None)


def completed(schedule: Schedule, trigger: RunTrigger = RunTrigger.SCHEDULE) -> tuple[Schedule, Run]:
    assert schedule.run_at is not None
    run = a_run(schedule, schedule.run_at, trigger)
    return schedule.after_run(schedule.run_at, schedule.run_at, run), run


def history_items(aws: Aws) -> list[dict[str, Any]]:
    return [item for item in table_items(aws) if item[ts.PARTITION_KEY]["S"].startswith("RUNS#")]


def history(repo: DynamoScheduleRepository, schedule: Schedule) -> list[Run]:
    stored = repo.get(schedule.namespace, schedule.job_id)
    assert stored is not None
    return repo.list_runs(stored, 10, None).items


def test_a_one_time_run_recorded_by_the_api_is_one_write_and_is_listed(
    aws: Aws, repo: DynamoScheduleRepository, calls: CallLog
) -> None:
    repo.add(one_time())
    done, run = completed(one_time(), RunTrigger.IMMEDIATE)
    calls.clear()

    repo.record_run(done, expected_version=1, run=run)

    assert calls.names() == ["PutItem"]
    assert history_items(aws) == []
    assert history(repo, done) == [run]


def test_a_one_time_run_advanced_by_the_dispatcher_writes_no_history_item_and_is_listed(
    aws: Aws, repo: DynamoScheduleRepository, store: DynamoDueStore
) -> None:
    repo.add(one_time())
    done, run = completed(one_time())

    assert store.advance(done, expected_version=1)

    assert history_items(aws) == []
    assert history(repo, done) == [run]


def test_changing_a_completed_one_time_schedule_gives_its_run_a_history_item_first(
    aws: Aws, repo: DynamoScheduleRepository, store: DynamoDueStore, calls: CallLog
) -> None:
    repo.add(one_time())
    done, run = completed(one_time())
    store.advance(done, expected_version=1)
    assert done.run_at is not None
    rearmed = replace(done, state=State.ACTIVE, run_at=done.run_at + timedelta(days=1), version=done.version + 1)
    calls.clear()

    repo.replace(rearmed, expected_version=done.version)

    assert calls.names() == ["PutItem", "TransactWriteItems"]  # refused, then again with the run's item
    assert len(history_items(aws)) == 1
    assert history(repo, rearmed) == [run]
    again, second = completed(rearmed)
    store.advance(again, expected_version=rearmed.version)
    assert history(repo, again) == [second, run]


def test_a_manual_run_on_a_completed_one_time_schedule_keeps_both_runs(
    aws: Aws, repo: DynamoScheduleRepository
) -> None:
    repo.add(one_time())
    done, run = completed(one_time())
    repo.record_run(done, expected_version=1, run=run)
    assert done.run_at is not None
    manual = replace(a_run(done, done.run_at + timedelta(hours=1), RunTrigger.MANUAL), run_id="r1")

    repo.record_run(replace(done, last_run=manual, version=done.version + 1), expected_version=done.version, run=manual)

    assert len(history_items(aws)) == 2
    assert history(repo, done) == [manual, run]


def test_a_stale_write_over_the_only_record_of_a_run_is_a_conflict_and_writes_nothing(
    aws: Aws, repo: DynamoScheduleRepository
) -> None:
    repo.add(one_time())
    done, run = completed(one_time())
    repo.record_run(done, expected_version=1, run=run)

    with pytest.raises(VersionConflict) as caught:
        repo.replace(replace(done, state=State.ACTIVE, version=2), expected_version=1)

    assert caught.value.actual == done.version
    assert history_items(aws) == []
    assert history(repo, done) == [run]


def test_writing_over_a_schedule_whose_runs_have_their_items_is_one_write(
    repo: DynamoScheduleRepository, calls: CallLog
) -> None:
    daily = a_schedule()
    repo.add(daily)
    calls.clear()

    repo.replace(replace(daily, state=State.PAUSED, version=2), expected_version=1)

    assert calls.names() == ["PutItem"]
