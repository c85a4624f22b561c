"""The dispatch use case against hand-written fakes: what it hands to the delivery stage,
once, timed to each run's instant, and what the stage then delivers."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from service.domain.runs import RunStatus, RunTrigger
from service.domain.schedule import State
from service.services.dispatch import Dispatcher
from service.services.dispatch_page import STEP
from service.services.handoff import HandOffItem, HandOffOutcome
from tests.dispatch_fakes import NS, START, World, dispatch_world, tuning


@pytest.fixture
def world() -> World:
    return dispatch_world()


def _iso(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_future_run_is_handed_off_ahead_and_delivered_at_its_time_never_before(world: World) -> None:
    run_at = START + timedelta(minutes=10, seconds=17)
    job = world.create(run_at=_iso(run_at))
    world.clock.set(START + timedelta(minutes=9, seconds=10, milliseconds=400))

    world.tick()
    (item,) = world.handoff.items
    world.run_until(run_at + timedelta(seconds=2), step=timedelta(milliseconds=250))

    assert item.delivery.occurrence_id == f"{job}/{_iso(run_at)}"
    assert (item.trigger, item.due_run_at) == (RunTrigger.SCHEDULE, run_at)
    (delivered,) = world.target_sender.delivered
    stored = world.repository.get(NS, job)
    assert stored is not None and stored.state is State.COMPLETED
    assert stored.last_run is not None and stored.last_run.status is RunStatus.DELIVERED
    assert stored.last_run.recorded_at >= run_at  # accepted at its instant or after, never before
    assert stored.last_run.lateness_ms == int((stored.last_run.recorded_at - run_at).total_seconds() * 1000)
    assert delivered[1].payload == "p"


def test_a_run_handed_off_is_not_handed_off_again_by_the_next_tick_while_it_waits(world: World) -> None:
    run_at = START + timedelta(minutes=2, seconds=5)  # inside the window of the ticks at 12:01 and 12:02
    world.create(run_at=_iso(run_at))
    world.clock.advance(minutes=1)

    first = world.tick()
    world.clock.advance(minutes=1)
    second = world.tick()

    assert (first.handed_off, second.handed_off, second.already_handed_off) == (1, 0, 1)
    assert len(world.handoff.items) == 1


def test_a_one_time_run_lives_in_last_run_alone_yet_appears_in_its_history(world: World) -> None:
    job = world.create(run_at=_iso(START + timedelta(minutes=5)))
    world.clock.set(START + timedelta(minutes=5))

    world.tick()
    world.deliver_due()

    assert world.repository.runs.get((NS, job), {}) == {}  # no history item written
    (run,) = world.api.runs(NS, job).items
    assert run.status is RunStatus.DELIVERED
    assert run.scheduled_for == START + timedelta(minutes=5)


def test_run_now_after_a_one_time_run_keeps_both_in_the_history(world: World) -> None:
    job = world.create(run_at=_iso(START + timedelta(minutes=5)))
    world.clock.set(START + timedelta(minutes=5))
    world.tick()
    world.deliver_due()
    world.clock.advance(minutes=1)

    world.api.run_now(NS, job)
    queued = [(r.trigger.value, r.status.value) for r in world.api.runs(NS, job).items]
    world.deliver_due()

    statuses = [(r.trigger.value, r.status.value) for r in world.api.runs(NS, job).items]
    assert queued == [("manual", "queued"), ("schedule", "delivered")]
    assert statuses == [("manual", "delivered"), ("schedule", "delivered")]


def test_each_occurrence_is_handed_off_and_delivered_once_across_many_ticks(world: World) -> None:
    world.create(recurring="cron", cron="*/5 * * * *")
    world.create(recurring="cron", cron="* * * * *")
    world.create(recurring="daily", run_at=_iso(START + timedelta(minutes=7)))

    for _ in range(120):
        world.tick()
        world.run_until(world.clock() + timedelta(minutes=1))

    handed = Counter(
        world.handoff.occurrence_ids + [i for _, r in world.waiting for i in [r.item.delivery.occurrence_id]]
    )
    delivered = Counter(world.target_sender.occurrence_ids)
    assert set(delivered.values()) == {1}
    # 12:00 to 14:00: every 5 minutes (25), every minute (121), one daily run.
    assert len(delivered) == 25 + 121 + 1
    assert all(count == 1 for count in handed.values())


def test_a_late_tick_hands_off_the_latest_run_and_the_stage_records_the_missed_ones(world: World) -> None:
    job = world.create(recurring="cron", cron="*/20 * * * *")  # 12:00: handed off by the API at once
    world.deliver_due()
    world.clock.advance(hours=3)  # the dispatcher was down

    world.tick()
    world.deliver_due()

    (_, delivered), *others = world.target_sender.delivered[1:]
    assert others == []
    assert delivered.scheduled_for == START + timedelta(hours=3)
    runs = world.api.runs(NS, job, limit=100).items
    assert [r.status for r in runs].count(RunStatus.MISSED) == 8
    stored = world.repository.get(NS, job)
    assert stored is not None and stored.run_at == START + timedelta(hours=3, minutes=20)


def test_the_dispatcher_down_for_three_hours_delivers_every_one_time_run_on_recovery(world: World) -> None:
    jobs = [world.create(run_at=_iso(START + timedelta(minutes=m))) for m in range(5, 180, 7)]
    daily = world.create(recurring="daily", run_at=_iso(START + timedelta(minutes=30)))
    world.clock.advance(hours=3)

    world.tick()
    world.deliver_due()

    delivered = [d.job_id for _, d in world.target_sender.delivered]
    assert sorted(delivered) == sorted([*jobs, daily])
    assert all(world.repository.get(NS, j).state is State.COMPLETED for j in jobs)  # type: ignore[union-attr]


def test_a_run_older_than_the_catch_up_window_is_recorded_missed_and_never_handed_off(world: World) -> None:
    job = world.create(run_at=_iso(START + timedelta(minutes=2)))
    world.clock.advance(hours=30)

    world.tick()

    assert world.handoff.items == []
    (run,) = world.api.runs(NS, job).items
    assert run.status is RunStatus.MISSED
    assert world.repository.get(NS, job).state is State.COMPLETED  # type: ignore[union-attr]


def test_a_refused_hand_off_is_handed_off_by_the_next_tick_with_the_same_id(world: World) -> None:
    job = world.create(run_at=_iso(START + timedelta(minutes=2)))
    world.clock.advance(minutes=2)
    world.handoff.refuse_next = 1

    report = world.tick()
    assert world.handoff.items == []
    world.clock.advance(minutes=1)
    world.tick()

    assert report.handoff_failures == 1
    (item,) = world.handoff.items
    assert item.delivery.occurrence_id == f"{job}/{_iso(START + timedelta(minutes=2))}"


def test_a_second_dispatcher_skips_a_leased_shard(world: World) -> None:
    world.create(run_at=_iso(START + timedelta(minutes=2)))
    world.clock.advance(minutes=2)
    (shard,) = [s for s in world.store.shards() if world.store.has_due(s, world.clock())]
    assert world.store.lease(shard, "someone-else", world.clock(), world.clock() + timedelta(seconds=60))

    report = world.tick()

    assert world.handoff.items == []
    assert report.shards_busy == 1


def test_four_concurrent_dispatchers_hand_off_each_of_2000_occurrences_once(world: World) -> None:
    for minute in range(2000):
        world.create(run_at=_iso(START + timedelta(seconds=minute * 3 % 3600 + 60)))
    world.clock.advance(hours=1, minutes=2)
    # Leases run on the real clock: waiting dispatchers really wait, and a lease lapses
    # only when its holder really stops renewing it.
    settings = tuning(shard_workers=4, write_workers=4, busy_poll=timedelta(milliseconds=20))
    dispatchers = [Dispatcher(world.store, world.handoff, settings) for _ in range(4)]
    barrier = threading.Barrier(4)

    def run(d: Dispatcher) -> None:
        barrier.wait()
        d.tick(world.clock(), datetime.now(UTC) + timedelta(seconds=50))

    threads = [threading.Thread(target=run, args=(d,)) for d in dispatchers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    ids = Counter(world.handoff.occurrence_ids)
    assert len(ids) == 2000
    assert set(ids.values()) == {1}


def test_past_the_deadline_no_new_page_is_taken_and_the_next_tick_hands_off_the_rest(world: World) -> None:
    jobs = [world.create(run_at=_iso(START + timedelta(minutes=5))) for _ in range(300)]
    world.clock.advance(minutes=5)
    deadline = world.clock() + timedelta(seconds=50)
    hand_off = world.handoff.hand_off

    def slow_hand_off(items: Sequence[HandOffItem]) -> list[HandOffOutcome]:
        world.clock.set(deadline)  # the first page's hand-offs use up the budget
        return hand_off(items)

    world.handoff.hand_off = slow_hand_off  # type: ignore[method-assign]
    report = world.dispatcher().tick(world.clock(), deadline)
    world.handoff.hand_off = hand_off  # type: ignore[method-assign]
    first = len(world.handoff.items)
    world.clock.advance(minutes=1)
    world.tick()

    assert report.stopped_early
    assert 0 < first < len(jobs)
    assert sorted(i.delivery.job_id for i in world.handoff.items) == sorted(jobs)  # the rest, each once


class ProcessDied(BaseException):
    """A kill -9: nothing after it runs (a BaseException, so no handler of failures sees it)."""


def test_a_crash_mid_page_hands_off_again_only_what_its_ledger_did_not_keep_and_nothing_twice_is_delivered(
    world: World,
) -> None:
    for index in range(400):
        world.create(run_at=_iso(START + timedelta(minutes=5, seconds=index % 40)))
    world.clock.set(START + timedelta(minutes=5, seconds=40))
    shard, due = world.busiest_shard(world.clock())
    assert due >= 40
    hand_off = world.handoff.hand_off
    calls = [0]

    def dies_once_the_fourth_batch_is_out(items: Sequence[HandOffItem]) -> list[HandOffOutcome]:
        calls[0] += 1
        outcomes = hand_off(items)
        if calls[0] == 4:
            raise ProcessDied  # handed off, and nothing after it runs
        return outcomes

    world.handoff.hand_off = dies_once_the_fourth_batch_is_out  # type: ignore[method-assign]
    with pytest.raises(ProcessDied):
        world.tick(shards=[shard])
    world.handoff.hand_off = hand_off  # type: ignore[method-assign]
    world.clock.advance(seconds=20)  # the dead one's lease lapses
    world.tick(shards=[shard])
    world.deliver_due()

    handed = Counter(world.handoff.occurrence_ids) + Counter(r.item.delivery.occurrence_id for _, r in world.waiting)
    delivered = Counter(world.target_sender.occurrence_ids)
    assert len(delivered) == due and set(delivered.values()) == {1}  # every run, once
    assert sum(handed.values()) - due <= 4 * STEP  # repeats: at most what the lost ledger covered


def test_each_step_of_a_page_is_handed_off_for_the_time_of_its_send_not_of_the_pages_read(world: World) -> None:
    run_at = START + timedelta(minutes=3)
    for _ in range(8 * 3 * STEP):  # several steps in every shard
        world.create(run_at=_iso(run_at))
    world.clock.set(run_at - timedelta(seconds=60))
    assert world.busiest_shard(run_at)[1] > STEP
    hand_off = world.handoff.hand_off

    def slow_hand_off(items: Sequence[HandOffItem]) -> list[HandOffOutcome]:
        outcomes = hand_off(items)
        world.clock.advance(seconds=1)  # a busy queue: each batch takes a second
        return outcomes

    world.handoff.hand_off = slow_hand_off  # type: ignore[method-assign]

    world.tick()

    items = world.handoff.items
    assert len(items) == 8 * 3 * STEP
    assert {i.visible_at for i in items} == {run_at}
    assert len({i.handed_off_at for i in items}) > 1  # reckoned at each batch's own hand-off
