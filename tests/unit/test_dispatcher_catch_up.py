"""The dispatcher and the delivery stage with each catch-up policy, after the dispatcher was
down for three hours (fakes). A catch-up of every run goes out one run after another: the
dispatcher hands off the oldest, and the stage hands off each next one, already due, as it
moves the schedule on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.domain.runs import RunStatus
from service.domain.schedule import State
from tests.dispatch_fakes import NS, START, World, dispatch_world

HOURLY = {"recurring": "cron", "cron": "0 * * * *"}


@pytest.fixture
def world() -> World:
    return dispatch_world()


def down_for_three_hours(world: World, catch_up: str, **fields: object) -> str:
    job = world.create(**HOURLY, catch_up=catch_up, **fields)  # 12:00 is handed off at once
    world.deliver_due()
    world.target_sender.delivered.clear()
    world.handoff.take()
    world.waiting.clear()
    world.clock.set(START + timedelta(hours=3, seconds=30))  # back at 15:00:30: 13, 14 and 15 h are late
    world.tick()
    for _ in range(5):
        world.deliver_due()
    return job


def statuses(world: World, job: str) -> list[tuple[int, RunStatus]]:
    runs = world.api.runs(NS, job).items
    return sorted((run.scheduled_for.hour, run.status) for run in runs if run.scheduled_for.hour > 12)


def delivered_hours(world: World) -> list[int]:
    return [d.scheduled_for.hour for _, d in world.target_sender.delivered]


def test_all_delivers_every_late_run_oldest_first_each_with_its_own_id(world: World) -> None:
    job = down_for_three_hours(world, "all")

    assert delivered_hours(world) == [13, 14, 15]
    assert len({d.occurrence_id for _, d in world.target_sender.delivered}) == 3
    assert statuses(world, job) == [(13, RunStatus.DELIVERED), (14, RunStatus.DELIVERED), (15, RunStatus.DELIVERED)]
    stored = world.repository.get(NS, job)
    assert stored is not None and stored.run_at == START + timedelta(hours=4)


def test_latest_delivers_the_last_and_records_the_others_missed(world: World) -> None:
    job = down_for_three_hours(world, "latest")

    assert delivered_hours(world) == [15]
    assert statuses(world, job) == [(13, RunStatus.MISSED), (14, RunStatus.MISSED), (15, RunStatus.DELIVERED)]


def test_none_records_every_late_run_missed_and_runs_the_next_on_time(world: World) -> None:
    job = down_for_three_hours(world, "none")

    assert delivered_hours(world) == []
    assert statuses(world, job) == [(13, RunStatus.MISSED), (14, RunStatus.MISSED), (15, RunStatus.MISSED)]
    world.clock.set(START + timedelta(hours=3, minutes=59))
    world.tick()
    world.deliver_until(START + timedelta(hours=4, seconds=1))
    assert delivered_hours(world) == [16]


def test_all_with_max_runs_delivers_only_the_runs_left_and_completes(world: World) -> None:
    job = down_for_three_hours(world, "all", max_runs=2)

    assert delivered_hours(world) == [13]  # the 12:00 run was the first
    stored = world.repository.get(NS, job)
    assert stored is not None and (stored.state, stored.remaining_runs) == (State.COMPLETED, 0)


def test_a_catch_up_refused_midway_goes_on_from_the_run_refused(world: World) -> None:
    job = world.create(**HOURLY, catch_up="all")
    world.deliver_due()
    world.clock.set(START + timedelta(hours=3, seconds=30))
    world.tick()
    world.deliver_due()  # 13:00
    world.target_sender.refuse_next = 1
    world.deliver_due()  # 14:00 refused: offered again
    held = world.repository.get(NS, job)
    world.clock.advance(seconds=2)
    for _ in range(3):
        world.deliver_due()

    assert held is not None and held.run_at == START + timedelta(hours=2)  # 14:00 is left due
    assert delivered_hours(world) == [12, 13, 14, 15]
