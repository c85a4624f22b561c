"""What the dispatcher does with the runs a recurring schedule missed while it was late, by
its catch-up policy: latest (the default), all, none. The clock is the test's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.domain.dispatch_plan import MAX_CATCH_UP, ON_TIME_GRACE, plan
from service.domain.lifecycle import CatchUp
from service.domain.recurrence import RecurrenceKind
from service.domain.runs import Run, RunTrigger, delivered, missed
from service.domain.schedule import Schedule, State
from tests.builders import NS, a_schedule
from tests.fakes import FakeClock

NOW = datetime(2027, 5, 10, 12, 0, tzinfo=UTC)
WINDOW = timedelta(hours=24)
LOOKAHEAD = timedelta(seconds=70)


def hourly(catch_up: CatchUp, down_for: timedelta, **changes: object) -> Schedule:
    """An hourly cron whose next run is ``down_for`` before now: the service was down."""
    return a_schedule(
        recurring=RecurrenceKind.CRON,
        cron="0 * * * *",
        anchor=None,
        run_at=NOW - down_for,
        catch_up=catch_up,
        **changes,
    )


def test_latest_delivers_the_latest_missed_run_and_records_the_others() -> None:
    decision = plan(hourly(CatchUp.LATEST, timedelta(hours=3)), NOW, WINDOW, LOOKAHEAD)

    assert decision.deliver == NOW
    assert decision.missed == [NOW - timedelta(hours=h) for h in (3, 2, 1)]
    assert decision.catch_up == []


def test_all_delivers_every_missed_run_in_the_window_oldest_first() -> None:
    decision = plan(hourly(CatchUp.ALL, timedelta(hours=3)), NOW, WINDOW, LOOKAHEAD)

    assert decision.catch_up == [NOW - timedelta(hours=h) for h in (3, 2, 1, 0)]
    assert decision.deliver == NOW - timedelta(hours=3)
    assert decision.deliveries == decision.catch_up
    assert decision.missed == []


def test_all_records_missed_what_is_older_than_the_window() -> None:
    decision = plan(hourly(CatchUp.ALL, timedelta(hours=26)), NOW, WINDOW, LOOKAHEAD)

    assert decision.missed == [NOW - timedelta(hours=26), NOW - timedelta(hours=25)]
    assert decision.catch_up[0] == NOW - timedelta(hours=24)
    assert len(decision.catch_up) == 25


def test_all_delivers_at_most_1000_at_a_time_and_the_next_plan_goes_on_from_there() -> None:
    clock = FakeClock(NOW)
    every_minute = a_schedule(
        recurring=RecurrenceKind.CRON, cron="* * * * *", anchor=None, run_at=NOW - timedelta(hours=20),
        catch_up=CatchUp.ALL,
    )  # fmt: skip

    first = plan(every_minute, clock.now, WINDOW, LOOKAHEAD)
    assert len(first.catch_up) == MAX_CATCH_UP
    moved = every_minute.after_runs([_delivered(every_minute, at) for at in first.catch_up], clock.now)

    clock.advance(minutes=1)
    second = plan(moved, clock.now, WINDOW, LOOKAHEAD)

    assert moved.run_at == first.catch_up[-1] + timedelta(minutes=1)
    assert second.catch_up[0] == moved.run_at
    assert len(second.catch_up) == 20 * 60 + 2 - MAX_CATCH_UP  # the rest, with the minute just past
    assert second.missed == []


def test_all_never_delivers_more_than_the_remaining_runs() -> None:
    schedule = hourly(CatchUp.ALL, timedelta(hours=5), max_runs=4, runs_delivered=2)

    decision = plan(schedule, NOW, WINDOW, LOOKAHEAD)
    done = schedule.after_runs([_delivered(schedule, at) for at in decision.catch_up], NOW)

    assert decision.catch_up == [NOW - timedelta(hours=5), NOW - timedelta(hours=4)]
    assert (done.state, done.remaining_runs, done.run_at) == (State.COMPLETED, 0, None)


def test_none_records_every_late_run_missed_and_delivers_nothing_late() -> None:
    schedule = hourly(CatchUp.NONE, timedelta(hours=3))
    later = NOW + timedelta(seconds=30)

    decision = plan(schedule, later, WINDOW, LOOKAHEAD)
    moved = schedule.after_run(decision.missed[-1], later, missed(NS, schedule.job_id, decision.missed[-1], later))

    assert decision.deliver is None and decision.catch_up == []
    assert decision.missed == [NOW - timedelta(hours=h) for h in (3, 2, 1, 0)]
    assert moved.run_at == NOW + timedelta(hours=1)  # the next one, on time


def test_none_still_delivers_a_run_found_within_the_grace_a_late_tick_takes() -> None:
    def one_time(late: timedelta) -> Schedule:
        return a_schedule(recurring=RecurrenceKind.NONE, anchor=None, run_at=NOW - late, catch_up=CatchUp.NONE)

    on_time = plan(one_time(ON_TIME_GRACE), NOW, WINDOW, LOOKAHEAD)
    late = plan(one_time(ON_TIME_GRACE + timedelta(seconds=1)), NOW, WINDOW, LOOKAHEAD)

    assert on_time.deliver == NOW - ON_TIME_GRACE
    assert late.deliver is None and late.missed == [NOW - ON_TIME_GRACE - timedelta(seconds=1)]


def test_a_one_time_run_with_catch_up_none_found_late_is_missed() -> None:
    late = NOW - timedelta(minutes=5)
    latest = a_schedule(recurring=RecurrenceKind.NONE, anchor=None, run_at=late)
    none = a_schedule(recurring=RecurrenceKind.NONE, anchor=None, run_at=late, catch_up=CatchUp.NONE)

    assert plan(latest, NOW, WINDOW, LOOKAHEAD).deliver == late
    assert plan(none, NOW, WINDOW, LOOKAHEAD).missed == [late]
    assert plan(none, NOW, WINDOW, LOOKAHEAD).deliver is None


def test_the_catch_up_stops_at_end_at() -> None:
    schedule = hourly(CatchUp.ALL, timedelta(hours=5), end_at=NOW - timedelta(hours=3))

    assert plan(schedule, NOW, WINDOW, LOOKAHEAD).catch_up == [NOW - timedelta(hours=h) for h in (5, 4, 3)]


def _delivered(schedule: Schedule, at: datetime) -> Run:
    return delivered(NS, schedule.job_id, at, RunTrigger.SCHEDULE, NOW, "m")
