"""One invocation's part of a tick (``FanOut``), among fakes: how the busy shards are shared
out, what happens when an invocation cannot be started, and who takes what is left."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from service.adapters.table_schema import due_shard
from service.services.fan_out import FanOut
from service.services.invocations import InvocationError, Invocations
from tests.dispatch_fakes import NS, World, dispatch_world


class StartedInvocations(Invocations):
    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.started: list[tuple[list[str], int]] = []

    def start(self, now: datetime, shards: Sequence[str], continuation: int = 0) -> None:
        if self.refuse:
            raise InvocationError("throttled")
        self.started.append((list(shards), continuation))


def _due(world: World, count: int) -> datetime:
    at = world.clock() + timedelta(minutes=5)
    for _ in range(count):
        world.create(run_at=at.isoformat())
    world.clock.now = at
    return at


def test_a_tick_with_more_work_than_one_invocation_keeps_one_group_and_starts_the_others() -> None:
    world, invocations = dispatch_world(), StartedInvocations()
    now = _due(world, 40)
    fan_out = FanOut(world.dispatcher(), invocations, max_invocations=3, capacity=10)

    part = fan_out.run(now, now + timedelta(seconds=50))

    children = [shards for shards, continuation in invocations.started if continuation == 0]
    given_away = {shard for shards in children for shard in shards}
    worked_here = {due_shard(NS, i.delivery.job_id) for i in world.handoff.items}
    assert len(children) == 2
    assert worked_here and not worked_here & given_away
    assert part.report.handed_off + sum(world.store.count_due(s, now, cap=100) for s in given_away) == 40
    assert part.handed_over == []


def test_a_group_whose_invocation_is_refused_is_worked_by_this_one() -> None:
    world = dispatch_world()
    now = _due(world, 40)
    fan_out = FanOut(world.dispatcher(), StartedInvocations(refuse=True), max_invocations=3, capacity=10)

    part = fan_out.run(now, now + timedelta(seconds=50))

    assert part.report.handed_off == 40


def test_without_a_way_to_start_invocations_every_shard_is_worked_here_and_nothing_handed_over() -> None:
    world = dispatch_world()
    now = _due(world, 40)
    fan_out = FanOut(world.dispatcher(), None, max_invocations=3, capacity=10)

    stopped = fan_out.run(now, now)  # no time at all: every busy shard is left
    finished = fan_out.run(now, now + timedelta(seconds=50))

    assert stopped.report.shards_left and stopped.handed_over == []
    assert finished.report.handed_off == 40


def test_what_an_invocation_leaves_goes_to_one_continuation_and_a_continuation_hands_over_nothing() -> None:
    world, invocations = dispatch_world(), StartedInvocations()
    now = _due(world, 12)
    fan_out = FanOut(world.dispatcher(), invocations, capacity=10)

    first = fan_out.run(now, now)
    continued = fan_out.run(now, now, shards=first.handed_over, continuation=1)

    assert first.handed_over == sorted(first.report.shards_left)
    assert invocations.started == [(first.handed_over, 1)]
    assert continued.report.shards_left and continued.handed_over == []
