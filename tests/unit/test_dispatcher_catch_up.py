"""The dispatcher with each catch-up policy, after it was down for three hours (fakes)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from service.domain.runs import RunStatus
from service.domain.schedule import State
from service.services.ports import Occurrence, SendOutcome
from tests.dispatch_fakes import NS, START, World, dispatch_world

HOURLY = {"recurring": "cron", "cron": "0 * * * *"}


@pytest.fixture
def world() -> World:
    return dispatch_world()


def down_for_three_hours(world: World, catch_up: str, **fields: object) -> str:
    job = world.create(**HOURLY, catch_up=catch_up, **fields)  # 12:00 runs at once; the next at 13:00
    world.sender.messages.clear()
    world.clock.set(START + timedelta(hours=3, seconds=30))  # back at 15:00:30: 13, 14 and 15 h are late
    world.tick()
    return job


def statuses(world: World, job: str) -> list[tuple[int, RunStatus]]:
    runs = world.api.runs(NS, job).items
    return sorted((run.scheduled_for.hour, run.status) for run in runs if run.scheduled_for.hour > 12)


def test_all_delivers_every_late_run_in_one_tick_oldest_first(world: World) -> None:
    job = down_for_three_hours(world, "all")

    assert [m.scheduled_for.hour for m in world.sender.messages] == [13, 14, 15]
    assert statuses(world, job) == [(13, RunStatus.DELIVERED), (14, RunStatus.DELIVERED), (15, RunStatus.DELIVERED)]
    stored = world.repository.get(NS, job)
    assert stored is not None and stored.run_at == START + timedelta(hours=4)


def test_latest_delivers_the_last_and_records_the_others_missed(world: World) -> None:
    job = down_for_three_hours(world, "latest")

    assert [m.scheduled_for.hour for m in world.sender.messages] == [15]
    assert statuses(world, job) == [(13, RunStatus.MISSED), (14, RunStatus.MISSED), (15, RunStatus.DELIVERED)]


def test_none_records_every_late_run_missed_and_runs_the_next_on_time(world: World) -> None:
    job = down_for_three_hours(world, "none")

    assert world.sender.messages == []
    assert statuses(world, job) == [(13, RunStatus.MISSED), (14, RunStatus.MISSED), (15, RunStatus.MISSED)]
    world.clock.set(START + timedelta(hours=3, minutes=59))
    world.tick()
    assert [m.scheduled_for.hour for m in world.sender.messages] == [16]


def test_all_with_max_runs_delivers_only_the_runs_left_and_completes(world: World) -> None:
    job = down_for_three_hours(world, "all", max_runs=2)

    assert [m.scheduled_for.hour for m in world.sender.messages] == [13]  # the 12:00 run was the first
    stored = world.repository.get(NS, job)
    assert stored is not None and (stored.state, stored.remaining_runs) == (State.COMPLETED, 0)


def test_a_catch_up_send_that_fails_midway_moves_on_through_what_was_sent(world: World) -> None:
    job = world.create(**HOURLY, catch_up="all")
    world.clock.set(START + timedelta(hours=3, seconds=30))
    send = world.sender.send

    def refusing_the_last(occurrences: Sequence[Occurrence]) -> list[SendOutcome]:
        *sent, last = occurrences
        return [*send(sent), SendOutcome(last, error="Throttled: refused by the test")]

    world.sender.send = refusing_the_last  # type: ignore[method-assign]
    world.tick()

    stored = world.repository.get(NS, job)
    assert stored is not None and stored.run_at == START + timedelta(hours=3)  # 15:00 is left due
    assert stored.last_run is not None and stored.last_run.scheduled_for == START + timedelta(hours=2)
