"""The name and label indexes on moto: written with the schedule in one transaction, left
alone by a run's advance, and filtered lists that read only the items they match."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from benchmarks.billing import item_size
from service.adapters.dynamo_due_store import DynamoDueStore
from service.adapters.dynamo_repository import DynamoScheduleRepository
from service.domain.errors import VersionConflict
from service.domain.runs import RunTrigger, delivered
from service.domain.schedule import Schedule, State
from service.services.schedules import MAX_PAGE_BYTES
from tests.builders import NOW, NS, a_schedule
from tests.conftest import Aws, table_items


class ItemsRead:
    """How many items the repository's client was handed back, by operation."""

    def __init__(self) -> None:
        self.by_call: list[tuple[str, int]] = []

    def __call__(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        if model.name == "Query":
            self.by_call.append(("Query", len(parsed.get("Items", []))))
        elif model.name == "BatchGetItem":
            self.by_call.append(("BatchGetItem", sum(len(v) for v in parsed.get("Responses", {}).values())))
        elif model.name == "GetItem":
            self.by_call.append(("GetItem", int("Item" in parsed)))

    @property
    def total(self) -> int:
        return sum(count for _, count in self.by_call)


@pytest.fixture
def reads(client: Any) -> Iterator[ItemsRead]:
    log = ItemsRead()
    client.meta.events.register("after-call.dynamodb.*", log)
    yield log


def labeled(n: int, *labels: tuple[str, str], name: str | None = None, **changes: Any) -> Schedule:
    return a_schedule(n, labels=tuple(sorted(labels)), name=name, **changes)


def index_entries(aws: Aws) -> set[tuple[str, str]]:
    return {(i["pk"]["S"], i["sk"]["S"]) for i in table_items(aws) if i["pk"]["S"].startswith(("LABEL#", "NAME#"))}


def test_a_schedule_writes_one_entry_per_label_and_one_for_its_name(aws: Aws, repo: DynamoScheduleRepository) -> None:
    schedule = labeled(1, ("team", "ops"), ("env", "prod"), name="Cool Stuff")

    repo.add(schedule)

    assert index_entries(aws) == {
        (f"LABEL#{NS}#env=prod", schedule.job_id),
        (f"LABEL#{NS}#team=ops", schedule.job_id),
        (f"NAME#{NS}", f"cool stuff#{schedule.job_id}"),
    }
    assert repo.get(NS, schedule.job_id) == schedule


def test_an_update_moves_the_entries_and_a_delete_removes_them_in_the_same_transaction(
    aws: Aws, repo: DynamoScheduleRepository, calls: Any
) -> None:
    schedule = labeled(1, ("team", "ops"), ("env", "prod"), name="old")
    repo.add(schedule)
    changed = replace(schedule, labels=(("env", "prod"), ("team", "web")), name="new", version=2)

    repo.replace(changed, 1, previous=schedule)

    assert index_entries(aws) == {
        (f"LABEL#{NS}#env=prod", schedule.job_id),
        (f"LABEL#{NS}#team=web", schedule.job_id),
        (f"NAME#{NS}", f"new#{schedule.job_id}"),
    }
    with pytest.raises(VersionConflict):
        repo.delete(NS, schedule.job_id, expected_version=1)
    assert len(index_entries(aws)) == 3
    calls.clear()
    assert repo.delete(NS, schedule.job_id, expected_version=2) == changed
    assert index_entries(aws) == set()
    assert "TransactWriteItems" in calls.names()


def test_a_schedule_without_name_or_labels_is_deleted_in_one_call(repo: DynamoScheduleRepository, calls: Any) -> None:
    repo.add(a_schedule(1))
    calls.clear()

    repo.delete(NS, a_schedule(1).job_id)

    assert calls.names() == ["DeleteItem"]


def test_a_runs_advance_never_touches_the_index_entries(aws: Aws, client: Any, repo: DynamoScheduleRepository) -> None:
    schedule = labeled(1, ("team", "ops"), name="report", run_at=NOW)
    repo.add(schedule)
    before = {(i["pk"]["S"], i["sk"]["S"]): i for i in table_items(aws) if i["pk"]["S"].startswith(("LABEL", "NAME"))}
    run = delivered(NS, schedule.job_id, NOW, RunTrigger.SCHEDULE, NOW, "m-1")
    store = DynamoDueStore(client, aws.table_name)
    writes: list[str] = []
    client.meta.events.register("before-call.dynamodb.*", lambda model, **_: writes.append(model.name))

    assert store.advance(schedule.after_run(NOW, NOW, run), schedule.version)

    assert writes == ["UpdateItem"]  # the schedule item alone
    after = {(i["pk"]["S"], i["sk"]["S"]): i for i in table_items(aws) if i["pk"]["S"].startswith(("LABEL", "NAME"))}
    assert after == before
    assert repo.get(NS, schedule.job_id).labels == (("team", "ops"),)  # type: ignore[union-attr]


def test_a_label_filter_reads_only_the_schedules_it_matches(repo: DynamoScheduleRepository, reads: ItemsRead) -> None:
    for n in range(1, 41):
        repo.add(labeled(n, ("team", "ops" if n % 10 == 0 else "web")))
    reads.by_call.clear()

    page = repo.list(NS, 50, None, None, max_bytes=MAX_PAGE_BYTES, labels=(("team", "ops"),))

    assert [s.job_id for s in page.items] == [a_schedule(n).job_id for n in (10, 20, 30, 40)]
    assert page.next_cursor is None
    assert reads.by_call == [("Query", 4), ("BatchGetItem", 4)]  # of 40 schedules


def test_two_labels_read_the_first_ones_entries_and_check_the_other_on_what_was_read(
    repo: DynamoScheduleRepository, reads: ItemsRead
) -> None:
    for n in range(1, 21):
        repo.add(labeled(n, ("team", "ops" if n <= 5 else "web"), ("env", "prod" if n % 2 else "dev")))
    reads.by_call.clear()

    page = repo.list(NS, 50, None, None, max_bytes=MAX_PAGE_BYTES, labels=(("team", "ops"), ("env", "prod")))

    assert [s.job_id for s in page.items] == [a_schedule(n).job_id for n in (1, 3, 5)]
    assert reads.total == 10  # five entries, five schedules: nothing of team=web


def test_a_filtered_list_pages_with_its_cursor_and_reaches_each_match_once(repo: DynamoScheduleRepository) -> None:
    for n in range(1, 31):
        repo.add(labeled(n, ("team", "ops" if n % 3 == 0 else "web"), name=f"job {n:02d}"))
    seen: list[str] = []
    cursor = None
    while True:
        page = repo.list(NS, 3, cursor, None, max_bytes=MAX_PAGE_BYTES, labels=(("team", "ops"),))
        seen += [s.job_id for s in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break

    assert seen == [a_schedule(n).job_id for n in range(3, 31, 3)]


def test_a_name_prefix_matches_whatever_the_case_orders_by_name_and_pages(
    repo: DynamoScheduleRepository, reads: ItemsRead
) -> None:
    for n, name in enumerate(["Cool stuff", "cool things", "COOLER", "warm stuff", "Straße"], start=1):
        repo.add(labeled(n, name=name))
    repo.add(a_schedule(9))  # no name
    reads.by_call.clear()

    first = repo.list(NS, 2, None, None, max_bytes=MAX_PAGE_BYTES, name_prefix="cool")
    rest = repo.list(NS, 2, first.next_cursor, None, max_bytes=MAX_PAGE_BYTES, name_prefix="cool")
    strasse = repo.list(NS, 5, None, None, max_bytes=MAX_PAGE_BYTES, name_prefix="STRASS")

    assert [s.name for s in first.items + rest.items] == ["Cool stuff", "cool things", "COOLER"]
    assert rest.next_cursor is None
    assert [s.name for s in strasse.items] == ["Straße"]
    assert reads.by_call[:2] == [("Query", 3), ("BatchGetItem", 2)]  # one more entry than the page


def test_a_filter_and_a_state_and_a_name_combine(repo: DynamoScheduleRepository) -> None:
    repo.add(labeled(1, ("team", "ops"), name="alpha"))
    repo.add(labeled(2, ("team", "ops"), name="beta", state=State.PAUSED))
    repo.add(labeled(3, ("team", "ops"), name="alpha two", state=State.PAUSED))

    page = repo.list(NS, 10, None, State.PAUSED, max_bytes=MAX_PAGE_BYTES, labels=(("team", "ops"),), name_prefix="alp")

    assert [s.job_id for s in page.items] == [a_schedule(3).job_id]


def test_large_details_live_beside_the_item_which_they_leave_as_large_as_without_them(
    aws: Aws, repo: DynamoScheduleRepository
) -> None:
    big = labeled(
        1,
        *((f"example.com/key-{n:02d}", "v" * 63) for n in range(20)),
        name="n" * 200,
        payload="p" * 512,
        description="d" * 2000,
        last_run=delivered(NS, a_schedule(1).job_id, NOW, RunTrigger.SCHEDULE, NOW + timedelta(seconds=1), "m" * 40),
    )
    small = labeled(2, ("team", "ops"), name="Cool stuff", payload="p" * 300)

    repo.add(big)
    repo.add(small)

    items = {i["pk"]["S"]: i for i in table_items(aws)}
    big_item = next(i for i in table_items(aws) if i["sk"]["S"] == f"JOB#{big.job_id}")
    small_item = next(i for i in table_items(aws) if i["sk"]["S"] == f"JOB#{small.job_id}")
    plain = replace(big, job_id=a_schedule(3).job_id, name=None, description=None, labels=())
    assert big.last_run is not None
    plain = replace(plain, last_run=replace(big.last_run, job_id=plain.job_id))
    repo.add(plain)
    plain_item = next(i for i in table_items(aws) if i["sk"]["S"] == f"JOB#{plain.job_id}")
    assert "detailsExternal" in big_item and "labels" not in big_item
    assert item_size(big_item) - item_size(plain_item) <= 48  # two small attributes: where, and how large
    assert "labels" in small_item and item_size(small_item) < 1024
    assert f"DETAILS#{NS}#{big.job_id}" in items
    assert repo.get(NS, big.job_id) == big
    listed = repo.list(NS, 10, None, None, max_bytes=MAX_PAGE_BYTES)
    assert listed.items == [big, small, plain]
    assert repo.list(
        NS, 10, None, None, max_bytes=MAX_PAGE_BYTES, labels=(("example.com/key-07", "v" * 63),)
    ).items == [big]
    shorter = replace(big, payload="p" * 100, description=None, labels=(), name="short", version=2)
    repo.replace(shorter, 1, payload_changed=True, previous=big)
    assert repo.get(NS, big.job_id) == shorter
    assert f"DETAILS#{NS}#{big.job_id}" not in {i["pk"]["S"] for i in table_items(aws)}
