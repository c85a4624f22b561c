"""Run history: what happened to each occurrence of a schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class RunStatus(StrEnum):
    DELIVERED = "delivered"  # one SQS message was accepted for this occurrence
    MISSED = "missed"  # the occurrence was skipped (outside the catch-up window, or superseded)


class RunTrigger(StrEnum):
    SCHEDULE = "schedule"  # the dispatcher, at the schedule's time
    IMMEDIATE = "immediate"  # the API, because the run time was now or already past
    MANUAL = "manual"  # an explicit "run now"


def occurrence_id(job_id: str, scheduled_for: datetime) -> str:
    """The identity of one occurrence, carried by every message (and every repeat) of it."""
    return f"{job_id}/{iso_seconds(scheduled_for)}"


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

    @property
    def occurrence_id(self) -> str:
        return occurrence_id(self.job_id, self.scheduled_for)
