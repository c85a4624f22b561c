"""What the dispatcher does with one due schedule: pure, time passed in.

Timeline of a recurring schedule whose next run is ``run_at``, seen at ``now``::

    run_at      o2      o3 (latest <= now)        now      now + lookahead
      |---------|--------|-------------------------|------------|
      missed    missed   delivered (late)

* An occurrence in the future but inside the lookahead is handed to the delivery stage
  now, timed to reach it at its instant.
* A run the API or the delivery stage handed off itself (``Schedule.pending_handed_off``)
  is left alone.
* What happens to the occurrences already past is the schedule's catch-up policy
  (``catchUp``). An occurrence older than the catch-up window is recorded missed, always.

  - ``latest``: only the latest is delivered; the others are recorded missed.
  - ``all``: every one is delivered, oldest first (``Plan.catch_up``), at most
    ``MAX_CATCH_UP`` at a time and never more than the schedule's remaining runs. The
    dispatcher hands off the first; the schedule then moves to the occurrence right after
    each one delivered (``Schedule.after_run``), and the delivery stage hands off that next
    one, already due, at once: one after another, each with its own occurrence id.
  - ``none``: every one more than ``ON_TIME_GRACE`` late is recorded missed, nothing is
    delivered late; the next runs on time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from service.domain.lifecycle import CatchUp
from service.domain.recurrence import RecurrenceKind
from service.domain.schedule import Schedule

# Misses recorded one by one per schedule and tick; a schedule with more (a per-minute
# cron after a day down) records the most recent ones and counts the rest in the summary.
MAX_MISSED_RECORDS = 200
# The most past occurrences one plan delivers with catch-up "all" (an hour of a per-minute
# rule is 60; a day down is 1,440): what is left is delivered by the plans that follow.
MAX_CATCH_UP = 1000
# With catch-up "none", how late an occurrence may be found and still be on time: a tick
# that starts a few seconds late (a cold start) must not lose the runs of a healthy system.
ON_TIME_GRACE = timedelta(seconds=10)


@dataclass(frozen=True)
class Plan:
    deliver: datetime | None = None  # the occurrence to hand off, if any (with catch_up: its first)
    missed: list[datetime] = field(default_factory=list)
    missed_not_recorded: int = 0
    # Catch-up "all": the past occurrences to deliver now, oldest first, at most
    # MAX_CATCH_UP (``deliver`` is the first of them). Empty under the other policies.
    catch_up: list[datetime] = field(default_factory=list)

    @property
    def deliveries(self) -> list[datetime]:
        """Every occurrence this plan sends, oldest first."""
        if self.catch_up:
            return list(self.catch_up)
        return [] if self.deliver is None else [self.deliver]

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
    if schedule.catch_up is CatchUp.NONE:
        oldest_deliverable = max(oldest_deliverable, now - ON_TIME_GRACE)
    if schedule.recurring is RecurrenceKind.NONE:
        if run_at < oldest_deliverable:
            return Plan(missed=[run_at])
        return Plan(deliver=run_at)
    past = _occurrences_between(schedule, run_at, now)
    missed = [at for at in past if at < oldest_deliverable]
    deliverable = past[len(missed) :]
    chosen: list[datetime] = []
    if schedule.catch_up is CatchUp.ALL:
        remaining = schedule.remaining_runs
        chosen = deliverable[: MAX_CATCH_UP if remaining is None else min(MAX_CATCH_UP, remaining)]
    elif deliverable:
        missed += deliverable[:-1]
        chosen = deliverable[-1:]
    not_recorded = max(0, len(missed) - MAX_MISSED_RECORDS)
    return Plan(
        deliver=chosen[0] if chosen else None,
        missed=missed[not_recorded:],
        missed_not_recorded=not_recorded,
        catch_up=chosen if schedule.catch_up is CatchUp.ALL else [],
    )


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
