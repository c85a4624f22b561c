"""The dispatch use case against hand-written fakes."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from service.domain.runs import RunStatus
from service.domain.schedule import State
from service.services.dispatch import Dispatcher
from service.services.dispatch_page import STEP
from service.services.ports import Occurrence, SendOutcome
from tests.dispatch_fakes import NS, START, World, dispatch_world, tuning


@pytest.fixture
def world() -> World:
    return dispatch_world()


def _iso(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_future_one_time_run_is_sent_ahead_with_a_delay_and_arrives_at_its_time(world: World) -> None:
    job = world.create(run_at=_iso(START + timedelta(minutes=10, seconds=17)))
    world.clock.set(START + timedelta(minutes=9, seconds=10))

    world.tick()

    (message,) = world.sender.messages
    assert message.occurrence_id == f"{job}/{_iso(START + timedelta(minutes=10, seconds=17))}"
    assert message.delay_seconds == 67  # sent at 12:09:10 for 12:10:17
    stored = world.repository.get(NS, job)
    assert stored is not None and stored.state is State.COMPLETED
    assert stored.last_run is not None and stored.last_run.lateness_ms == 0


def test_a_one_time_run_lives_in_last_run_alone_yet_appears_in_its_history(world: World) -> None:
    job = world.create(run_at=_iso(START + timedelta(minutes=5)))
    world.clock.set(START + timedelta(minutes=5))

    world.tick()

    assert world.repository.runs.get((NS, job), {}) == {}  # no history item written
    (run,) = world.api.runs(NS, job).items
    assert run.status is RunStatus.DELIVERED
    assert run.scheduled_for == START + timedelta(minutes=5)


def test_run_now_after_a_one_time_run_keeps_both_in_the_history(world: World) -> None:
    job = world.create(run_at=_iso(START + timedelta(minutes=5)))
    world.clock.set(START + timedelta(minutes=5))
    world.tick()
    world.clock.advance(minutes=1)

    world.api.run_now(NS, job)

    statuses = [(r.trigger.value, r.status.value) for r in world.api.runs(NS, job).items]
    assert statuses == [("manual", "delivered"), ("schedule", "delivered")]


def test_each_occurrence_is_sent_once_across_many_ticks(world: World) -> None:
    world.create(recurring="cron", cron="*/5 * * * *")
    world.create(recurring="daily", run_at=_iso(START + timedelta(minutes=7)))

    for _ in range(120):
        world.clock.advance(minutes=1)
        world.tick()

    ids = Counter(m.occurrence_id for m in world.sender.messages)
    assert set(ids.values()) == {1}
    assert len(ids) == 25 + 1  # 12:00 (sent by the API at creation) to 14:00 every 5 minutes, one daily run


def test_a_late_tick_delivers_the_latest_run_and_records_the_missed_ones(world: World) -> None:
    job = world.create(recurring="cron", cron="*/20 * * * *")  # 12:00 is sent by the API at once
    world.clock.advance(hours=3)  # the dispatcher was down
    world.sender.messages.clear()

    world.tick()

    (message,) = world.sender.messages
    assert message.scheduled_for == START + timedelta(hours=3)
    runs = world.api.runs(NS, job, limit=100).items
    assert [r.status for r in runs].count(RunStatus.MISSED) == 8
    stored = world.repository.get(NS, job)
    assert stored is not None and stored.run_at == START + timedelta(hours=3, minutes=20)


def test_the_dispatcher_down_for_three_hours_delivers_every_one_time_run_on_recovery(world: World) -> None:
    jobs = [world.create(run_at=_iso(START + timedelta(minutes=m))) for m in range(5, 180, 7)]
    daily = world.create(recurring="daily", run_at=_iso(START + timedelta(minutes=30)))
    world.clock.advance(hours=3)

    world.tick()

    delivered = {m.job_id for m in world.sender.messages}
    assert delivered == {*jobs, daily}
    assert len(world.sender.messages) == len(jobs) + 1
    assert all(world.repository.get(NS, j).state is State.COMPLETED for j in jobs)  # type: ignore[union-attr]


def test_a_run_older_than_the_catch_up_window_is_recorded_missed_and_never_sent(world: World) -> None:
    job = world.create(run_at=_iso(START + timedelta(minutes=2)))
    world.clock.advance(hours=30)

    world.tick()

    assert world.sender.messages == []
    (run,) = world.api.runs(NS, job).items
    assert run.status is RunStatus.MISSED
    assert world.repository.get(NS, job).state is State.COMPLETED  # type: ignore[union-attr]


def test_a_refused_send_leaves_the_run_due_and_the_next_tick_sends_it_with_the_same_id(world: World) -> None:
    job = world.create(run_at=_iso(START + timedelta(minutes=2)))
    world.clock.advance(minutes=2)
    world.sender.refuse_next = 1

    world.tick()
    assert world.sender.messages == []
    world.clock.advance(minutes=1)
    world.tick()

    (message,) = world.sender.messages
    assert message.occurrence_id == f"{job}/{_iso(START + timedelta(minutes=2))}"


def test_a_second_dispatcher_skips_a_leased_shard(world: World) -> None:
    world.create(run_at=_iso(START + timedelta(minutes=2)))
    world.clock.advance(minutes=2)
    (shard,) = [s for s in world.store.shards() if world.store.has_due(s, world.clock())]
    assert world.store.lease(shard, "someone-else", world.clock(), world.clock() + timedelta(seconds=60))

    report = world.tick()

    assert world.sender.messages == []
    assert report.shards_busy == 1


def test_a_schedule_changed_while_its_run_was_sent_keeps_the_change(world: World) -> None:
    job = world.create(recurring="daily", run_at=_iso(START + timedelta(minutes=2)))
    world.clock.advance(minutes=2)
    original_advance = world.store.advance

    def change_first(schedule: object, expected_version: int) -> bool:
        world.api.pause(NS, job)  # the user pauses it between the send and the advance
        return original_advance(schedule, expected_version)  # type: ignore[arg-type]

    world.store.advance = change_first  # type: ignore[method-assign]
    report = world.tick()

    assert report.conflicts == 1
    assert world.repository.get(NS, job).state is State.PAUSED  # type: ignore[union-attr]
    assert [r.status for r in world.api.runs(NS, job).items] == [RunStatus.DELIVERED]


def test_four_concurrent_dispatchers_send_each_of_2000_occurrences_once(world: World) -> None:
    for minute in range(2000):
        world.create(run_at=_iso(START + timedelta(seconds=minute * 3 % 3600 + 60)))
    world.clock.advance(hours=1, minutes=2)
    # Leases run on the real clock: waiting dispatchers really wait, and a lease lapses
    # only when its holder really stops renewing it.
    settings = tuning(shard_workers=4, write_workers=4, busy_poll=timedelta(milliseconds=20))
    dispatchers = [Dispatcher(world.store, world.sender, settings) for _ in range(4)]
    barrier = threading.Barrier(4)

    def run(d: Dispatcher) -> None:
        barrier.wait()
        d.tick(world.clock(), datetime.now(UTC) + timedelta(seconds=50))

    threads = [threading.Thread(target=run, args=(d,)) for d in dispatchers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    ids = Counter(m.occurrence_id for m in world.sender.messages)
    assert len(ids) == 2000
    assert set(ids.values()) == {1}


def test_past_the_deadline_no_new_page_is_taken_and_the_next_tick_delivers_the_rest(world: World) -> None:
    jobs = [world.create(run_at=_iso(START + timedelta(minutes=5))) for _ in range(300)]
    world.clock.advance(minutes=5)
    deadline = world.clock() + timedelta(seconds=50)
    send = world.sender.send

    def slow_send(occurrences: list[Occurrence]) -> list[SendOutcome]:
        world.clock.set(deadline)  # the first page's sends use up the budget
        return send(occurrences)

    world.sender.send = slow_send  # type: ignore[method-assign]
    report = world.dispatcher().tick(world.clock(), deadline)
    world.sender.send = send  # type: ignore[method-assign]
    first = len(world.sender.messages)
    world.clock.advance(minutes=1)
    world.tick()

    assert report.stopped_early
    assert 0 < first < len(jobs)
    assert sorted(m.job_id for m in world.sender.messages) == sorted(jobs)  # the rest, each once


class ProcessDied(BaseException):
    """A kill -9: nothing after it runs (a BaseException, so no handler of failures sees it)."""


def test_a_crash_in_the_middle_of_a_page_leaves_at_most_one_step_sent_but_not_advanced(world: World) -> None:
    for index in range(400):
        world.create(run_at=_iso(START + timedelta(minutes=5, seconds=index % 40)))
    world.clock.set(START + timedelta(minutes=5, seconds=40))
    shard, due = world.busiest_shard(world.clock())
    assert due >= 40
    send = world.sender.send
    calls = [0]

    def dies_once_the_fourth_batch_is_out(occurrences: list[Occurrence]) -> list[SendOutcome]:
        calls[0] += 1
        outcomes = send(occurrences)
        if calls[0] == 4:
            raise ProcessDied  # sent, and nothing after it runs
        return outcomes

    world.sender.send = dies_once_the_fourth_batch_is_out  # type: ignore[method-assign]
    with pytest.raises(ProcessDied):
        world.tick(shards=[shard])

    sent, advanced = len(world.sender.messages), world.store.advances
    assert advanced == 3 * STEP  # the first three steps went out whole
    assert 0 < sent - advanced <= STEP  # only the step in flight is sent again, after the lease lapses


def test_each_step_of_a_page_is_sent_with_the_delay_left_at_its_send_not_at_the_pages_read(world: World) -> None:
    run_at = START + timedelta(minutes=3)
    for _ in range(8 * 3 * STEP):  # several steps in every shard
        world.create(run_at=_iso(run_at))
    world.clock.set(run_at - timedelta(seconds=60))
    assert world.busiest_shard(run_at)[1] > STEP
    sent_at: list[tuple[Occurrence, datetime]] = []
    send = world.sender.send

    def slow_send(occurrences: list[Occurrence]) -> list[SendOutcome]:
        outcomes = send(occurrences)
        sent_at.extend((o, world.clock()) for o in occurrences)
        world.clock.advance(seconds=1)  # a busy queue: each batch takes a second
        return outcomes

    world.sender.send = slow_send  # type: ignore[method-assign]

    world.tick()

    assert len(sent_at) == 8 * 3 * STEP
    # Visible at its time, whenever in the page its batch went out.
    assert {at + timedelta(seconds=o.delay_seconds) for o, at in sent_at} == {run_at}
    assert len({o.delay_seconds for o, _ in sent_at}) > 1
