"""Domain objects for tests, built from a few defaults that each test overrides by name."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from service.domain.local_time import wall_time, zone
from service.domain.recurrence import RecurrenceKind
from service.domain.runs import Run, RunStatus, RunTrigger
from service.domain.schedule import Schedule, State

NS = "default"
NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def job_id(n: int) -> str:
    return f"00000000-0000-7000-8000-{n:012d}"


def a_schedule(n: int = 1, **changes: Any) -> Schedule:
    berlin = zone("Europe/Berlin")
    run_at = datetime(2027, 1, 5, 8, 0, tzinfo=UTC)
    schedule = Schedule(
        namespace=NS,
        job_id=job_id(n),
        payload=f"payload {n}",
        recurring=RecurrenceKind.DAILY,
        timezone="Europe/Berlin",
        cron=None,
        anchor=wall_time(run_at, berlin),
        run_at=run_at,
        state=State.ACTIVE,
        version=1,
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(schedule, **changes)


def a_run(schedule: Schedule, scheduled_for: datetime, trigger: RunTrigger = RunTrigger.SCHEDULE) -> Run:
    return Run(
        namespace=schedule.namespace,
        job_id=schedule.job_id,
        scheduled_for=scheduled_for,
        status=RunStatus.DELIVERED,
        trigger=trigger,
        recorded_at=scheduled_for + timedelta(seconds=1),
        message_id="m-1",
        lateness_ms=1000,
    )
