"""The dispatcher's DynamoDB store on moto: counts, leases, advances."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from service.adapters.dynamo_due_store import DynamoDueStore
from service.bootstrap.api import ApiContainer
from service.domain.runs import RunTrigger, delivered
from service.domain.schedule import ScheduleInput, State
from tests.conftest import Aws
from tests.fakes import FakeClock


def _due_in_one_shard(container: ApiContainer, clock: FakeClock, store: DynamoDueStore, count: int) -> str:
    """Creates schedules due in five minutes until ``count`` of them share one shard."""
    by_shard: dict[str, int] = {}
    while True:
        schedule = container.schedules.create(
            "default", ScheduleInput(payload="p", run_at=(clock() + timedelta(minutes=5)).isoformat())
        )
        until = clock() + timedelta(minutes=6)
        for shard in store.shards():
            by_shard[shard] = store.count_due(shard, until, cap=1000)
        full = [shard for shard, n in by_shard.items() if n >= count]
        if full:
            assert schedule.state is State.ACTIVE
            return full[0]


def test_count_due_counts_across_pages_and_stops_at_its_cap(
    aws: Aws, container: ApiContainer, clock: FakeClock
) -> None:
    store = DynamoDueStore(aws.dynamodb, aws.table_name)
    shard = _due_in_one_shard(container, clock, store, 5)
    until = clock() + timedelta(minutes=6)

    assert store.count_due(shard, until, cap=3) == 3
    assert store.count_due(shard, until, cap=1000) >= 5
    assert store.count_due(shard, clock(), cap=1000) == 0  # nothing due yet


def test_a_lease_is_refused_to_another_owner_until_it_lapses_and_only_its_owner_releases_it(
    aws: Aws, clock: FakeClock
) -> None:
    store = DynamoDueStore(aws.dynamodb, aws.table_name)
    now = clock()

    assert store.lease("03", "a", now, now + timedelta(seconds=60))
    assert not store.lease("03", "b", now + timedelta(seconds=30), now + timedelta(seconds=90))
    store.release("03", "b", free_from=now)  # not b's lease: ignored
    assert not store.lease("03", "b", now + timedelta(seconds=30), now + timedelta(seconds=90))
    store.release("03", "a", free_from=now + timedelta(seconds=35))
    assert not store.lease("03", "b", now + timedelta(seconds=34), now + timedelta(seconds=90))
    assert store.lease("03", "b", now + timedelta(seconds=35), now + timedelta(seconds=90))


def test_an_advance_is_refused_once_the_schedule_moved_on(aws: Aws, container: ApiContainer, clock: FakeClock) -> None:
    store = DynamoDueStore(aws.dynamodb, aws.table_name)
    created = container.schedules.create(
        "default", ScheduleInput(payload="p", run_at=(clock() + timedelta(minutes=5)).isoformat())
    )
    paused = container.schedules.pause("default", created.job_id)

    advanced = replace(created, state=State.COMPLETED, version=created.version + 1)

    assert not store.advance(advanced, expected_version=created.version)
    assert container.schedules.get("default", created.job_id) == paused


def test_due_pages_carry_large_payloads_from_their_own_items(
    aws: Aws, container: ApiContainer, clock: FakeClock
) -> None:
    store = DynamoDueStore(aws.dynamodb, aws.table_name)
    payload = "é" * 3000  # 6,000 bytes: kept apart from the schedule item
    created = container.schedules.create(
        "default", ScheduleInput(payload=payload, run_at=(clock() + timedelta(minutes=5)).isoformat())
    )
    until = clock() + timedelta(minutes=6)

    found = [s for shard in store.shards() for page in store.due(shard, until) for s in page]

    assert [(s.job_id, s.payload) for s in found] == [(created.job_id, payload)]


def test_only_the_owner_renews_its_lease_and_its_lease_item_says_when_it_ends(aws: Aws, clock: FakeClock) -> None:
    store = DynamoDueStore(aws.dynamodb, aws.table_name)
    now = clock()
    assert store.lease_ends("05") is None

    assert store.lease("05", "a", now, now + timedelta(seconds=15))
    assert store.renew("05", "a", now + timedelta(seconds=25))
    assert not store.renew("05", "b", now + timedelta(seconds=40))

    assert store.lease_ends("05") == now + timedelta(seconds=25)
    assert not store.lease("05", "b", now + timedelta(seconds=24), now + timedelta(seconds=39))
    assert store.lease("05", "b", now + timedelta(seconds=25), now + timedelta(seconds=40))
    assert not store.renew("05", "a", now + timedelta(seconds=50))  # a stalled owner finds it taken


def test_an_owner_may_ask_again_for_a_lease_whose_answer_it_lost(aws: Aws, clock: FakeClock) -> None:
    store = DynamoDueStore(aws.dynamodb, aws.table_name)
    now = clock()

    assert store.lease("06", "a", now, now + timedelta(seconds=15))
    assert store.lease("06", "a", now + timedelta(seconds=1), now + timedelta(seconds=16))
    assert not store.lease("06", "b", now + timedelta(seconds=2), now + timedelta(seconds=17))


def test_an_advance_tried_again_after_its_answer_was_lost_finds_its_own_write(
    aws: Aws, container: ApiContainer, clock: FakeClock
) -> None:
    store = DynamoDueStore(aws.dynamodb, aws.table_name)
    created = container.schedules.create(
        "default", ScheduleInput(payload="p", run_at=(clock() + timedelta(minutes=5)).isoformat())
    )
    at = clock() + timedelta(minutes=5)
    run = delivered("default", created.job_id, at, RunTrigger.SCHEDULE, at, "m-1", 0)
    advanced = created.after_run(at, at, run)

    assert store.advance(advanced, expected_version=created.version)
    assert store.advance(advanced, expected_version=created.version)  # the retry: already done
    other = created.after_run(at, at + timedelta(seconds=1), run)  # not this write: another one
    assert not store.advance(other, expected_version=created.version)
