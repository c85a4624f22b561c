"""What the dispatcher decides for one schedule (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.domain.dispatch_plan import MAX_MISSED_RECORDS, missed_before, plan
from service.domain.recurrence import RecurrenceKind
from service.domain.schedule import Schedule, State

NOW = datetime(2027, 5, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(hours=24)
LOOKAHEAD = timedelta(seconds=70)


def _schedule(run_at: datetime, recurring: RecurrenceKind = RecurrenceKind.NONE, **kwargs: object) -> Schedule:
    values: dict[str, object] = {
        "namespace": "default",
        "job_id": "00000000-0000-7000-8000-000000000001",
        "payload": "p",
        "recurring": recurring,
        "timezone": "Europe/Berlin",
        "cron": None,
        "anchor": None,
        "run_at": run_at,
        "state": State.ACTIVE,
        "version": 1,
        "created_at": NOW - DAY,
        "updated_at": NOW - DAY,
    }
    values.update(kwargs)
    return Schedule(**values)  # type: ignore[arg-type]


def test_a_run_inside_the_lookahead_is_handed_off_now_for_its_time() -> None:
    decision = plan(_schedule(NOW + timedelta(seconds=42, milliseconds=300)), NOW, DAY, LOOKAHEAD)

    assert decision.deliver == NOW + timedelta(seconds=42, milliseconds=300)


def test_a_run_beyond_the_lookahead_is_left_for_a_later_tick() -> None:
    assert plan(_schedule(NOW + timedelta(seconds=71)), NOW, DAY, LOOKAHEAD).is_empty


def test_a_one_time_run_within_the_catch_up_window_is_delivered_late() -> None:
    decision = plan(_schedule(NOW - timedelta(hours=23)), NOW, DAY, LOOKAHEAD)

    assert decision.deliver == NOW - timedelta(hours=23)
    assert decision.missed == []


def test_a_one_time_run_older_than_the_window_is_recorded_missed_not_dropped() -> None:
    decision = plan(_schedule(NOW - timedelta(hours=25)), NOW, DAY, LOOKAHEAD)

    assert decision.deliver is None
    assert decision.missed == [NOW - timedelta(hours=25)]


def test_a_recurring_schedule_that_missed_several_delivers_the_latest_once_and_records_the_rest() -> None:
    every_20 = _schedule(NOW - timedelta(hours=3), RecurrenceKind.CRON, cron="*/20 * * * *")

    decision = plan(every_20, NOW, DAY, LOOKAHEAD)

    assert decision.deliver == NOW
    assert len(decision.missed) == 9  # 09:00 .. 11:40 UTC
    assert decision.missed[0] == NOW - timedelta(hours=3)
    assert decision.missed[-1] == NOW - timedelta(minutes=20)


def test_a_recurring_run_older_than_the_window_is_missed_with_the_others() -> None:
    weekly = _schedule(NOW - timedelta(days=3), RecurrenceKind.WEEKLY, anchor=datetime(2027, 5, 7, 14, 0))

    decision = plan(weekly, NOW, DAY, LOOKAHEAD)

    assert decision.deliver is None
    assert decision.missed == [NOW - timedelta(days=3)]


def test_misses_past_the_record_limit_are_counted_not_listed() -> None:
    every_minute = _schedule(NOW - timedelta(days=2), RecurrenceKind.CRON, cron="* * * * *")

    decision = plan(every_minute, NOW, timedelta(days=3), LOOKAHEAD)

    assert len(decision.missed) == MAX_MISSED_RECORDS
    assert decision.missed_not_recorded == 2 * 24 * 60 - MAX_MISSED_RECORDS
    assert decision.missed[-1] == NOW - timedelta(minutes=1)


def test_a_run_the_api_or_the_stage_handed_off_itself_is_left_alone() -> None:
    handed_off = _schedule(NOW + timedelta(seconds=5), handed_off=NOW + timedelta(seconds=5))
    an_older_mark = _schedule(NOW + timedelta(seconds=5), handed_off=NOW - timedelta(minutes=1))

    assert plan(handed_off, NOW, DAY, LOOKAHEAD).is_empty
    assert plan(an_older_mark, NOW, DAY, LOOKAHEAD).deliver == NOW + timedelta(seconds=5)  # another run's mark


def test_the_runs_a_catch_up_skips_are_those_from_the_pending_run_up_to_the_one_delivered() -> None:
    every_20 = _schedule(NOW - timedelta(hours=1), RecurrenceKind.CRON, cron="*/20 * * * *")

    skipped, not_recorded = missed_before(every_20, NOW)

    assert skipped == [NOW - timedelta(minutes=m) for m in (60, 40, 20)]
    assert not_recorded == 0
    assert missed_before(every_20, NOW - timedelta(hours=1)) == ([], 0)


def test_paused_and_completed_schedules_have_nothing_to_do() -> None:
    assert plan(_schedule(NOW, state=State.PAUSED), NOW, DAY, LOOKAHEAD).is_empty
    assert plan(_schedule(NOW, state=State.COMPLETED), NOW, DAY, LOOKAHEAD).is_empty
