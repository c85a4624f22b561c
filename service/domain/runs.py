"""Run history: what happened to each occurrence of a schedule."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class RunStatus(StrEnum):
    QUEUED = "queued"  # handed to the delivery stage, not yet delivered
    DELIVERED = "delivered"  # the target accepted it (an SQS message id, or a 2xx of a webhook)
    CANCELED = "canceled"  # its schedule was paused or changed before its instant (``reason``)
    MISSED = "missed"  # the occurrence was skipped (outside the catch-up window, or superseded)
    FAILED = "failed"  # the target refused it past its retry policy (``reason``); redeliverable


class CancelReason(StrEnum):
    PAUSED = "paused"
    CHANGED = "changed"
    DELETED = "deleted"


class RunTrigger(StrEnum):
    SCHEDULE = "schedule"  # the dispatcher, at the schedule's time
    IMMEDIATE = "immediate"  # the API, because the run time was now or already past
    MANUAL = "manual"  # an explicit "run now"
    BACKFILL = "backfill"  # an occurrence of a past range, replayed on request


# Runs asked for apart from the rule's own course: they move no schedule on.
OUT_OF_COURSE = frozenset({RunTrigger.MANUAL, RunTrigger.BACKFILL})


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
    reason: str | None = None  # why it was canceled or failed
    attempts: int | None = None  # deliveries tried so far (a webhook's retries)
    last_error: str | None = None  # the last attempt's HTTP status or error, while it retries
    next_attempt_at: datetime | None = None  # when it is tried again, while it retries

    @property
    def occurrence_id(self) -> str:
        return occurrence_id(self.job_id, self.scheduled_for, self.run_id)


def delivered(
    namespace: str,
    job_id: str,
    scheduled_for: datetime,
    trigger: RunTrigger,
    accepted_at: datetime,
    message_id: str | None,
    run_id: str | None = None,
    attempts: int | None = None,
) -> Run:
    """The record of an occurrence its target accepted at ``accepted_at``: the lateness is
    measured there, at acceptance (never negative: the stage never delivers early)."""
    return Run(
        namespace=namespace,
        job_id=job_id,
        scheduled_for=scheduled_for,
        status=RunStatus.DELIVERED,
        trigger=trigger,
        recorded_at=accepted_at,
        message_id=message_id,
        lateness_ms=max(0, int((accepted_at - scheduled_for).total_seconds() * 1000)),
        run_id=run_id,
        attempts=attempts,
    )


def queued(
    namespace: str,
    job_id: str,
    scheduled_for: datetime,
    trigger: RunTrigger,
    handed_off_at: datetime,
    run_id: str | None = None,
) -> Run:
    """The record of an occurrence handed to the delivery stage, not yet delivered."""
    return Run(
        namespace=namespace,
        job_id=job_id,
        scheduled_for=scheduled_for,
        status=RunStatus.QUEUED,
        trigger=trigger,
        recorded_at=handed_off_at,
        run_id=run_id,
    )


def canceled(
    namespace: str,
    job_id: str,
    scheduled_for: datetime,
    trigger: RunTrigger,
    recorded_at: datetime,
    reason: CancelReason,
    run_id: str | None = None,
) -> Run:
    """The record of an occurrence its schedule's change called back before its instant."""
    return Run(
        namespace=namespace,
        job_id=job_id,
        scheduled_for=scheduled_for,
        status=RunStatus.CANCELED,
        trigger=trigger,
        recorded_at=recorded_at,
        run_id=run_id,
        reason=reason.value,
    )


def failed(
    namespace: str,
    job_id: str,
    scheduled_for: datetime,
    trigger: RunTrigger,
    recorded_at: datetime,
    reason: str,
    run_id: str | None = None,
    attempts: int | None = None,
    last_error: str | None = None,
) -> Run:
    """The record of an occurrence its target would not take."""
    return Run(
        namespace=namespace,
        job_id=job_id,
        scheduled_for=scheduled_for,
        status=RunStatus.FAILED,
        trigger=trigger,
        recorded_at=recorded_at,
        run_id=run_id,
        reason=reason,
        attempts=attempts,
        last_error=last_error,
    )


def retrying(
    namespace: str,
    job_id: str,
    scheduled_for: datetime,
    trigger: RunTrigger,
    recorded_at: datetime,
    *,
    attempts: int,
    last_error: str,
    next_attempt_at: datetime,
    run_id: str | None = None,
) -> Run:
    """The record of an occurrence its target refused ``attempts`` times so far, to be
    tried again at ``next_attempt_at``: still ``queued``, with what went wrong last."""
    run = queued(namespace, job_id, scheduled_for, trigger, recorded_at, run_id)
    return replace(run, attempts=attempts, last_error=last_error, next_attempt_at=next_attempt_at)


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
