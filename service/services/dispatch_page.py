"""One page of a leased shard's due schedules, in steps of 10 schedules: **plan** each, **hand
off** the runs due (one ``SendMessageBatch`` to the delivery stage's queue), **record** the
runs that are only missed.

Each step is planned when it is handed off, so each run's delay is reckoned at its own send
(a page can take seconds to work through on a busy shard). A schedule the shard's hand-off
ledger shows as handed off already (``handoff_ledger``) is not handed off again; what this
pass hands off goes into the ledger it writes with the lease. A run handed off costs no
write here: the delivery stage records it and moves its schedule on when it delivers it.

Each step is guarded by the shard's lease (see ``shard_lease``): a batch goes out only with
the lease kept. A failed call costs its item, not the page: a hand-off that fails is noted
in the ledger as not handed off, so the next pass tries it again; a schedule whose misses
could not be recorded is not advanced, so a crash or a fault never loses a missed run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from service.domain import runs as run_records
from service.domain.dispatch_plan import Plan, plan
from service.domain.handoff_ledger import HandOffLedger, LedgerProgress
from service.domain.runs import Run, RunTrigger
from service.domain.schedule import Schedule, needs_history_item
from service.services.due_store import DueStore
from service.services.handoff import HandOff, HandOffItem, HandOffOutcome
from service.services.retry import Retry
from service.services.shard_lease import ShardLease
from service.services.target_ports import Delivery
from service.services.tick_report import TickReport

logger = logging.getLogger(__name__)

# A page goes out in steps of this many schedules, each planned and handed off before the
# next is planned: a step's delays are as fresh as its one send. One full SQS batch.
STEP = 10
RUN_BATCH = 25  # history items per BatchWriteItem: the lease is kept before each
ScheduleKey = tuple[str, str, int]  # namespace, job id, the version a run was planned from


def key_of(schedule: Schedule) -> ScheduleKey:
    return (schedule.namespace, schedule.job_id, schedule.version)


def hand_off_item(schedule: Schedule, occurrence: datetime, now: datetime) -> HandOffItem:
    return HandOffItem(
        delivery=Delivery(schedule.namespace, schedule.job_id, occurrence, schedule.payload),
        trigger=RunTrigger.SCHEDULE,
        revision=schedule.revision,
        due_run_at=schedule.run_at,
        handed_off_at=now,
    )


@dataclass
class _Missed:
    """A schedule whose plan delivers nothing: its misses, to record before it moves on."""

    schedule: Schedule
    updated: Schedule
    history: list[Run]


class PageWork:
    def __init__(
        self,
        store: DueStore,
        handoff: HandOff,
        *,
        catch_up: timedelta,
        lookahead: timedelta,
        retry: Retry,
        write_workers: int,
        clock: Callable[[], datetime],
    ) -> None:
        self._store, self._handoff = store, handoff
        self._clock = clock
        self._catch_up, self._lookahead = catch_up, lookahead
        self._retry = retry
        # Advances go out in rounds of one per worker; the lease is kept before each round.
        self._round = max(1, write_workers)
        self._write_pool = (
            ThreadPoolExecutor(max_workers=write_workers, thread_name_prefix="write") if write_workers > 1 else None
        )

    def run(
        self,
        page: list[Schedule],
        now: datetime,
        lease: ShardLease,
        progress: LedgerProgress,
        report: TickReport,
        handled: set[ScheduleKey],
    ) -> None:
        """``handled``: schedules this tick already advanced in this shard; an index entry
        that still shows one of them (the index lags the table) is not planned again.
        ``now``: the tick's time, which a step is never planned before."""
        found = lease.found
        schedules = [s for s in page if key_of(s) not in handled]
        for start in range(0, len(schedules), STEP):
            if lease.lost or lease.unsure:
                return  # the rest stays due for the next owner
            step_now = max(now, self._clock())
            step = self._unhanded(schedules[start : start + STEP], found, progress, report)
            plans = self._plans(step, step_now, progress, report)
            if plans:
                self._step(plans, step_now, lease, progress, report, handled)

    def _unhanded(
        self, schedules: list[Schedule], found: HandOffLedger, progress: LedgerProgress, report: TickReport
    ) -> list[Schedule]:
        left = []
        for schedule in schedules:
            if found.covers(schedule):
                progress.seen(schedule)  # still in the stage: this pass's ledger covers it too
                report.add(already_handed_off=1)
            else:
                left.append(schedule)
        return left

    def _step(
        self,
        plans: list[tuple[Schedule, Plan]],
        now: datetime,
        lease: ShardLease,
        progress: LedgerProgress,
        report: TickReport,
        handled: set[ScheduleKey],
    ) -> None:
        deliver = [(s, p) for s, p in plans if p.deliver is not None]
        if deliver:
            self._hand_off(deliver, now, lease, progress, report)
        missed = [self._missed(s, p, now, report) for s, p in plans if p.deliver is None]
        if missed:
            missed = self._record(missed, lease, report, handled)
            self._advance(missed, lease, report, handled)

    def _hand_off(
        self,
        plans: list[tuple[Schedule, Plan]],
        now: datetime,
        lease: ShardLease,
        progress: LedgerProgress,
        report: TickReport,
    ) -> None:
        if not lease.keep():
            for schedule, _ in plans:
                progress.not_handed_off(schedule)  # the lease is gone: the next owner does it
            return
        items = [hand_off_item(s, p.deliver, now) for s, p in plans if p.deliver is not None]
        try:
            outcomes = self._handoff.hand_off(items)
        except Exception as exc:
            report.call_failed("hand off", exc)
            outcomes = [HandOffOutcome(item, error=f"{type(exc).__name__}: {exc}") for item in items]
        for (schedule, schedule_plan), outcome in zip(plans, outcomes, strict=True):
            if outcome.handed_off:
                progress.seen(schedule)
                assert schedule_plan.deliver is not None
                report.record_hand_off(max(0, int((now - schedule_plan.deliver).total_seconds() * 1000)))
            else:
                logger.warning("hand-off failed for %s: %s", outcome.item.delivery.occurrence_id, outcome.error)
                progress.not_handed_off(schedule)
                report.add(handoff_failures=1)

    def _plans(
        self, schedules: list[Schedule], now: datetime, progress: LedgerProgress, report: TickReport
    ) -> list[tuple[Schedule, Plan]]:
        plans = []
        for schedule in schedules:
            try:
                schedule_plan = plan(schedule, now, self._catch_up, self._lookahead)
            except Exception:  # one broken schedule must not hold up the rest of its shard
                logger.exception("could not plan %s/%s", schedule.namespace, schedule.job_id)
                report.add(items_failed=1)
                progress.not_handed_off(schedule)
                continue
            if not schedule_plan.is_empty:
                plans.append((schedule, schedule_plan))
        return plans

    def _missed(self, schedule: Schedule, schedule_plan: Plan, now: datetime, report: TickReport) -> _Missed:
        ns, job = schedule.namespace, schedule.job_id
        missed = [run_records.missed(ns, job, at, now) for at in schedule_plan.missed]
        report.add(missed=len(missed), missed_not_recorded=schedule_plan.missed_not_recorded)
        final = missed[-1]
        updated = schedule.after_run(final.scheduled_for, now, final)
        history = [run for run in missed if needs_history_item(updated, run)]
        return _Missed(schedule, updated, history)

    def _record(
        self, outcomes: list[_Missed], lease: ShardLease, report: TickReport, handled: set[ScheduleKey]
    ) -> list[_Missed]:
        """Writes the misses; returns the schedules that may be advanced."""
        if self._add_runs([run for o in outcomes for run in o.history], lease, report):
            return outcomes
        unrecorded = [o for o in outcomes if o.history]
        handled.update(key_of(o.schedule) for o in unrecorded)  # tried again by a later tick, not this one
        return [o for o in outcomes if not o.history]

    def _advance(
        self, outcomes: list[_Missed], lease: ShardLease, report: TickReport, handled: set[ScheduleKey]
    ) -> None:
        results: list[bool | None] = []
        for start in range(0, len(outcomes), self._round):
            lease.keep()
            results.extend(self._each(self._advance_one, outcomes[start : start + self._round], report))
        handled.update(key_of(o.schedule) for o in outcomes)
        report.add(
            not_advanced=sum(1 for advanced in results if advanced is None),
            conflicts=sum(1 for advanced in results if advanced is False),
        )

    def _advance_one(self, outcome: _Missed, report: TickReport) -> bool | None:
        """True once advanced, False if the schedule changed meanwhile, None if the write failed."""
        try:
            return self._retry.call(
                lambda: self._store.advance(outcome.updated, outcome.schedule.version),
                lambda exc: report.call_failed(f"advance {outcome.schedule.job_id}", exc),
            )
        except Exception:
            return None

    def _add_runs(self, runs: list[Run], lease: ShardLease, report: TickReport) -> bool:
        """True once every run is written; False if a batch failed past its retries."""
        written = True
        for start in range(0, len(runs), RUN_BATCH):
            batch = runs[start : start + RUN_BATCH]
            lease.keep()
            try:
                self._retry.call(partial(self._store.add_runs, batch), lambda exc: report.call_failed("history", exc))
            except Exception:
                written = False
        return written

    def _each(
        self, action: Callable[[_Missed, TickReport], bool | None], items: list[_Missed], report: TickReport
    ) -> list[bool | None]:
        if self._write_pool is None or len(items) <= 1:
            return [action(item, report) for item in items]
        return list(self._write_pool.map(lambda item: action(item, report), items))
