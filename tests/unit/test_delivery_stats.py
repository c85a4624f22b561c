"""The hourly counts of a namespace's deliveries: what the stage counts, and the hours asked for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.domain.delivery_stats import DeliveryHour, hours_ending, tally
from service.domain.errors import ValidationFailed
from service.domain.runs import CancelReason, RunTrigger, canceled, delivered, failed, missed, queued
from service.services.delivery_stats import DeliveryStatsService, HourlyCounts
from tests.dispatch_fakes import NS, START, World, dispatch_world
from tests.fakes import FakeClock

AT = datetime(2027, 5, 10, 12, 0, tzinfo=UTC)
JOB = "00000000-0000-7000-8000-000000000001"


def test_runs_are_counted_by_namespace_and_the_hour_they_ended_in_queued_ones_not() -> None:
    runs = [
        delivered(NS, JOB, AT, RunTrigger.SCHEDULE, AT + timedelta(milliseconds=300), "m1"),
        delivered(NS, JOB, AT, RunTrigger.SCHEDULE, AT + timedelta(seconds=5), "m2"),  # late
        failed(NS, JOB, AT, RunTrigger.SCHEDULE, AT + timedelta(minutes=59), "HTTP 500"),
        missed(NS, JOB, AT, AT + timedelta(hours=1, minutes=1)),
        canceled("team-a", JOB, AT, RunTrigger.SCHEDULE, AT, CancelReason.PAUSED),
        queued(NS, JOB, AT, RunTrigger.MANUAL, AT),
    ]

    counts = tally(runs)

    assert counts[(NS, AT)] == {"delivered": 2, "late": 1, "failed": 1}
    assert counts[(NS, AT + timedelta(hours=1))] == {"missed": 1}
    assert counts[("team-a", AT)] == {"canceled": 1}


def test_the_hours_asked_for_end_with_the_current_one_and_are_zero_where_nothing_was_counted() -> None:
    found = {AT: DeliveryHour(AT, delivered=3)}

    hours = hours_ending(AT + timedelta(minutes=30), 3, found)

    assert [h.start for h in hours] == [AT - timedelta(hours=2), AT - timedelta(hours=1), AT]
    assert [h.delivered for h in hours] == [0, 0, 3]


class Counted(HourlyCounts):
    def __init__(self) -> None:
        self.asked: list[tuple[datetime, datetime]] = []

    def hours(self, namespace: str, start: datetime, end: datetime) -> dict[datetime, DeliveryHour]:
        self.asked.append((start, end))
        return {}


@pytest.mark.parametrize("hours", [0, 169])
def test_more_than_a_week_of_hours_or_none_is_refused_naming_hours(hours: int) -> None:
    with pytest.raises(ValidationFailed, match="hours: must be between 1 and 168"):
        DeliveryStatsService(Counted(), FakeClock(AT)).last_hours(NS, hours)


def test_the_last_24_hours_are_read_in_one_range() -> None:
    counted = Counted()

    DeliveryStatsService(counted, FakeClock(AT + timedelta(minutes=7))).last_hours(NS)

    assert counted.asked == [(AT - timedelta(hours=23), AT)]


def test_the_stage_counts_what_it_delivered_and_canceled_once_each(world: World) -> None:
    for minutes in (5, 6):
        world.create(run_at=(START + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    paused = world.create(recurring="daily", run_at=(START + timedelta(minutes=7)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    world.clock.set(START + timedelta(minutes=6))
    world.tick()
    world.api.pause(NS, paused)

    world.run_until(START + timedelta(minutes=7, seconds=2))

    # The 12:05 run was handed off at 12:06, a minute late.
    assert world.store.hourly == {(NS, START): {"delivered": 2, "late": 1, "canceled": 1}}


@pytest.fixture
def world() -> World:
    return dispatch_world()
