"""The DynamoDB repository on moto: round trips, conditions, runs, the due index, paging.

Its client (``conftest``) fails the test if it ever issues a Scan.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from service.adapters import table_schema as ts
from service.adapters.dynamo_repository import DynamoScheduleRepository
from service.domain.errors import InvalidCursor, ScheduleNotFound, VersionConflict
from service.domain.recurrence import RecurrenceKind
from service.domain.schedule import Schedule, State
from service.services.schedules import MAX_PAGE_BYTES
from tests.builders import NOW, NS, a_run, a_schedule, job_id
from tests.conftest import Aws, table_items
from tests.integration.conftest import RETENTION, CallLog


def _item(aws: Aws, pk: str, sk: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = aws.dynamodb.get_item(
        TableName=aws.table_name, Key={"pk": {"S": pk}, "sk": {"S": sk}}
    ).get("Item")
    return item


def _schedule_item(aws: Aws, schedule: Schedule) -> dict[str, Any]:
    item = _item(aws, ts.namespace_key(NS), ts.schedule_sort_key(schedule.job_id))
    assert item is not None
    return item


def _payload_item(aws: Aws, schedule: Schedule) -> dict[str, Any] | None:
    key = ts.payload_key(NS, schedule.job_id)
    return _item(aws, key["pk"], key["sk"])


# -- round trips -------------------------------------------------------------------------


def test_a_schedule_comes_back_as_it_was_added(repo: DynamoScheduleRepository) -> None:
    schedule = a_schedule()
    ran = replace(schedule, last_run=a_run(schedule, datetime(2027, 1, 4, 8, 0, tzinfo=UTC)), version=2)

    repo.add(ran)

    assert repo.get(NS, schedule.job_id) == ran


def test_a_cron_schedule_and_a_completed_one_time_schedule_come_back_as_they_were(
    repo: DynamoScheduleRepository,
) -> None:
    cron = a_schedule(1, recurring=RecurrenceKind.CRON, cron="*/5 * * * *", anchor=None)
    done = a_schedule(2, recurring=RecurrenceKind.NONE, anchor=None, state=State.COMPLETED)

    repo.add(cron)
    repo.add(done)

    assert repo.get(NS, cron.job_id) == cron
    assert repo.get(NS, done.job_id) == done


def test_an_unknown_id_reads_as_none(repo: DynamoScheduleRepository) -> None:
    assert repo.get(NS, job_id(404)) is None


def test_another_namespace_does_not_see_the_schedule(repo: DynamoScheduleRepository) -> None:
    repo.add(a_schedule())

    assert repo.get("other", job_id(1)) is None
    assert repo.list("other", 10, None, None, max_bytes=MAX_PAGE_BYTES).items == []


def test_adding_the_same_id_twice_never_overwrites(repo: DynamoScheduleRepository) -> None:
    repo.add(a_schedule(payload="first"))

    with pytest.raises(Exception, match="ConditionalCheckFailed"):
        repo.add(a_schedule(payload="second"))

    stored = repo.get(NS, job_id(1))
    assert stored is not None and stored.payload == "first"


def test_a_large_payload_lives_in_its_own_item_and_a_state_change_does_not_rewrite_it(
    aws: Aws, repo: DynamoScheduleRepository, calls: CallLog
) -> None:
    big = "€" * 50_000  # 150,000 bytes
    schedule = a_schedule(payload=big)
    repo.add(schedule)

    item = _schedule_item(aws, schedule)
    assert "payload" not in item
    assert _payload_item(aws, schedule) is not None
    assert repo.get(NS, schedule.job_id) == schedule

    calls.clear()
    repo.replace(replace(schedule, state=State.PAUSED, version=2), expected_version=1)

    assert calls.names() == ["PutItem"]  # the schedule item alone; no transaction, no payload write
    written = calls.calls[0][1]["Item"]
    assert written["sk"]["S"] == ts.schedule_sort_key(schedule.job_id)
    assert "payload" not in written
    stored = repo.get(NS, schedule.job_id)
    assert stored is not None and stored.payload == big and stored.state is State.PAUSED


def test_a_payload_that_shrinks_moves_back_into_the_schedule_item(aws: Aws, repo: DynamoScheduleRepository) -> None:
    schedule = a_schedule(payload="x" * 600)
    repo.add(schedule)

    repo.replace(replace(schedule, payload="small", version=2), expected_version=1, payload_changed=True)

    assert _payload_item(aws, schedule) is None
    assert _schedule_item(aws, schedule)["payload"] == {"S": "small"}
    stored = repo.get(NS, schedule.job_id)
    assert stored is not None and stored.payload == "small"


def test_a_payload_that_grows_past_512_bytes_moves_to_its_own_item(aws: Aws, repo: DynamoScheduleRepository) -> None:
    schedule = a_schedule(payload="small")
    repo.add(schedule)

    repo.replace(replace(schedule, payload="y" * 513, version=2), expected_version=1, payload_changed=True)

    assert "payload" not in _schedule_item(aws, schedule)
    stored = repo.get(NS, schedule.job_id)
    assert stored is not None and stored.payload == "y" * 513


# -- conditional writes ------------------------------------------------------------------


def test_replace_of_an_unknown_id_is_not_found_and_creates_nothing(aws: Aws, repo: DynamoScheduleRepository) -> None:
    with pytest.raises(ScheduleNotFound):
        repo.replace(a_schedule(version=2), expected_version=1)

    assert table_items(aws) == []


def test_replace_of_an_unknown_id_with_a_large_payload_creates_nothing(
    aws: Aws, repo: DynamoScheduleRepository
) -> None:
    with pytest.raises(ScheduleNotFound):
        repo.replace(a_schedule(payload="z" * 5000, version=2), expected_version=1, payload_changed=True)

    assert table_items(aws) == []


def test_replace_at_a_stale_version_is_a_version_conflict_naming_the_stored_version(
    repo: DynamoScheduleRepository,
) -> None:
    schedule = a_schedule()
    repo.add(schedule)
    repo.replace(replace(schedule, version=2, payload="second"), expected_version=1)

    with pytest.raises(VersionConflict) as caught:
        repo.replace(replace(schedule, version=2, payload="stale"), expected_version=1)

    assert caught.value.actual == 2
    stored = repo.get(NS, schedule.job_id)
    assert stored is not None and stored.payload == "second"


def test_record_run_at_a_stale_version_stores_neither_the_schedule_nor_the_run(
    repo: DynamoScheduleRepository,
) -> None:
    schedule = a_schedule()
    repo.add(schedule)
    run = a_run(schedule, schedule.run_at or NOW)

    with pytest.raises(VersionConflict):
        repo.record_run(replace(schedule, version=3, last_run=run), expected_version=2, run=run)

    assert repo.get(NS, schedule.job_id) == schedule
    assert repo.list_runs(schedule, 10, None).items == []


def test_delete_of_an_unknown_id_is_not_found(repo: DynamoScheduleRepository) -> None:
    with pytest.raises(ScheduleNotFound):
        repo.delete(NS, job_id(404))


def test_delete_at_a_stale_version_is_a_conflict_and_keeps_the_schedule(repo: DynamoScheduleRepository) -> None:
    repo.add(a_schedule(version=3))

    with pytest.raises(VersionConflict):
        repo.delete(NS, job_id(1), expected_version=2)

    assert repo.get(NS, job_id(1)) is not None


def test_delete_returns_the_schedule_and_removes_its_payload_item(aws: Aws, repo: DynamoScheduleRepository) -> None:
    schedule = a_schedule(payload="p" * 1000)
    repo.add(schedule)

    deleted = repo.delete(NS, schedule.job_id, expected_version=1)

    assert deleted == schedule
    assert table_items(aws) == []


# -- runs --------------------------------------------------------------------------------


def test_runs_come_newest_first_across_pages_and_expire_by_ttl(aws: Aws, repo: DynamoScheduleRepository) -> None:
    schedule = a_schedule()
    repo.add(schedule)
    days = [datetime(2027, 1, d, 8, 0, tzinfo=UTC) for d in range(1, 8)]
    for day in days:
        repo.add_run(a_run(schedule, day))

    first = repo.list_runs(schedule, 3, None)
    second = repo.list_runs(schedule, 3, first.next_cursor)
    third = repo.list_runs(schedule, 3, second.next_cursor)

    seen = [r.scheduled_for for page in (first, second, third) for r in page.items]
    assert seen == sorted(days, reverse=True)
    assert third.next_cursor is None
    run_items = [i for i in table_items(aws) if i["pk"]["S"].startswith("RUNS#")]
    assert len(run_items) == 7
    for item in run_items:
        recorded = datetime.fromisoformat(item["recordedAt"]["S"])
        assert int(item[ts.TTL_ATTRIBUTE]["N"]) == int((recorded + RETENTION).timestamp())


def test_the_table_expires_run_items_by_their_ttl_attribute(aws: Aws) -> None:
    ttl = aws.dynamodb.describe_time_to_live(TableName=aws.table_name)["TimeToLiveDescription"]

    assert ttl["AttributeName"] == ts.TTL_ATTRIBUTE
    assert ttl["TimeToLiveStatus"] == "ENABLED"


def test_record_run_stores_the_schedule_and_its_run_together(repo: DynamoScheduleRepository) -> None:
    schedule = a_schedule()
    repo.add(schedule)
    run = a_run(schedule, schedule.run_at or NOW)
    moved = replace(schedule, version=2, last_run=run, run_at=datetime(2027, 1, 6, 8, 0, tzinfo=UTC))

    repo.record_run(moved, expected_version=1, run=run)

    assert repo.get(NS, schedule.job_id) == moved
    assert repo.list_runs(schedule, 10, None).items == [run]


# -- the sparse due index ----------------------------------------------------------------


def _due_entries(aws: Aws) -> dict[str, int]:
    """jobId -> dueAt of every entry in the due index, read shard by shard."""
    entries: dict[str, int] = {}
    for shard in ts.all_shards():
        response = aws.dynamodb.query(
            TableName=aws.table_name,
            IndexName=ts.DUE_INDEX,
            KeyConditionExpression="#s = :s",
            ExpressionAttributeNames={"#s": ts.DUE_SHARD},
            ExpressionAttributeValues={":s": {"S": shard}},
        )
        entries.update({i["jobId"]["S"]: int(i[ts.DUE_AT]["N"]) for i in response["Items"]})
    return entries


def test_only_active_schedules_with_a_next_run_are_in_the_due_index(aws: Aws, repo: DynamoScheduleRepository) -> None:
    active = a_schedule(1)
    paused = a_schedule(2, state=State.PAUSED)
    completed = a_schedule(3, recurring=RecurrenceKind.NONE, anchor=None, state=State.COMPLETED)
    for schedule in (active, paused, completed):
        repo.add(schedule)

    assert _due_entries(aws) == {active.job_id: int(datetime(2027, 1, 5, 8, 0, tzinfo=UTC).timestamp())}
    item = _schedule_item(aws, active)
    assert item[ts.DUE_SHARD]["S"] == ts.due_shard(NS, active.job_id)
    assert ts.DUE_SHARD not in _schedule_item(aws, paused) and ts.DUE_AT not in _schedule_item(aws, paused)
    assert ts.DUE_SHARD not in _schedule_item(aws, completed)


def test_pausing_removes_a_schedule_from_the_due_index_and_resuming_puts_it_back(
    aws: Aws, repo: DynamoScheduleRepository
) -> None:
    schedule = a_schedule()
    repo.add(schedule)

    repo.replace(replace(schedule, state=State.PAUSED, version=2), expected_version=1)
    assert _due_entries(aws) == {}

    repo.replace(replace(schedule, state=State.ACTIVE, version=3), expected_version=2)
    assert set(_due_entries(aws)) == {schedule.job_id}


def test_a_schedule_whose_run_the_api_handed_off_is_kept_due_at_that_run_and_marked(
    aws: Aws, repo: DynamoScheduleRepository
) -> None:
    run_at = datetime(2027, 1, 5, 8, 0, tzinfo=UTC)

    repo.add(a_schedule(run_at=run_at, handed_off=run_at))

    assert _due_entries(aws) == {job_id(1): int(run_at.timestamp())}  # until the stage delivers it
    stored = repo.get("default", job_id(1))
    assert stored is not None and stored.pending_handed_off


# -- listing -----------------------------------------------------------------------------


def test_250_schedules_list_as_100_100_and_50_with_none_missing_or_repeated(
    repo: DynamoScheduleRepository, calls: CallLog
) -> None:
    for n in range(1, 251):
        repo.add(a_schedule(n))

    pages = []
    cursor = None
    while True:
        page = repo.list(NS, 100, cursor, None, max_bytes=MAX_PAGE_BYTES)
        pages.append([s.job_id for s in page.items])
        cursor = page.next_cursor
        if cursor is None:
            break

    assert [len(p) for p in pages] == [100, 100, 50]
    listed = [jid for page in pages for jid in page]
    assert len(set(listed)) == 250
    assert set(listed) == {job_id(n) for n in range(1, 251)}
    assert listed == sorted(listed)  # oldest first (UUIDv7 ids sort by creation)
    assert "Query" in calls.names()


def test_a_page_that_ends_with_the_data_carries_no_cursor(repo: DynamoScheduleRepository) -> None:
    for n in range(1, 11):
        repo.add(a_schedule(n))

    page = repo.list(NS, 10, None, None, max_bytes=MAX_PAGE_BYTES)

    assert len(page.items) == 10
    assert page.next_cursor is None


def test_a_state_filter_pages_through_only_that_state(repo: DynamoScheduleRepository) -> None:
    for n in range(1, 61):
        repo.add(a_schedule(n, state=State.PAUSED if n % 3 == 0 else State.ACTIVE))

    listed: list[str] = []
    cursor = None
    for _ in range(10):
        page = repo.list(NS, 7, cursor, State.PAUSED, max_bytes=MAX_PAGE_BYTES)
        assert len(page.items) <= 7
        assert all(s.state is State.PAUSED for s in page.items)
        listed.extend(s.job_id for s in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break

    assert listed == [job_id(n) for n in range(3, 61, 3)]


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "!!!", "eyJrIjogMX0", "eyJ4IjogImEifQ", "eyJrIjogImFiY1xuIn0", "eyJrIjoiLi4vLi4vZXRjIn0"],
    ids=["text", "punctuation", "k-not-a-string", "no-k", "trailing-newline", "slash"],
)
def test_a_cursor_this_api_did_not_return_is_an_invalid_cursor(repo: DynamoScheduleRepository, cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        repo.list(NS, 10, cursor, None, max_bytes=MAX_PAGE_BYTES)


def test_a_garbage_runs_cursor_is_an_invalid_cursor(repo: DynamoScheduleRepository) -> None:
    repo.add(a_schedule())

    with pytest.raises(InvalidCursor):
        repo.list_runs(a_schedule(), 10, "%%%")


def test_the_scan_guard_itself_fails_a_test_that_scans(aws: Aws, client: Any) -> None:
    with pytest.raises(pytest.fail.Exception, match="Scan"):
        client.scan(TableName=aws.table_name)
