"""startAt, endAt and maxRuns on every recurring kind: no run before the one or after the
other, and a schedule completes after its last run or its last delivered run."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from service.domain.errors import ValidationFailed
from service.domain.runs import RunStatus, RunTrigger, delivered, missed
from service.domain.schedule import Schedule, ScheduleInput, State, define
from tests.builders import NS, job_id

NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)  # a Monday
BERLIN = "Europe/Berlin"
KINDS = {
    "daily": {"recurring": "daily", "run_at": "2027-01-05T09:00:00"},
    "weekly": {"recurring": "weekly", "run_at": "2027-01-05T09:00:00"},
    "cron": {"recurring": "cron", "cron": "0 9 * * *"},
    "interval": {"recurring": "interval", "interval": "P1D", "run_at": "2027-01-05T09:00:00"},
}


def stored(raw: ScheduleInput, now: datetime = NOW) -> Schedule:
    """The schedule that creating ``raw`` at ``now`` stores (as the service builds it)."""
    definition = define(raw)
    first = definition.first_run(now)
    return Schedule(
        namespace=NS,
        job_id=job_id(1),
        **definition.schedule_fields(),
        run_at=first,
        state=State.ACTIVE if first else State.COMPLETED,
        version=1,
        created_at=now,
        updated_at=now,
    )


def raw(kind: str, **fields: object) -> ScheduleInput:
    return ScheduleInput(payload="x", timezone=BERLIN, **KINDS[kind], **fields)  # type: ignore[arg-type]


def run_through(schedule: Schedule, count: int) -> list[datetime]:
    """Deliver its runs one by one, each on time; the instants delivered."""
    instants = []
    while schedule.state is State.ACTIVE and schedule.run_at is not None and len(instants) < count:
        at = schedule.run_at
        instants.append(at)
        schedule = schedule.after_run(at, at, delivered(NS, schedule.job_id, at, RunTrigger.SCHEDULE, at, "m"))
    return instants


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_run_happens_before_start_at(kind: str) -> None:
    schedule = stored(raw(kind, start_at="2027-02-10T00:00:00"))

    assert schedule.run_at is not None and schedule.run_at >= datetime(2027, 2, 9, 23, 0, tzinfo=UTC)
    assert all(run >= schedule.run_at for run in schedule.upcoming(10))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_run_happens_after_end_at_and_the_schedule_completes_with_its_last_run(kind: str) -> None:
    end_at = datetime(2027, 2, 1, 0, 0, tzinfo=UTC)
    schedule = stored(raw(kind, end_at="2027-02-01T01:00:00"))  # midnight UTC in Berlin's winter time

    runs = run_through(schedule, 100)

    assert runs and all(run <= end_at for run in runs)
    assert schedule.upcoming(100) == runs
    final = schedule
    for at in runs:
        final = final.after_run(at, at, delivered(NS, final.job_id, at, RunTrigger.SCHEDULE, at, "m"))
    assert final.state is State.COMPLETED and final.run_at is None


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_max_runs_completes_after_that_many_delivered_runs_and_shows_the_remaining(kind: str) -> None:
    schedule = stored(raw(kind, max_runs=3))

    assert schedule.remaining_runs == 3
    assert len(schedule.upcoming(10)) == 3
    first = schedule.after_run(
        schedule.run_at, schedule.run_at, delivered(NS, schedule.job_id, schedule.run_at, RunTrigger.SCHEDULE, NOW, "m")
    )  # type: ignore[arg-type]
    assert (first.remaining_runs, first.state) == (2, State.ACTIVE)
    assert len(run_through(schedule, 100)) == 3


def test_missed_and_manual_runs_do_not_count_against_max_runs() -> None:
    schedule = stored(raw("daily", max_runs=2))
    at = schedule.run_at
    assert at is not None

    after_miss = schedule.after_run(at, at, missed(NS, schedule.job_id, at, at))
    manual = replace(delivered(NS, schedule.job_id, at, RunTrigger.MANUAL, at, "m", run_id="r"))

    assert after_miss.remaining_runs == 2 and after_miss.last_run is not None
    assert after_miss.last_run.status is RunStatus.MISSED
    assert schedule.after_run(at, at, manual).remaining_runs == 2


def test_a_start_at_on_a_dst_gap_starts_at_the_jump() -> None:
    # 02:30 on 28 March 2027 does not exist in Berlin: startAt is the jump, 03:00 CEST.
    schedule = stored(
        ScheduleInput(
            payload="x", recurring="cron", cron="*/30 * * * *", timezone=BERLIN, start_at="2027-03-28T02:30:00"
        )
    )

    assert schedule.run_at == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)


def test_a_daily_0230_rule_ending_on_the_spring_forward_day_runs_at_the_jump_then_completes() -> None:
    schedule = stored(
        ScheduleInput(
            payload="x", recurring="daily", timezone=BERLIN, run_at="2027-03-26T02:30:00", end_at="2027-03-28T12:00:00"
        ),
        now=datetime(2027, 3, 20, tzinfo=UTC),
    )

    assert run_through(schedule, 10) == [
        datetime(2027, 3, 26, 1, 30, tzinfo=UTC),
        datetime(2027, 3, 27, 1, 30, tzinfo=UTC),
        datetime(2027, 3, 28, 1, 0, tzinfo=UTC),  # 03:00 CEST, the jump
    ]


def test_an_end_at_already_past_is_refused_naming_it() -> None:
    with pytest.raises(ValidationFailed) as caught:
        define(raw("daily", end_at="2026-12-01T00:00:00Z")).first_run(NOW)

    assert caught.value.problems[0].field == "endAt"
    assert "is already past" in caught.value.message


def test_an_end_at_before_the_first_run_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        define(raw("weekly", end_at="2027-01-05T08:00:00")).first_run(NOW)  # runAt is 09:00 that day

    assert "comes before the first run" in caught.value.message


def test_a_rule_that_started_in_the_past_delivers_its_latest_within_its_bounds() -> None:
    definition = define(
        ScheduleInput(
            payload="x",
            recurring="interval",
            interval="PT1H",
            run_at="2027-01-01T00:00:00Z",
            start_at="2027-01-04T10:30:00Z",
        )
    )

    assert definition.first_run(NOW) == datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
    assert definition.first_run(datetime(2027, 1, 4, 10, 45, tzinfo=UTC)) == datetime(2027, 1, 4, 11, 0, tzinfo=UTC)
