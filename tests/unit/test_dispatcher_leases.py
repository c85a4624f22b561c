"""Shard leases: short, renewed while worked, judged by the clock, handed over at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest

from service.domain.handoff_ledger import HandOffLedger
from service.services.handoff import HandOffItem, HandOffOutcome
from tests.dispatch_fakes import START, World, dispatch_world

LEASE = timedelta(seconds=15)


@pytest.fixture
def world() -> World:
    return dispatch_world()


def _iso(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def _due_now(world: World, count: int) -> None:
    for index in range(count):
        world.create(run_at=_iso(START + timedelta(minutes=5, seconds=index % 40)))
    world.clock.set(START + timedelta(minutes=5, seconds=40))


class LeaseLog:
    """Every lease and renewal asked of the store: (clock at the call, lease end asked for)."""

    def __init__(self, world: World) -> None:
        self.asked: list[tuple[datetime, datetime]] = []
        store, lease, renew = world.store, world.store.lease, world.store.renew

        def logged_lease(shard: str, owner: str, now: datetime, until: datetime) -> HandOffLedger | None:
            self.asked.append((world.clock(), until))
            return lease(shard, owner, now, until)

        def logged_renew(shard: str, owner: str, until: datetime, ledger: HandOffLedger | None = None) -> bool:
            self.asked.append((world.clock(), until))
            return renew(shard, owner, until, ledger)

        store.lease = logged_lease  # type: ignore[method-assign]
        store.renew = logged_renew  # type: ignore[method-assign]


def slow_sends(world: World, seconds: float) -> list[datetime]:
    """Each hand-off takes ``seconds`` of the fake clock; returns the clock at each one."""
    times: list[datetime] = []
    hand_off = world.handoff.hand_off

    def slow(items: Sequence[HandOffItem]) -> list[HandOffOutcome]:
        times.append(world.clock())
        world.clock.advance(seconds=seconds)
        return hand_off(items)

    world.handoff.hand_off = slow  # type: ignore[method-assign]
    return times


def test_a_lease_lasts_15_seconds_and_is_renewed_while_its_shard_is_worked(world: World) -> None:
    _due_now(world, 1000)
    shard, due = world.busiest_shard(world.clock() + timedelta(minutes=2))
    log = LeaseLog(world)
    slow_sends(world, seconds=2)  # each batch of 10 takes 2 s: the shard takes longer than a lease
    started = world.clock()

    report = world.tick(shards=[shard])

    assert report.handed_off == due
    assert world.clock() - started > LEASE
    assert log.asked and all(until - at <= LEASE for at, until in log.asked)
    assert len(log.asked) - report.shards_leased >= 4  # renewals


def test_every_send_starts_with_at_least_ten_seconds_of_lease_ahead(world: World) -> None:
    _due_now(world, 300)
    log = LeaseLog(world)
    sends = slow_sends(world, seconds=1.5)

    world.tick()

    for sent_at in sends:
        granted = max(until for at, until in log.asked if at <= sent_at)
        assert granted - sent_at >= timedelta(seconds=10)


def test_a_dispatcher_that_stalled_past_its_lease_hands_off_nothing_while_another_holds_the_shard(
    world: World,
) -> None:
    _due_now(world, 200)
    shard, due = world.busiest_shard(world.clock() + timedelta(minutes=2))
    hand_off = world.handoff.hand_off
    sends: list[datetime] = []
    taken_until: list[datetime] = []

    def stall_then_taken_over(items: Sequence[HandOffItem]) -> list[HandOffOutcome]:
        sends.append(world.clock())
        outcomes = hand_off(items)
        if not taken_until:  # the first batch goes out, then the process freezes for 20 s...
            world.clock.advance(seconds=20)
            taken_until.append(world.clock() + LEASE)  # ...and another dispatcher takes the shard
            assert world.store.lease(shard, "the-next-owner", world.clock(), taken_until[0])
        return outcomes

    world.handoff.hand_off = stall_then_taken_over  # type: ignore[method-assign]
    report = world.tick(shards=[shard])

    assert report.leases_lost == 1
    assert len(sends) > 1 and all(at >= taken_until[0] for at in sends[1:])  # nothing while it was held
    ids = world.handoff.occurrence_ids
    assert len(set(ids)) == due  # every run of the shard handed off...
    assert len(ids) - due <= 10  # ...the batch before the stall at most twice: its ledger was not kept


def test_a_tick_stamped_in_the_future_takes_no_lease_another_dispatcher_holds(world: World) -> None:
    _due_now(world, 50)
    for shard in world.store.shards():
        assert world.store.lease(shard, "a-live-dispatcher", world.clock(), world.clock() + LEASE)
    future = world.clock() + timedelta(minutes=10)  # a manual invoke with a later event time

    report = world.dispatcher().tick(future, world.clock() + timedelta(seconds=5))

    assert world.handoff.items == []
    assert report.shards_leased == 0
    assert report.shards_busy == 8
    assert {owner for owner, _ in world.store.leases.values()} == {"a-live-dispatcher"}


def test_a_dead_dispatchers_shard_is_taken_over_in_the_same_tick_as_its_lease_lapses(world: World) -> None:
    _due_now(world, 100)
    lapse = world.clock() + timedelta(seconds=12)  # it died 3 s after its last renewal
    for shard in world.store.shards():
        world.store.lease(shard, "a-dead-dispatcher", world.clock() - timedelta(seconds=3), lapse)
    sends = slow_sends(world, seconds=0)

    report = world.tick()

    assert len(set(world.handoff.occurrence_ids)) == 100
    assert report.shards_waited >= 1 and report.shards_busy == 0
    assert min(sends) >= lapse  # never before the dead one's lease ended...
    assert min(sends) <= lapse + timedelta(seconds=1)  # ...and within a poll of it


def test_a_shard_released_by_a_tick_that_finishes_is_taken_after_the_settle_pause(world: World) -> None:
    _due_now(world, 100)
    start = world.clock()
    for shard in world.store.shards():
        world.store.lease(shard, "a-finishing-tick", start, start + LEASE)
    sleep = world.sleep

    def other_finishes_after_3_s(seconds: float) -> None:
        sleep(seconds)
        if world.clock() >= start + timedelta(seconds=3):
            for shard in world.store.shards():
                world.store.release(shard, "a-finishing-tick", free_from=start + timedelta(seconds=5))

    world.sleep = other_finishes_after_3_s  # type: ignore[method-assign]
    sends = slow_sends(world, seconds=0)

    report = world.tick()

    assert report.handed_off == 100
    assert start + timedelta(seconds=5) <= min(sends) <= start + timedelta(seconds=6)


def test_a_tick_that_stops_early_releases_its_leases_at_once_and_says_which_shards_it_left(world: World) -> None:
    _due_now(world, 1000)  # more than a page in each shard
    deadline = world.clock() + timedelta(seconds=4)
    slow_sends(world, seconds=1)

    report = world.dispatcher().tick(world.clock(), deadline)

    assert report.stopped_early and report.shards_left
    summary = report.summary()
    assert summary["stoppedEarly"] is True
    assert summary["shardsLeft"] == sorted(report.shards_left)
    worked = [shard for shard in report.shards_left if shard in world.store.leases]
    assert worked  # the shard it was working when the deadline came...
    for shard in worked:
        _, ends = world.store.leases[shard]
        assert ends <= world.clock() + timedelta(seconds=2)  # ...is free after the settle pause
