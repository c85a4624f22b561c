"""Run history: what happened to each occurrence of a schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class RunStatus(StrEnum):
    DELIVERED = "delivered"  # one SQS message was accepted for this occurrence
    MISSED = "missed"  # the occurrence was skipped (outside the catch-up window, or superseded)


class RunTrigger(StrEnum):
    SCHEDULE = "schedule"  # the dispatcher, at the schedule's time
    IMMEDIATE = "immediate"  # the API, because the run time was now or already past
    MANUAL = "manual"  # an explicit "run now"


def occurrence_id(job_id: str, scheduled_for: datetime, run_id: str | None = None) -> str:
    """The identity of one occurrence, carried by every message (and every repeat) of it.

    ``<jobId>/<scheduledFor>`` for the schedule's own occurrences. A manual run ("run
    now") is not an occurrence of the rule, and two of them can start in the same second:
    it adds its own ``run_id``, ``<jobId>/<scheduledFor>/<runId>``, so no two share one.
    """
    base = f"{job_id}/{iso_seconds(scheduled_for)}"
    return base if run_id is None else f"{base}/{run_id}"


def iso_seconds(instant: datetime) -> str:
    """ISO-8601 UTC with second precision and a ``Z``: ``2027-03-28T01:00:00Z``."""
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Run:
    namespace: str
    job_id: str
    scheduled_for: datetime
    status: RunStatus
    trigger: RunTrigger
    recorded_at: datetime
    message_id: str | None = None
    lateness_ms: int | None = None
    run_id: str | None = None  # a manual run's own id (see ``occurrence_id``)

    @property
    def occurrence_id(self) -> str:
        return occurrence_id(self.job_id, self.scheduled_for, self.run_id)


def delivered(
    namespace: str,
    job_id: str,
    scheduled_for: datetime,
    trigger: RunTrigger,
    sent_at: datetime,
    message_id: str | None,
    delay_seconds: int = 0,
    run_id: str | None = None,
) -> Run:
    """The record of an occurrence handed to the queue at ``sent_at``, visible after the delay."""
    visible_at = sent_at + timedelta(seconds=delay_seconds)
    return Run(
        namespace=namespace,
        job_id=job_id,
        scheduled_for=scheduled_for,
        status=RunStatus.DELIVERED,
        trigger=trigger,
        recorded_at=sent_at,
        message_id=message_id,
        lateness_ms=max(0, int((visible_at - scheduled_for).total_seconds() * 1000)),
        run_id=run_id,
    )


def missed(namespace: str, job_id: str, scheduled_for: datetime, recorded_at: datetime) -> Run:
    """The record of an occurrence that was not sent (too late, or superseded by a later one)."""
    return Run(
        namespace=namespace,
        job_id=job_id,
        scheduled_for=scheduled_for,
        status=RunStatus.MISSED,
        trigger=RunTrigger.SCHEDULE,
        recorded_at=recorded_at,
    )
