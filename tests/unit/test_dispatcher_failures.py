"""A failed call costs its item or its shard, never the whole tick."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from service.domain.runs import Run
from service.domain.schedule import Schedule, State
from service.services.ports import Occurrence, SendOutcome
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


def _fail_first_calls(world: World, method: str, times: int) -> None:
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

    sent = {m.job_id for m in world.sender.messages}
    assert len(sent) == len(jobs) - in_broken
    assert report.shards_failed == 3  # tried again twice within the tick
    assert report.shards_left == {broken}
    assert report.summary()["shardsLeft"] == [broken]
    assert world.store.leases[broken][1] <= world.clock() + timedelta(seconds=2)  # its lease handed back


def test_a_failed_advance_is_tried_again_and_its_run_is_not_sent_twice(world: World) -> None:
    jobs = _due_now(world, 30)
    _fail_first_calls(world, "advance", times=2)  # each schedule's first two advances fail

    report = world.tick()
    world.clock.advance(minutes=1)
    world.tick()

    assert Counter(m.job_id for m in world.sender.messages) == Counter(jobs)  # each once
    assert all(world.repository.get(NS, job).state is State.COMPLETED for job in jobs)  # type: ignore[union-attr]
    assert report.failed_calls == 60
    assert report.sent_not_advanced == 0


def test_an_advance_that_keeps_failing_leaves_its_run_due_to_be_sent_again_with_its_id(world: World) -> None:
    (job,) = _due_now(world, 1)
    _fail_first_calls(world, "advance", times=3)

    report = world.tick()
    world.clock.advance(minutes=1)
    world.tick()

    first, again = world.sender.messages
    assert first.occurrence_id == again.occurrence_id
    assert report.sent_not_advanced == 1
    assert world.repository.get(NS, job).state is State.COMPLETED  # type: ignore[union-attr]


def test_a_history_write_that_keeps_failing_leaves_the_recurring_schedule_due(world: World) -> None:
    daily = world.create(recurring="daily", run_at=_iso(START + timedelta(minutes=5)))
    one_time = world.create(run_at=_iso(START + timedelta(minutes=5)))
    world.clock.set(START + timedelta(minutes=5))
    add_runs = world.store.add_runs
    failing = [True]

    def add_runs_failing(runs: Sequence[Run]) -> None:
        if failing[0]:
            raise StoreUnavailableError("BatchWriteItem failed")
        add_runs(runs)

    world.store.add_runs = add_runs_failing  # type: ignore[method-assign]
    report = world.tick()
    failing[0] = False
    world.clock.advance(minutes=1)
    world.tick()

    assert report.failed_calls == 3 and report.sent_not_advanced == 1
    ids = Counter(m.occurrence_id for m in world.sender.messages)
    assert ids[f"{daily}/{_iso(START + timedelta(minutes=5))}"] == 2  # sent again, same id
    assert ids[f"{one_time}/{_iso(START + timedelta(minutes=5))}"] == 1  # needs no history item: advanced
    assert len(world.api.runs(NS, daily).items) == 1  # recorded once it could be


def test_a_send_that_raises_leaves_its_runs_due_and_the_rest_of_the_page_goes_out(world: World) -> None:
    jobs = _due_now(world, 40)
    send = world.sender.send
    calls = [0]

    def second_batch_raises(occurrences: Sequence[Occurrence]) -> list[SendOutcome]:
        calls[0] += 1
        if calls[0] == 2:
            raise StoreUnavailableError("SendMessageBatch failed")
        return send(occurrences)

    world.sender.send = second_batch_raises  # type: ignore[method-assign]
    report = world.tick()
    first_tick = len(world.sender.messages)
    world.clock.advance(minutes=1)
    world.tick()

    assert report.failed_calls == 1 and report.send_failures > 0
    assert first_tick == len(jobs) - report.send_failures
    assert Counter(m.job_id for m in world.sender.messages) == Counter(jobs)


def test_a_schedule_that_cannot_be_planned_does_not_hold_up_its_shard(world: World) -> None:
    jobs = _due_now(world, 20, recurring="daily")
    # Stored with a zone that the time zone database no longer knows: its rule cannot be evaluated.
    broken = world.repository.schedules[(NS, jobs[0])]
    world.repository.schedules[(NS, jobs[0])] = replace(broken, timezone="Mars/Olympus_Mons")

    report = world.tick()

    assert report.items_failed == 1
    assert {m.job_id for m in world.sender.messages} == set(jobs[1:])
