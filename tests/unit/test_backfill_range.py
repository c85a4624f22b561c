"""Which occurrences a backfill replays: the rule's in a past range, at most 1,000."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from service.domain.backfill import MAX_BACKFILL, backfill_range
from service.domain.errors import ValidationFailed
from service.domain.local_time import wall_time, zone
from service.domain.recurrence import RecurrenceKind
from service.domain.schedule import Schedule, State

NOW = datetime(2027, 4, 1, 12, 0, tzinfo=UTC)


def _daily_berlin(at: datetime) -> Schedule:
    return Schedule(
        namespace="default",
        job_id="00000000-0000-7000-8000-000000000001",
        payload="p",
        recurring=RecurrenceKind.DAILY,
        timezone="Europe/Berlin",
        cron=None,
        anchor=wall_time(at, zone("Europe/Berlin")),
        run_at=NOW + timedelta(hours=1),
        state=State.ACTIVE,
        version=3,
        created_at=datetime(2027, 1, 1, tzinfo=UTC),
        updated_at=NOW,
    )


def test_a_daily_rule_across_the_spring_forward_night_replays_each_day_once_at_its_local_time() -> None:
    schedule = _daily_berlin(datetime(2027, 1, 1, 1, 30, tzinfo=UTC))  # 02:30 in Berlin

    found = backfill_range(schedule, "2027-03-27T00:00:00", "2027-03-29T23:00:00", NOW)

    assert found == [
        datetime(2027, 3, 27, 1, 30, tzinfo=UTC),  # 02:30 CET
        datetime(2027, 3, 28, 1, 0, tzinfo=UTC),  # 02:30 does not exist: the jump, 03:00 CEST
        datetime(2027, 3, 29, 0, 30, tzinfo=UTC),  # 02:30 CEST
    ]


def test_both_ends_are_included_and_local_times_are_in_the_schedules_zone() -> None:
    schedule = _daily_berlin(datetime(2027, 1, 1, 8, 0, tzinfo=UTC))  # 09:00 in Berlin

    assert backfill_range(schedule, "2027-02-01T09:00:00", "2027-02-02T09:00:00", NOW) == [
        datetime(2027, 2, 1, 8, 0, tzinfo=UTC),
        datetime(2027, 2, 2, 8, 0, tzinfo=UTC),
    ]


def test_a_range_in_the_future_or_backwards_is_refused_naming_the_field() -> None:
    schedule = _daily_berlin(datetime(2027, 1, 1, 8, 0, tzinfo=UTC))

    with pytest.raises(ValidationFailed) as future:
        backfill_range(schedule, "2027-03-01T00:00:00Z", "2027-05-01T00:00:00Z", NOW)
    with pytest.raises(ValidationFailed) as backwards:
        backfill_range(schedule, "2027-03-02T00:00:00Z", "2027-03-01T00:00:00Z", NOW)
    with pytest.raises(ValidationFailed) as unreadable:
        backfill_range(schedule, "last tuesday", None, NOW)

    assert [p.field for p in future.value.problems] == ["to"]
    assert "future" in future.value.message
    assert [p.field for p in backwards.value.problems] == ["to"]
    assert {p.field for p in unreadable.value.problems} == {"from", "to"}


def test_more_than_1000_occurrences_are_refused_rather_than_cut_short() -> None:
    every_minute = replace(_daily_berlin(NOW), recurring=RecurrenceKind.CRON, cron="* * * * *", anchor=None)

    allowed = backfill_range(every_minute, "2027-03-01T00:00:00Z", "2027-03-01T16:39:00Z", NOW)
    with pytest.raises(ValidationFailed, match="more than 1000 occurrences"):
        backfill_range(every_minute, "2027-03-01T00:00:00Z", "2027-03-01T16:40:00Z", NOW)

    assert len(allowed) == MAX_BACKFILL


def test_a_one_time_schedule_replays_its_one_run_if_it_falls_in_the_range() -> None:
    done = replace(_daily_berlin(NOW), recurring=RecurrenceKind.NONE, anchor=None, run_at=NOW - timedelta(days=1))

    assert backfill_range(done, "2027-03-30T00:00:00Z", "2027-04-01T00:00:00Z", NOW) == [NOW - timedelta(days=1)]
    assert backfill_range(done, "2027-03-01T00:00:00Z", "2027-03-02T00:00:00Z", NOW) == []
