"""Property tests over random zones, rules and instants (SPEC section 3)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import available_timezones

from cronsim import CronSim
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.local_time import resolve, wall_time, zone
from service.domain.recurrence import Recurrence, RecurrenceKind

ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))

zones = st.sampled_from(ZONES)
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC, microsecond=0)
)
times_of_day = st.times().map(lambda t: t.replace(microsecond=0))
crons = st.sampled_from(["*/15 * * * *", "30 2 * * *", "0 1-3 * * *", "45 * * * 1-5", "0 0 1 * *", "5 4 * * SUN"])


def _lands_on_rule_or_jump(instant: datetime, at: time, tz_name: str) -> bool:
    tz = zone(tz_name)
    local = wall_time(instant, tz)
    if local.time() == at:
        return True
    # Otherwise the rule's wall time does not exist that day, and the run is at the jump.
    wanted = datetime.combine(local.date(), at)
    jumped = wall_time(resolve(wanted, tz) - timedelta(seconds=1), tz)
    return resolve(wanted, tz) == instant and wall_time(instant, tz) - jumped > timedelta(seconds=1)


@settings(max_examples=300, deadline=None)
@given(tz_name=zones, at=times_of_day, start=instants, weekly=st.booleans())
def test_daily_and_weekly_runs_increase_and_land_on_the_rule_or_at_a_jump(
    tz_name: str, at: time, start: datetime, weekly: bool
) -> None:
    tz = zone(tz_name)
    anchor = datetime.combine(wall_time(start, tz).date(), at)
    rule = Recurrence(RecurrenceKind.WEEKLY if weekly else RecurrenceKind.DAILY, tz, anchor=anchor)

    runs = rule.upcoming(start, 20)

    assert len(runs) == 20
    assert all(a < b for a, b in itertools.pairwise(runs))
    assert all(r > start for r in runs)
    for run in runs:
        assert _lands_on_rule_or_jump(run, at, tz_name), (run, run.astimezone(tz))
        if weekly:
            assert wall_time(run, tz).weekday() == anchor.weekday()
    # None doubles: one run per local day at most.
    days = [wall_time(r, tz).date() for r in runs]
    assert len(days) == len(set(days))


@settings(max_examples=200, deadline=None)
@given(tz_name=zones, cron=crons, start=instants)
def test_cron_runs_increase_and_each_matches_a_local_time_or_a_jump(tz_name: str, cron: str, start: datetime) -> None:
    tz = zone(tz_name)
    rule = Recurrence(RecurrenceKind.CRON, tz, cron=cron)

    runs = rule.upcoming(start, 15)

    assert all(a < b for a, b in itertools.pairwise(runs))
    assert all(r > start for r in runs)
    # Each run either shows a wall time the expression matches, or is the instant of a jump.
    for run in runs:
        wall = wall_time(run, tz)
        at_jump = wall - wall_time(run - timedelta(seconds=1), tz) > timedelta(seconds=1)
        assert at_jump or next(CronSim(cron, wall - timedelta(seconds=1))) == wall
    # None doubles: a wall time seen twice (a repeated hour) runs once.
    walls = [wall_time(r, tz) for r in runs]
    assert len(set(walls)) == len(walls)


@settings(max_examples=200, deadline=None)
@given(tz_name=zones, start=instants, at=times_of_day)
def test_next_after_each_run_is_the_following_run(tz_name: str, start: datetime, at: time) -> None:
    tz = zone(tz_name)
    rule = Recurrence(RecurrenceKind.DAILY, tz, anchor=datetime.combine(start.date(), at))

    runs = rule.upcoming(start, 5)

    assert [rule.next_after(r) for r in runs[:-1]] == runs[1:]
