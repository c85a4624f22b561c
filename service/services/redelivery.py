"""Redelivery: a ``failed`` run delivered again, now (``POST
/schedules/{jobId}/runs/{occurrenceId}/redeliver`` and GraphQL ``redeliverRun``).

The run goes back to the delivery stage with its own occurrence id and trigger, as attempt
1 of a new round of its target's retry policy, and is shown ``queued`` until the stage
records what became of it. Its schedule is left as it is: the run was dealt with already,
so it moves nothing, and it goes out unless its schedule is deleted meanwhile. Its body is
the schedule's payload as it is now (a run's own payload is not kept in its history; the
copy in the dead-letter queue has it).

The run is marked ``queued`` before it is handed off, on the condition that it is still
``failed``: of two redeliveries at once, one goes out and the other is refused, and the
stage's record of it can never be overwritten by a late ``queued``.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from service.domain import runs as run_records
from service.domain.errors import DeliveryFailed, DomainError, InvalidState, ScheduleNotFound, quoted
from service.domain.runs import Run, RunStatus
from service.services.handoff import HandOff, HandOffItem
from service.services.ports import ScheduleRepository
from service.services.target_admin import utc_now
from service.services.target_ports import Delivery


class RunNotFound(DomainError):  # noqa: N818 - the names say what failed
    code = "not_found"

    def __init__(self, job_id: str, occurrence_id: str) -> None:
        self.job_id = job_id
        super().__init__(f"schedule {quoted(job_id)} has no run {quoted(occurrence_id)}")


class RunStore(abc.ABC):
    """A schedule's runs, one at a time."""

    @abc.abstractmethod
    def find(self, namespace: str, job_id: str, occurrence_id: str) -> Run | None:
        """The recorded run of that occurrence id (a failed one first, if it has several triggers)."""

    @abc.abstractmethod
    def requeue(self, failed: Run, queued: Run) -> bool:
        """Record ``queued`` over ``failed`` if that run is still failed (and show it as its
        schedule's last run if it was that); False if it is not."""

    @abc.abstractmethod
    def restore(self, failed: Run, now: datetime) -> None:
        """Record ``failed`` again: its hand-off was refused."""


@dataclass
class Redelivery:
    repository: ScheduleRepository
    runs: RunStore
    handoff: HandOff
    clock: Callable[[], datetime] = utc_now

    def redeliver(self, namespace: str, job_id: str, occurrence_id: str) -> Run:
        """The run, queued again; ``RunNotFound``/``ScheduleNotFound`` (404) unless the
        namespace has it, ``InvalidState`` (409) unless it is ``failed``."""
        schedule = self.repository.get(namespace, job_id)
        if schedule is None:
            raise ScheduleNotFound(job_id)
        failed = self.runs.find(namespace, job_id, occurrence_id)
        if failed is None:
            raise RunNotFound(job_id, occurrence_id)
        if failed.status is not RunStatus.FAILED:
            raise InvalidState(
                f"run {quoted(occurrence_id)} is {failed.status.value}: only a failed run is redelivered"
            )
        now = self.clock()
        queued = run_records.queued(namespace, job_id, failed.scheduled_for, failed.trigger, now, run_id=failed.run_id)
        if not self.runs.requeue(failed, queued):
            raise InvalidState(f"run {quoted(occurrence_id)} is no longer failed: it was redelivered meanwhile")
        item = HandOffItem(
            delivery=Delivery(namespace, job_id, failed.scheduled_for, schedule.payload, run_id=failed.run_id),
            trigger=failed.trigger,
            revision=schedule.revision,
            due_run_at=None,
            handed_off_at=now,
            not_before=now,  # resent: its schedule dealt with it already
        )
        (outcome,) = self.handoff.hand_off([item])
        if not outcome.handed_off:
            self.runs.restore(failed, now)
            raise DeliveryFailed(f"the delivery stage did not take the run: {outcome.error}")
        return queued
