"""SPEC section 3: local wall-clock time across DST changes."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from service.domain.local_time import resolve, wall_time, zone
from service.domain.recurrence import Recurrence, RecurrenceKind
from service.domain.schedule import ScheduleInput, define

BERLIN = zone("Europe/Berlin")
NEW_YORK = zone("America/New_York")


def _daily(at: datetime, tz_name: str) -> Recurrence:
    return define(ScheduleInput(payload="x", recurring="daily", timezone=tz_name, run_at=at.isoformat())).recurrence


def _local_days(instants: list[datetime], tz_name: str) -> dict[date, list[str]]:
    tz = zone(tz_name)
    days: dict[date, list[str]] = {}
    for instant in instants:
        local = instant.astimezone(tz)
        days.setdefault(local.date(), []).append(local.strftime("%H:%M%z"))
    return days


def test_daily_0230_berlin_runs_at_0300_local_on_spring_forward_day() -> None:
    rule = _daily(datetime(2027, 3, 1, 2, 30), "Europe/Berlin")

    runs = rule.upcoming(datetime(2027, 3, 26, tzinfo=UTC), 4)

    assert _local_days(runs, "Europe/Berlin") == {
        date(2027, 3, 26): ["02:30+0100"],
        date(2027, 3, 27): ["02:30+0100"],
        date(2027, 3, 28): ["03:00+0200"],  # 02:30 does not exist: the jump
        date(2027, 3, 29): ["02:30+0200"],
    }


def test_daily_0230_berlin_runs_once_at_first_0230_on_fall_back_day() -> None:
    rule = _daily(datetime(2027, 3, 1, 2, 30), "Europe/Berlin")

    runs = rule.upcoming(datetime(2027, 10, 30, tzinfo=UTC), 3)

    assert _local_days(runs, "Europe/Berlin") == {
        date(2027, 10, 30): ["02:30+0200"],
        date(2027, 10, 31): ["02:30+0200"],  # the first of the two 02:30s, once
        date(2027, 11, 1): ["02:30+0100"],
    }
    assert runs[1] == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_weekly_0900_new_york_stays_at_0900_local_across_both_2027_changes() -> None:
    rule = define(
        ScheduleInput(payload="x", recurring="weekly", timezone="America/New_York", run_at="2027-01-04T09:00:00")
    ).recurrence

    runs = rule.upcoming(datetime(2027, 1, 4, 15, tzinfo=UTC), 52)

    assert {r.astimezone(NEW_YORK).strftime("%a %H:%M:%S") for r in runs} == {"Mon 09:00:00"}
    offsets = {r.astimezone(NEW_YORK).utcoffset() for r in runs}
    assert offsets == {timedelta(hours=-5), timedelta(hours=-4)}  # it did cross both changes
    assert all(
        later - earlier in (timedelta(days=7, hours=-1), timedelta(days=7), timedelta(days=7, hours=1))
        for earlier, later in itertools.pairwise(runs)
    )


def test_cron_every_20_minutes_in_the_skipped_hour_collapses_to_one_run_at_the_jump() -> None:
    rule = Recurrence(RecurrenceKind.CRON, BERLIN, cron="*/20 2 * * *")

    runs = rule.upcoming(datetime(2027, 3, 27, 23, tzinfo=UTC), 4)

    assert [r.astimezone(BERLIN).strftime("%m-%d %H:%M") for r in runs] == [
        "03-28 03:00",
        "03-29 02:00",
        "03-29 02:20",
        "03-29 02:40",
    ]


def test_cron_in_the_repeated_hour_runs_each_time_once_at_its_first_pass() -> None:
    rule = Recurrence(RecurrenceKind.CRON, NEW_YORK, cron="30 1 * * *")

    runs = rule.upcoming(datetime(2027, 11, 6, 12, tzinfo=UTC), 2)

    assert runs == [datetime(2027, 11, 7, 5, 30, tzinfo=UTC), datetime(2027, 11, 8, 6, 30, tzinfo=UTC)]


def test_next_after_an_instant_in_the_second_pass_of_a_repeated_hour_moves_on() -> None:
    rule = Recurrence(RecurrenceKind.CRON, NEW_YORK, cron="*/30 * * * *")
    second_pass_0130 = datetime(2027, 11, 7, 6, 30, tzinfo=UTC)  # 01:30 EST

    assert rule.next_after(second_pass_0130) == datetime(2027, 11, 7, 7, 0, tzinfo=UTC)  # 02:00 EST


def test_resolve_maps_a_nonexistent_time_to_the_jump_and_a_repeated_one_to_its_first_pass() -> None:
    assert resolve(datetime(2027, 3, 14, 2, 30), NEW_YORK) == datetime(2027, 3, 14, 7, 0, tzinfo=UTC)
    assert resolve(datetime(2027, 11, 7, 1, 30), NEW_YORK) == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)
    assert wall_time(datetime(2027, 3, 14, 7, 0, tzinfo=UTC), NEW_YORK) == datetime(2027, 3, 14, 3, 0)


def test_lord_howe_half_hour_shift_resolves_to_the_jump() -> None:
    lord_howe = zone("Australia/Lord_Howe")

    jump = resolve(datetime(2027, 10, 3, 2, 15), lord_howe)

    assert jump.astimezone(lord_howe).strftime("%H:%M%z") == "02:30+1100"


def test_one_time_rule_has_no_further_occurrence() -> None:
    rule = Recurrence(RecurrenceKind.NONE, BERLIN)

    assert rule.next_after(datetime(2027, 1, 1, tzinfo=UTC)) is None
