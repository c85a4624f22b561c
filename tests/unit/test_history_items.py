"""Which runs need a history item of their own: all but the run a one-time schedule
completes with, which its ``last_run`` records."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from service.domain.recurrence import RecurrenceKind
from service.domain.runs import Run, RunTrigger, delivered, missed
from service.domain.schedule import Schedule, State, needs_history_item
from tests.builders import NS, a_schedule

AT = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def a_one_time_schedule() -> Schedule:
    return a_schedule(recurring=RecurrenceKind.NONE, anchor=None, run_at=AT)


def completed_by(schedule: Schedule, run: Run) -> Schedule:
    return schedule.after_run(run.scheduled_for, AT, run)


def sent(trigger: RunTrigger = RunTrigger.SCHEDULE, run_id: str | None = None) -> Run:
    return delivered(NS, a_one_time_schedule().job_id, AT, trigger, AT, "msg-1", run_id=run_id)


def test_the_run_a_one_time_schedule_completes_with_needs_no_history_item() -> None:
    run = sent()

    assert not needs_history_item(completed_by(a_one_time_schedule(), run), run)


def test_the_run_an_immediate_one_time_schedule_completes_with_needs_none_either() -> None:
    run = sent(RunTrigger.IMMEDIATE)

    assert not needs_history_item(completed_by(a_one_time_schedule(), run), run)


def test_a_run_of_a_recurring_schedule_needs_one() -> None:
    daily = replace(a_one_time_schedule(), recurring=RecurrenceKind.DAILY, anchor=AT.replace(tzinfo=None))
    run = sent()

    assert needs_history_item(completed_by(daily, run), run)


def test_a_manual_run_needs_one_even_on_a_completed_one_time_schedule() -> None:
    first = sent()
    completed = completed_by(a_one_time_schedule(), first)
    manual = sent(RunTrigger.MANUAL, run_id="r1")

    assert needs_history_item(replace(completed, last_run=manual), manual)


def test_a_missed_one_time_run_needs_one() -> None:
    run = missed(NS, a_one_time_schedule().job_id, AT - timedelta(days=2), AT)

    assert needs_history_item(completed_by(a_one_time_schedule(), run), run)


def test_the_same_run_needs_one_once_its_schedule_is_changed_to_run_again() -> None:
    run = sent()
    completed = completed_by(a_one_time_schedule(), run)

    rearmed = replace(completed, state=State.ACTIVE, run_at=AT + timedelta(days=1), version=completed.version + 1)

    assert needs_history_item(rearmed, run)


def test_a_run_that_is_not_the_schedules_last_needs_one() -> None:
    run = sent()
    completed = completed_by(a_one_time_schedule(), run)

    assert needs_history_item(completed, replace(run, scheduled_for=AT - timedelta(hours=1)))
