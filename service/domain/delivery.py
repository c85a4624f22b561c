"""What the delivery stage does with one run handed to it, judged at the run's instant
against its schedule as stored then: pure, time passed in.

A run was handed off from one revision of its schedule (the version of the last change a
client made to its definition or state) and one pending run of it (``due_run_at``: the
occurrence itself, or an earlier one the catch-up skips over)::

    schedule as read      verdict
    -------------------   ------------------------------------------------------------
    gone                  CANCEL (deleted): nothing to record, nobody can read it
    newer revision        CANCEL (paused, or changed): a changed schedule's next run goes
                          out under its new definition, handed off by whoever changed it;
                          SUPERSEDED if that next run is this very occurrence (it goes out
                          once, under the new definition: nothing was called off)
    older revision        WAIT: the write that handed it off has not landed yet (or never
                          will: after ``LANDING_GRACE`` the run is dropped)
    same revision, still
      pending that run    DELIVER, then move the schedule on
    same revision, moved
      past that run       DUPLICATE: a repeat of a run already dealt with
    a manual run, or one
      of a backfill       DELIVER, unless the schedule is gone
    a run resent          DELIVER, unless the schedule is gone: a webhook's retry, or a
                          redelivery of a failed run, which its schedule dealt with already

A run handed off longer ago than the catch-up window is not delivered: it is recorded
MISSED (the stage was down that long). The window is judged from the hand-off, not from
the run's own time: the dispatcher judged that already when it handed the run off, and the
API hands off a run whose time has passed because the client asked for it at once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from service.domain.runs import CancelReason
from service.domain.schedule import Schedule, State

# How long a run handed off by a write that has not landed is waited for: the API hands a
# run off just before it stores the revision the run was planned from, so the stage may
# read the schedule before that write lands (a run due at once). One that never lands
# (the write was refused) leaves a run nobody may deliver. Past this, a schedule that is
# not there was deleted.
LANDING_GRACE = timedelta(seconds=30)


class Verdict(enum.Enum):
    DELIVER = "deliver"
    CANCEL = "cancel"
    WAIT = "wait"  # read the schedule again a little later
    DUPLICATE = "duplicate"  # already dealt with: drop, record nothing
    SUPERSEDED = "superseded"  # the same occurrence goes out under a newer revision: drop
    STALE = "stale"  # planned from a write that never landed: drop, record nothing
    MISSED = "missed"  # too late to deliver (past the catch-up window): record it missed


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reason: CancelReason | None = None


@dataclass(frozen=True)
class HandedOffRun:
    """What the stage knows of a run from its hand-off."""

    job_id: str
    scheduled_for: datetime
    revision: int
    due_run_at: datetime | None  # None for a manual run
    handed_off_at: datetime
    manual: bool = False  # asked for apart from the rule's course: a run now, or a backfill
    resent: bool = False  # a retry or a redelivery, after its time


def judge(run: HandedOffRun, schedule: Schedule | None, now: datetime, catch_up: timedelta) -> Judgement:
    if schedule is None:
        if not (run.manual or run.resent) and now - run.handed_off_at < LANDING_GRACE:
            return Judgement(Verdict.WAIT)  # a create whose write has not landed yet
        return Judgement(Verdict.CANCEL, CancelReason.DELETED)
    if run.manual or run.resent:
        return Judgement(Verdict.DELIVER)
    if schedule.revision < run.revision:
        if now - run.handed_off_at < LANDING_GRACE:
            return Judgement(Verdict.WAIT)
        return Judgement(Verdict.STALE)
    if schedule.revision > run.revision:
        if schedule.is_due_pending and schedule.run_at == run.scheduled_for:
            return Judgement(Verdict.SUPERSEDED)
        reason = CancelReason.PAUSED if schedule.state is State.PAUSED else CancelReason.CHANGED
        return Judgement(Verdict.CANCEL, reason)
    if not schedule.is_due_pending or schedule.run_at != run.due_run_at:
        return Judgement(Verdict.DUPLICATE)
    if now - run.handed_off_at > catch_up:
        return Judgement(Verdict.MISSED)
    return Judgement(Verdict.DELIVER)
