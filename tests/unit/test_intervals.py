"""Interval rules: ISO-8601 durations counted from runAt in absolute time, across DST too."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from service.domain.durations import format_interval, parse_interval
from service.domain.errors import ValidationFailed
from service.domain.local_time import wall_time, zone
from service.domain.recurrence import Recurrence, RecurrenceKind
from service.domain.schedule import ScheduleInput, define

HOUR = timedelta(hours=1)


def every(interval: timedelta, anchor: datetime, tz: str = "UTC", **bounds: datetime) -> Recurrence:
    return Recurrence(RecurrenceKind.INTERVAL, zone(tz), anchor=anchor, interval=interval, **bounds)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "length", "canonical"),
    [
        ("PT15M", timedelta(minutes=15), "PT15M"),
        ("PT1M", timedelta(minutes=1), "PT1M"),
        ("PT1H30M", timedelta(minutes=90), "PT1H30M"),
        ("PT90S", timedelta(seconds=90), "PT1M30S"),
        ("P1D", timedelta(days=1), "P1D"),
        ("P1W", timedelta(days=7), "P7D"),
        ("P1DT12H", timedelta(hours=36), "P1DT12H"),
        ("P366D", timedelta(days=366), "P366D"),
    ],
)
def test_an_iso_8601_duration_of_fixed_units_is_an_interval(text: str, length: timedelta, canonical: str) -> None:
    assert parse_interval(text) == length
    assert format_interval(length) == canonical


@pytest.mark.parametrize("text", ["PT59S", "P367D", "PT0S"])
def test_an_interval_under_a_minute_or_over_366_days_is_refused(text: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_interval(text)

    assert caught.value.problems[0].field == "interval"
    assert "between one minute (PT1M) and 366 days (P366D)" in caught.value.message


@pytest.mark.parametrize("text", ["P1M", "P1Y", "P1Y2M"])
def test_years_and_months_are_refused_for_they_have_no_fixed_length(text: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_interval(text)

    assert "years and months have no fixed length" in caught.value.message


@pytest.mark.parametrize("text", ["15m", "pt15m", "PT", "P", "P1DT", "PT1.5M", "PT1H1H", "-PT1M", "PT15M "])
def test_anything_else_is_not_an_iso_8601_duration(text: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_interval(text)

    assert "is not an ISO-8601 duration" in caught.value.message


def test_occurrences_count_whole_intervals_from_the_anchor() -> None:
    anchor = datetime(2027, 1, 4, 9, 7, tzinfo=UTC)
    rule = every(timedelta(minutes=15), anchor)

    assert rule.upcoming(datetime(2027, 1, 4, 10, 0, tzinfo=UTC), 3) == [
        anchor + timedelta(minutes=15 * n)
        for n in (4, 5, 6)  # 10:07, 10:22, 10:37: the phase is kept
    ]
    assert rule.next_after(anchor - timedelta(days=3)) == anchor  # never before the anchor


def test_the_latest_occurrence_is_counted_not_walked() -> None:
    anchor = datetime(2020, 1, 1, tzinfo=UTC)
    rule = every(timedelta(minutes=1), anchor)
    now = datetime(2027, 1, 4, 12, 0, 30, tzinfo=UTC)

    assert rule.latest_at_or_before(now, not_before=anchor) == datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
    assert rule.latest_at_or_before(anchor - HOUR, not_before=anchor - 2 * HOUR) is None


@pytest.mark.parametrize(
    ("tz", "night"),
    [
        ("Europe/Berlin", datetime(2027, 3, 27, 23, 0, tzinfo=UTC)),  # spring forward: 02:00 -> 03:00, 28 March
        ("Europe/Berlin", datetime(2027, 10, 30, 23, 0, tzinfo=UTC)),  # fall back: 03:00 -> 02:00, 31 October
        ("America/New_York", datetime(2027, 3, 14, 4, 0, tzinfo=UTC)),  # spring forward, 14 March
        ("America/New_York", datetime(2027, 11, 7, 3, 0, tzinfo=UTC)),  # fall back, 7 November
    ],
)
def test_an_hourly_interval_stays_absolute_across_a_dst_night(tz: str, night: datetime) -> None:
    rule = every(HOUR, night, tz)

    runs = [night, *rule.upcoming(night, 6)]

    assert all(b - a == HOUR for a, b in itertools.pairwise(runs))  # never 0 or 2 hours apart
    walls = [wall_time(run, zone(tz)) for run in runs]
    # ... so the wall clock shows the change: one local hour skipped or shown twice.
    assert len({w.hour for w in walls}) == len(walls) - (1 if walls[0].month > 6 else 0)


def test_a_daily_interval_moves_an_hour_in_local_time_at_a_dst_change_where_a_daily_rule_does_not() -> None:
    berlin = zone("Europe/Berlin")
    start = "2027-03-26T09:00:00"  # a Friday, winter time
    interval = define(
        ScheduleInput(payload="x", recurring="interval", interval="P1D", run_at=start, timezone="Europe/Berlin")
    )
    daily = define(ScheduleInput(payload="x", recurring="daily", run_at=start, timezone="Europe/Berlin"))

    first = datetime(2027, 3, 26, 8, 0, tzinfo=UTC)
    by_interval = interval.recurrence.upcoming(first, 3)
    by_rule = daily.recurrence.upcoming(first, 3)

    assert [wall_time(r, berlin).hour for r in by_interval] == [9, 10, 10]  # 24 h apart: 10:00 summer time
    assert [wall_time(r, berlin).hour for r in by_rule] == [9, 9, 9]


def test_an_interval_schedule_needs_runat_as_its_phase() -> None:
    with pytest.raises(ValidationFailed) as caught:
        define(ScheduleInput(payload="x", recurring="interval", interval="PT15M", immediate=True))

    assert {p.field for p in caught.value.problems} == {"runAt"}
    assert "an interval counts from it" in caught.value.message
