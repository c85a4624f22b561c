"""What the dispatcher does with one due schedule: pure, time passed in.

Timeline of a recurring schedule whose next run is ``run_at``, seen at ``now``::

    run_at      o2      o3 (latest <= now)        now      now + lookahead
      |---------|--------|-------------------------|------------|
      missed    missed   delivered (late)

* Occurrences in the future but inside the lookahead are sent now with a delay, so they
  arrive at their time (SQS ``DelaySeconds``).
* Of the occurrences already past, only the latest is delivered; the others are recorded
  as missed. An occurrence older than the catch-up window is recorded as missed too.
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
    deliver: datetime | None = None  # the occurrence to send, if any
    delay_seconds: int = 0
    missed: list[datetime] = field(default_factory=list)
    missed_not_recorded: int = 0

    @property
    def is_empty(self) -> bool:
        return self.deliver is None and not self.missed


NOTHING = Plan()


def delay_until(run_at: datetime, now: datetime) -> int:
    """The SQS delay that makes a message sent at ``now`` visible at ``run_at``.

    SQS delays are whole seconds, so this is the nearest one: the message becomes visible
    within half a second of its time, early or late, rather than up to a second late.
    """
    return max(0, round((run_at - now).total_seconds()))


def plan(schedule: Schedule, now: datetime, catch_up: timedelta, lookahead: timedelta) -> Plan:
    if not schedule.is_due_pending or schedule.run_at is None:
        return NOTHING
    if schedule.claimed_until is not None and schedule.claimed_until > now:
        return NOTHING  # the API is delivering this run itself
    run_at = schedule.run_at
    if run_at > now:
        if run_at - now > lookahead:
            return NOTHING
        return Plan(deliver=run_at, delay_seconds=delay_until(run_at, now))
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
