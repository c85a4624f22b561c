"""The dispatch use case: every due occurrence delivered once, on time, nothing lost.

One tick, for each shard of the due index (in parallel):

1. look: is anything due by ``now + lookahead``? If not, the shard costs one read;
2. lease the shard (one conditional write) or skip it if another dispatcher holds it;
3. page through its due schedules; for each page: plan each schedule, **send** the
   occurrences (``SendMessageBatch``), **record** the runs that need a history item,
   then **advance** each schedule (one conditional write that also carries ``lastRun``);
4. release the lease.

A crash between send and advance leaves the schedule due: the next dispatcher to take
the lease sends the same occurrence again, with the same occurrence id. Runs are
recorded before the advance for the same reason: a crash never leaves a delivered
recurring run out of the history.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from service.domain import runs as run_records
from service.domain.dispatch_plan import Plan, plan
from service.domain.recurrence import RecurrenceKind
from service.domain.runs import Run, RunTrigger
from service.domain.schedule import Schedule
from service.services.due_store import DueStore
from service.services.ports import Occurrence, Sender, SendOutcome
from service.services.tick_report import TickReport

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DispatchSettings:
    catch_up: timedelta = timedelta(hours=24)
    # Runs due before the next tick are sent now, with a delay: EventBridge ticks once a
    # minute, a little late at times, so the window is a minute plus a margin.
    lookahead: timedelta = timedelta(seconds=70)
    # A lease outlives the tick's deadline by this much, then lapses (a crash, a timeout).
    lease_margin: timedelta = timedelta(seconds=10)
    # A released shard stays closed this long, so the next owner reads a settled index.
    settle: timedelta = timedelta(seconds=5)
    shard_workers: int = 8
    write_workers: int = 16


@dataclass
class _Outcome:
    """What one schedule's plan led to, before its advance is written."""

    schedule: Schedule
    updated: Schedule
    history: list[Run]
    delivered: Run | None


class Dispatcher:
    def __init__(
        self,
        store: DueStore,
        sender: Sender,
        settings: DispatchSettings | None = None,
        clock: Callable[[], datetime] = utc_now,
        owner: str | None = None,
    ) -> None:
        self._store = store
        self._sender = sender
        self._settings = settings or DispatchSettings()
        self._clock = clock
        self._owner = owner or str(uuid.uuid4())
        self._lookahead = self._settings.lookahead if sender.supports_delay else timedelta(0)
        # Kept for the life of the (warm) Lambda environment, not made at each tick.
        self._shard_pool = _pool(self._settings.shard_workers, "shard")
        self._write_pool = _pool(self._settings.write_workers, "write")

    def workload(self, now: datetime, cap: int) -> dict[str, int]:
        """Runs due by ``now`` plus the lookahead in each busy shard, counted up to ``cap``.

        Only a dispatcher that may fan out asks: the count reads the due entries once more.
        """
        until = now + self._lookahead
        shards = list(self._store.shards())
        busy = self._each(self._shard_pool, lambda shard: self._store.has_due(shard, until), shards)
        busy_shards = [shard for shard, has_work in zip(shards, busy, strict=True) if has_work]
        counts = self._each(self._shard_pool, lambda shard: self._store.count_due(shard, until, cap), busy_shards)
        return dict(zip(busy_shards, counts, strict=True))

    def tick(self, now: datetime, deadline: datetime, shards: Sequence[str] | None = None) -> TickReport:
        """Deliver what is due at ``now``; take no new page of work after ``deadline``."""
        report = TickReport(now=now)
        chosen = list(shards) if shards is not None else list(self._store.shards())
        self._each(self._shard_pool, lambda shard: self._shard(shard, now, deadline, report), chosen)
        return report

    def _each(self, pool: ThreadPoolExecutor | None, action: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``action`` over ``items``, on the pool when there is one (the calls are I/O bound)."""
        if pool is None or len(items) <= 1:
            return [action(item) for item in items]
        return list(pool.map(action, items))

    # -- one shard -----------------------------------------------------------------

    def _shard(self, shard: str, now: datetime, deadline: datetime, report: TickReport) -> None:
        until = now + self._lookahead
        if not self._store.has_due(shard, until):
            report.add(shards_empty=1)
            return
        if not self._store.lease(shard, self._owner, now, deadline + self._settings.lease_margin):
            report.add(shards_busy=1)
            return
        report.add(shards_leased=1)
        try:
            for page in self._store.due(shard, until):
                if self._clock() >= deadline:
                    report.stopped_early = True
                    break
                self._page(page, max(now, self._clock()), report)
        finally:
            self._store.release(shard, self._owner, free_from=self._clock() + self._settings.settle)

    def _page(self, page: list[Schedule], now: datetime, report: TickReport) -> None:
        settings = self._settings
        plans = [(s, plan(s, now, settings.catch_up, self._lookahead)) for s in page]
        plans = [(s, p) for s, p in plans if not p.is_empty]
        to_send = [
            Occurrence(s.job_id, p.deliver, s.payload, p.delay_seconds) for s, p in plans if p.deliver is not None
        ]
        sent = iter(self._sender.send(to_send))
        outcomes: list[_Outcome] = []
        for schedule, schedule_plan in plans:
            outcome = next(sent) if schedule_plan.deliver is not None else None
            if outcome is not None and not outcome.delivered:
                # Left due: the next tick sends it again, with the same occurrence id.
                logger.warning("send failed for %s: %s", outcome.occurrence.occurrence_id, outcome.error)
                report.add(send_failures=1)
                continue
            outcomes.append(self._outcome(schedule, schedule_plan, outcome, now, report))
        self._store.add_runs([run for o in outcomes for run in o.history])
        results = self._each(self._write_pool, lambda o: self._store.advance(o.updated, o.schedule.version), outcomes)
        stale = [o for o, advanced in zip(outcomes, results, strict=True) if not advanced]
        if stale:
            # Changed or deleted by the API meanwhile: its new state stands. A delivered run
            # the history would otherwise lack is recorded on its own.
            report.add(conflicts=len(stale))
            self._store.add_runs([o.delivered for o in stale if o.delivered and o.delivered not in o.history])

    def _outcome(
        self, schedule: Schedule, schedule_plan: Plan, sent: SendOutcome | None, now: datetime, report: TickReport
    ) -> _Outcome:
        ns, job = schedule.namespace, schedule.job_id
        missed = [run_records.missed(ns, job, at, now) for at in schedule_plan.missed]
        history = list(missed)
        delivered = None
        if sent is not None and schedule_plan.deliver is not None:
            delay = schedule_plan.delay_seconds
            delivered = run_records.delivered(
                ns, job, schedule_plan.deliver, RunTrigger.SCHEDULE, now, sent.message_id, delay
            )
            report.record_delivery(delivered.lateness_ms or 0)
        report.add(missed=len(missed), missed_not_recorded=schedule_plan.missed_not_recorded)
        final = delivered or missed[-1]
        updated = replace(schedule.after_run(final.scheduled_for, now, final), claimed_until=None)
        # The one run of a one-time schedule lives in its lastRun alone: one write saved.
        only_in_item = delivered is not None and schedule.recurring is RecurrenceKind.NONE
        if delivered is not None and not only_in_item:
            history.append(delivered)
        if schedule.last_run is not None and not schedule.last_run_in_history:
            history.append(schedule.last_run)  # about to be replaced: keep its record
        return _Outcome(schedule, replace(updated, last_run_in_history=not only_in_item), history, delivered)


def split_shards(workload: dict[str, int], capacity: int, max_invocations: int) -> list[list[str]]:
    """Groups of busy shards, one per invocation: as few as the work needs at ``capacity`` runs
    per invocation, at most ``max_invocations``, balanced by their counts (largest first, each
    to the least loaded group)."""
    if not workload:
        return []
    needed = math.ceil(sum(workload.values()) / max(1, capacity))
    groups: list[list[str]] = [[] for _ in range(max(1, min(needed, max_invocations, len(workload))))]
    loads = [0] * len(groups)
    for shard, count in sorted(workload.items(), key=lambda item: (-item[1], item[0])):
        lightest = loads.index(min(loads))
        groups[lightest].append(shard)
        loads[lightest] += count
    return groups


def _pool(workers: int, name: str) -> ThreadPoolExecutor | None:
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name) if workers > 1 else None
