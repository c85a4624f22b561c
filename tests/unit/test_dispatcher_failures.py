"""A failed call costs its item or its shard, never the whole tick or the whole batch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from service.domain.runs import Run, RunStatus
from service.domain.schedule import Schedule, State
from service.services.handoff import HandOffItem, HandOffOutcome
from tests.dispatch_fakes import NS, START, World, dispatch_world


class StoreUnavailableError(Exception):
    """What an AWS call raises once botocore has given up on it."""


@pytest.fixture
def world() -> World:
    return dispatch_world()


def _iso(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def _due_now(world: World, count: int, **fields: object) -> list[str]:
    jobs = [world.create(run_at=_iso(START + timedelta(minutes=5, seconds=i % 40)), **fields) for i in range(count)]
    world.clock.set(START + timedelta(minutes=5, seconds=40))
    return jobs


def _fail_first_calls(world: World, method: str, times: int) -> Counter[object]:
    """The store's ``method`` fails ``times`` times for each schedule or call, then works."""
    original = getattr(world.store, method)
    failures: Counter[object] = Counter()

    def failing(*args: object) -> object:
        key = getattr(args[0], "job_id", method)
        if failures[key] < times:
            failures[key] += 1
            raise StoreUnavailableError(f"{method} failed")
        return original(*args)

    setattr(world.store, method, failing)
    return failures


def test_a_shard_whose_reads_keep_failing_costs_that_shard_alone(world: World) -> None:
    jobs = _due_now(world, 80)
    broken, in_broken = world.busiest_shard(world.clock() + timedelta(minutes=2))
    due = world.store.due

    def due_failing_in_one_shard(shard: str, until: datetime) -> Iterator[list[Schedule]]:
        if shard == broken:
            raise StoreUnavailableError("Query failed")
        return due(shard, until)

    world.store.due = due_failing_in_one_shard  # type: ignore[method-assign]
    report = world.tick()

    handed = {i.delivery.job_id for i in world.handoff.items}
    assert len(handed) == len(jobs) - in_broken
    assert report.shards_failed == 3  # tried again twice within the tick
    assert report.shards_left == {broken}
    assert report.summary()["shardsLeft"] == [broken]
    assert world.store.leases[broken][1] <= world.clock() + timedelta(seconds=2)  # its lease handed back


def test_a_hand_off_that_raises_leaves_its_runs_to_the_next_tick_and_the_rest_of_the_page_goes_out(
    world: World,
) -> None:
    jobs = _due_now(world, 40)
    hand_off = world.handoff.hand_off
    calls = [0]

    def second_batch_raises(items: Sequence[HandOffItem]) -> list[HandOffOutcome]:
        calls[0] += 1
        if calls[0] == 2:
            raise StoreUnavailableError("SendMessageBatch failed")
        return hand_off(items)

    world.handoff.hand_off = second_batch_raises  # type: ignore[method-assign]
    report = world.tick()
    first_tick = len(world.handoff.items)
    world.clock.advance(minutes=1)
    world.tick()

    assert report.failed_calls == 1 and report.handoff_failures > 0
    assert first_tick == len(jobs) - report.handoff_failures
    assert Counter(i.delivery.job_id for i in world.handoff.items) == Counter(jobs)  # each once in all


def test_a_schedule_that_cannot_be_planned_does_not_hold_up_its_shard(world: World) -> None:
    jobs = _due_now(world, 20, recurring="daily")
    # Stored with a zone that the time zone database no longer knows: its rule cannot be evaluated.
    broken = world.repository.schedules[(NS, jobs[0])]
    world.repository.schedules[(NS, jobs[0])] = replace(broken, timezone="Mars/Olympus_Mons")

    report = world.tick()
    world.clock.advance(minutes=1)
    again = world.tick()

    assert report.items_failed == 1 and again.items_failed == 1  # looked at again: never taken as handed off
    assert {i.delivery.job_id for i in world.handoff.items} == set(jobs[1:])


# -- the delivery stage ------------------------------------------------------------------


def test_an_advance_that_fails_is_tried_again_in_place_and_the_run_is_delivered_once(world: World) -> None:
    jobs = _due_now(world, 30)
    world.tick()
    _fail_first_calls(world, "advance", times=2)  # each schedule's first two advances fail

    world.deliver_due()

    assert Counter(d.job_id for _, d in world.target_sender.delivered) == Counter(jobs)  # each once
    assert all(world.repository.get(NS, job).state is State.COMPLETED for job in jobs)  # type: ignore[union-attr]


def test_an_advance_that_keeps_failing_offers_the_run_again_which_comes_with_the_same_id(world: World) -> None:
    (job,) = _due_now(world, 1)
    world.tick()
    _fail_first_calls(world, "advance", times=3)  # the stage's tries of the first batch, all spent

    first = world.deliver_due()
    world.clock.advance(seconds=2)
    world.deliver_due()

    (_, one), (_, again) = world.target_sender.delivered
    assert one.occurrence_id == again.occurrence_id  # at least once: a repeat, never a loss
    assert first.report.not_recorded == 1
    assert world.repository.get(NS, job).state is State.COMPLETED  # type: ignore[union-attr]


def test_a_history_write_that_keeps_failing_leaves_the_recurring_schedule_as_it_was_until_recorded(
    world: World,
) -> None:
    daily = world.create(recurring="daily", run_at=_iso(START + timedelta(minutes=5)))
    one_time = world.create(run_at=_iso(START + timedelta(minutes=5)))
    world.clock.set(START + timedelta(minutes=5))
    world.tick()
    add_runs = world.store.add_runs
    failing = [True]

    def add_runs_failing(runs: Sequence[Run]) -> None:
        if failing[0]:
            raise StoreUnavailableError("BatchWriteItem failed")
        add_runs(runs)

    world.store.add_runs = add_runs_failing  # type: ignore[method-assign]
    world.deliver_due()
    daily_meanwhile = world.repository.get(NS, daily)
    failing[0] = False
    world.clock.advance(seconds=2)
    world.deliver_due()

    ids = Counter(d.occurrence_id for _, d in world.target_sender.delivered)
    assert ids[f"{daily}/{_iso(START + timedelta(minutes=5))}"] == 2  # delivered again, same id
    assert ids[f"{one_time}/{_iso(START + timedelta(minutes=5))}"] == 1  # needs no history item: moved on
    assert daily_meanwhile is not None and daily_meanwhile.run_at == START + timedelta(minutes=5)
    assert [r.status for r in world.api.runs(NS, daily).items] == [RunStatus.DELIVERED]


def test_a_read_that_keeps_failing_offers_its_runs_again_and_nothing_is_lost(world: World) -> None:
    jobs = _due_now(world, 12)
    world.tick()
    _fail_first_calls(world, "schedules", times=3)  # the first read of the batch, and its two retries

    first = world.deliver_due()
    world.clock.advance(seconds=2)
    world.deliver_due()

    assert first.report.retried >= 1
    assert first.report.delivered == len(jobs) - first.report.retried  # the other reads were not held up
    assert sorted(d.job_id for _, d in world.target_sender.delivered) == sorted(jobs)  # each once
