"""The edges of the calendar: every date a client can write answers a value or a
``ValidationFailed`` naming its field, never another exception (an ``OverflowError`` would
be a 500)."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import available_timezones

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from service.domain.errors import ValidationFailed
from service.domain.local_time import zone
from service.domain.recurrence import Recurrence, RecurrenceKind
from service.domain.schedule import LATEST_RUN_AT, ScheduleInput, State, define
from service.services.schedules import ScheduleService
from tests.fakes import FakeClock, FakeHandOff, InMemoryRepository, id_factory
from tests.target_fakes import a_directory

NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
ZONES = sorted(available_timezones())
# Every wall-clock time datetime can hold, to the second.
WALL_TIMES = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)).map(
    lambda d: d.replace(microsecond=0)
)
# The offsets ISO-8601 (and datetime) allow: strictly within a day either way.
OFFSETS = st.integers(min_value=-(24 * 3600 - 1), max_value=24 * 3600 - 1).map(lambda s: timezone(timedelta(seconds=s)))
KINDS = st.sampled_from(["none", "daily", "weekly", "cron"])
EDGES = [
    ("9999-12-31T23:59:00", "America/Los_Angeles"),
    ("0001-01-01T00:00:00", "Asia/Tokyo"),
    ("9999-12-31T23:59:59", "Etc/GMT+12"),
    ("0001-01-01T00:00:00+14:00", "UTC"),
    ("9999-12-31T23:59:59-14:00", "UTC"),
    ("9999-12-31T23:59:59-23:59", "UTC"),
]


def _answer(run_at: str, tz_name: str, recurring: str) -> None:
    """What a create or a preview does with the definition: validate, then walk its runs."""
    raw = ScheduleInput(
        payload="x",
        run_at=run_at,
        timezone=tz_name,
        recurring=recurring,
        cron="0 0 * 2 MON#5" if recurring == "cron" else None,
    )
    try:
        definition = define(raw)
    except ValidationFailed as exc:
        assert {p.field for p in exc.problems} <= {"runAt", "timezone"}, exc.problems
        assert all(p.message for p in exc.problems)
        return
    first = definition.first_run(NOW)
    if first is not None:
        runs = definition.recurrence.upcoming(first, 5)
        assert all(a < b for a, b in zip([first, *runs], runs, strict=False))


@settings(max_examples=400, deadline=None)
@given(wall=WALL_TIMES, tz_name=st.sampled_from(ZONES), recurring=KINDS)
@example(wall=datetime(9999, 12, 31, 23, 59), tz_name="America/Los_Angeles", recurring="none")
@example(wall=datetime(1, 1, 1), tz_name="Asia/Tokyo", recurring="daily")
@example(wall=datetime(9999, 12, 31, 23, 59, 59), tz_name="Etc/GMT+12", recurring="weekly")
def test_a_naive_run_at_anywhere_in_the_calendar_and_any_zone_is_a_value_or_a_run_at_problem(
    wall: datetime, tz_name: str, recurring: str
) -> None:
    _answer(wall.isoformat(), tz_name, recurring)


@settings(max_examples=400, deadline=None)
@given(wall=WALL_TIMES, offset=OFFSETS, tz_name=st.sampled_from(ZONES), recurring=KINDS)
@example(wall=datetime(1, 1, 1), offset=timezone(timedelta(hours=14)), tz_name="UTC", recurring="none")
@example(
    wall=datetime(9999, 12, 31, 23, 59, 59), offset=timezone(-timedelta(hours=14)), tz_name="UTC", recurring="daily"
)
def test_a_run_at_with_an_offset_anywhere_in_the_calendar_is_a_value_or_a_run_at_problem(
    wall: datetime, offset: timezone, tz_name: str, recurring: str
) -> None:
    _answer(wall.replace(tzinfo=offset).isoformat(), tz_name, recurring)


@pytest.mark.parametrize(("run_at", "tz_name"), EDGES)
def test_the_edges_of_the_calendar_are_refused_naming_run_at_and_the_range(run_at: str, tz_name: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        define(ScheduleInput(payload="x", run_at=run_at, timezone=tz_name))

    (problem,) = caught.value.problems
    assert problem.field == "runAt"
    assert "1970-01-01 and 9000-01-01" in problem.message


def test_a_cron_rule_that_walks_past_year_9999_ends_there() -> None:
    # The fifth Monday of February comes once in 28 years or so: 100 of them from 8999 would
    # need the year 11800; cronsim raises OverflowError at 9999.
    rule = Recurrence(RecurrenceKind.CRON, zone("UTC"), cron="0 0 * 2 MON#5")

    runs = rule.upcoming(datetime(8999, 1, 1, tzinfo=UTC), 100)

    assert 0 < len(runs) < 100
    # The last one there is: a leap year whose February starts on a Monday.
    last_year = max(y for y in range(9900, 10000) if calendar.isleap(y) and calendar.weekday(y, 2, 1) == 0)
    assert runs[-1] == datetime(last_year, 2, 29, tzinfo=UTC)


def test_an_hourly_cron_in_los_angeles_stops_at_the_last_hour_utc_can_hold() -> None:
    rule = Recurrence(RecurrenceKind.CRON, zone("America/Los_Angeles"), cron="0 * * * *")

    runs = rule.upcoming(datetime(9999, 12, 31, 12, 30, tzinfo=UTC), 24)

    # 9999-12-31T16:00 local is 23:59:59Z's last whole hour; 17:00 local would be year 10000.
    assert runs[-1] == datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    assert len(runs) == 11


def test_daily_and_weekly_rules_near_the_end_of_the_calendar_stop_without_error() -> None:
    for kind in (RecurrenceKind.DAILY, RecurrenceKind.WEEKLY):
        rule = Recurrence(kind, zone("Etc/GMT+12"), anchor=datetime(8999, 12, 31, 23, 59, 59))

        runs = rule.upcoming(datetime(9998, 12, 1, tzinfo=UTC), 100)

        assert runs and runs[-1] < datetime(9999, 12, 31, tzinfo=UTC)


@pytest.fixture
def service() -> ScheduleService:
    return ScheduleService(
        repository=InMemoryRepository(),
        handoff=FakeHandOff(),
        new_id=id_factory(),
        clock=FakeClock(NOW),
        targets=a_directory(),
    )


def test_a_schedule_near_the_end_gives_the_runs_there_are_and_resumes_without_error(service: ScheduleService) -> None:
    last = (LATEST_RUN_AT - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    created = service.create("default", ScheduleInput(payload="x", recurring="cron", cron="0 0 * 2 MON#5", run_at=last))
    service.pause("default", created.job_id)
    assert isinstance(service.clock, FakeClock)
    service.clock.set(datetime(9900, 1, 1, tzinfo=UTC))

    _, runs = service.next_runs("default", created.job_id, 100)
    resumed = service.resume("default", created.job_id)

    assert 0 < len(runs) < 100
    assert resumed.state is State.ACTIVE and resumed.run_at is not None and resumed.run_at.year > 9900
    service.clock.set(datetime(9999, 6, 1, tzinfo=UTC))
    service.pause("default", created.job_id)
    assert service.resume("default", created.job_id).state is State.COMPLETED  # no fifth Monday left


def test_a_preview_of_a_rule_past_the_end_is_shorter_not_an_error(service: ScheduleService) -> None:
    raw = ScheduleInput(payload="x", recurring="cron", cron="0 0 * 2 MON#5", run_at="8999-06-01T00:00:00Z")

    runs = service.preview(raw, 100)

    assert 0 < len(runs) < 100
