"""Backfill: every occurrence a schedule's rule had in a past range, delivered now through the
delivery stage, each with the occurrence id it would have had on time and the trigger
``backfill`` (``service.domain.backfill``). The schedule itself is left as it is.

The runs are recorded ``queued`` first, then handed off, so the stage's record of a run
(``delivered``) always comes after its ``queued`` one. A run the stage's queue refused is
recorded ``failed`` with the reason, never left ``queued``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from service.domain import runs as run_records
from service.domain.backfill import backfill_range
from service.domain.errors import DeliveryFailed, ScheduleNotFound
from service.domain.ids import is_job_id
from service.domain.runs import Run, RunTrigger
from service.domain.schedule import Schedule
from service.services.handoff import HandOff, HandOffItem
from service.services.ports import ScheduleRepository
from service.services.target_ports import Delivery


@dataclass(frozen=True)
class Backfilled:
    schedule: Schedule
    runs: list[Run]


@dataclass
class BackfillService:
    repository: ScheduleRepository
    handoff: HandOff
    clock: Callable[[], datetime]

    def backfill(self, namespace: str, job_id: str, start: object, end: object) -> Backfilled:
        schedule = self.repository.get(namespace, job_id) if is_job_id(job_id) else None
        if schedule is None:
            raise ScheduleNotFound(job_id)
        now = self.clock()
        instants = backfill_range(schedule, start, end, now)
        if not instants:
            return Backfilled(schedule, [])
        queued = [run_records.queued(namespace, job_id, at, RunTrigger.BACKFILL, now) for at in instants]
        self.repository.add_runs(queued)
        items = [
            HandOffItem(
                delivery=Delivery(namespace, job_id, at, schedule.payload),
                trigger=RunTrigger.BACKFILL,
                revision=schedule.revision,
                due_run_at=None,
                handed_off_at=now,
            )
            for at in instants
        ]
        outcomes = self.handoff.hand_off(items)
        refused = [
            replace(run, status=run_records.RunStatus.FAILED, reason=f"the delivery stage did not take it: {o.error}")
            for run, o in zip(queued, outcomes, strict=True)
            if not o.handed_off
        ]
        if refused:
            self.repository.add_runs(refused)
            if len(refused) == len(queued):
                raise DeliveryFailed(f"the delivery stage did not take the runs: {outcomes[0].error}")
        by_occurrence = {run.occurrence_id: run for run in refused}
        return Backfilled(schedule, [by_occurrence.get(run.occurrence_id, run) for run in queued])
