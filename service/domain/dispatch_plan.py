"""What the dispatcher does with one due schedule: pure, time passed in.

Timeline of a recurring schedule whose next run is ``run_at``, seen at ``now``::

    run_at      o2      o3 (latest <= now)        now      now + lookahead
      |---------|--------|-------------------------|------------|
      missed    missed   delivered (late)

* An occurrence in the future but inside the lookahead is handed to the delivery stage
  now, timed to reach it at its instant.
* Of the occurrences already past, only the latest is delivered; the others are recorded
  as missed. An occurrence older than the catch-up window is recorded as missed too.
* A run the API handed to the stage itself (``Schedule.pending_handed_off``) is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from service.domain.recurrence import RecurrenceKind
from service.domain.schedule import Schedule

# Misses recorded one by one per schedule and tick; a schedule with more (a per-minute
# cron after a day down) records the most recent ones and counts the rest in the summary.
MAX_MISSED_RECORDS = 200


@dataclass(frozen=True)
class Plan:
    deliver: datetime | None = None  # the occurrence to hand to the delivery stage, if any
    missed: list[datetime] = field(default_factory=list)
    missed_not_recorded: int = 0

    @property
    def is_empty(self) -> bool:
        return self.deliver is None and not self.missed


NOTHING = Plan()


def plan(schedule: Schedule, now: datetime, catch_up: timedelta, lookahead: timedelta) -> Plan:
    if not schedule.is_due_pending or schedule.run_at is None or schedule.pending_handed_off:
        return NOTHING
    run_at = schedule.run_at
    if run_at > now:
        if run_at - now > lookahead:
            return NOTHING
        return Plan(deliver=run_at)
    oldest_deliverable = now - catch_up
    if schedule.recurring is RecurrenceKind.NONE:
        if run_at < oldest_deliverable:
            return Plan(missed=[run_at])
        return Plan(deliver=run_at)
    past = _occurrences_between(schedule, run_at, now)
    latest = past[-1]
    missed = past[:-1]
    deliver: datetime | None = latest
    if latest < oldest_deliverable:
        missed.append(latest)
        deliver = None
    not_recorded = max(0, len(missed) - MAX_MISSED_RECORDS)
    return Plan(deliver=deliver, missed=missed[not_recorded:], missed_not_recorded=not_recorded)


def _occurrences_between(schedule: Schedule, run_at: datetime, now: datetime) -> list[datetime]:
    """``run_at`` and the rule's occurrences after it, up to ``now`` (at least ``run_at``)."""
    found = [run_at]
    for occurrence in schedule.recurrence.occurrences_after(run_at):
        if occurrence > now:
            break
        found.append(occurrence)
    return found


def missed_before(schedule: Schedule, occurrence: datetime) -> tuple[list[datetime], int]:
    """The occurrences of ``schedule`` from its pending run up to, not including,
    ``occurrence`` (which the catch-up delivers instead of them): the most recent
    ``MAX_MISSED_RECORDS`` to record, and how many more there were."""
    if schedule.run_at is None or occurrence <= schedule.run_at:
        return [], 0
    skipped = _occurrences_between(schedule, schedule.run_at, occurrence)
    skipped = [at for at in skipped if at < occurrence]
    not_recorded = max(0, len(skipped) - MAX_MISSED_RECORDS)
    return skipped[not_recorded:], not_recorded
