"""One page of a leased shard's due schedules, in steps of 10 schedules: **plan**, **send**,
**record**, **advance**.

Each step is planned when it is sent: a run due in 40 s and sent 6 s after its page was read
is sent with a delay of 34 s, not 40 (a page takes seconds to work through on a busy shard),
so it still becomes visible at its time.

Each step is guarded by the shard's lease (see ``shard_lease``): a send batch goes out only
with the lease kept, and what was sent is then recorded and advanced. A failed call costs
its item, not the page: a send that raises leaves its runs due; a history batch or an
advance that fails past its retries leaves the schedule due, so it is sent again later
with the same occurrence id (counted as ``sent_not_advanced``). A schedule whose history
could not be written is not advanced: a crash or a fault never leaves a delivered
recurring run out of the history.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from service.domain import runs as run_records
from service.domain.dispatch_plan import Plan, plan
from service.domain.runs import Run, RunTrigger
from service.domain.schedule import Schedule, needs_history_item
from service.services.due_store import DueStore
from service.services.ports import Occurrence, Sender, SendOutcome
from service.services.retry import Retry
from service.services.shard_lease import ShardLease
from service.services.tick_report import TickReport

logger = logging.getLogger(__name__)

# A page goes out in steps of this many schedules, each planned, sent, recorded and advanced
# before the next is planned: a crash re-sends at most one step per shard, and a step's delays
# are as fresh as its one send. One full SQS batch: a step costs no more SQS requests than a
# page would (DynamoDB bills per item, not per call), only a few more round trips.
STEP = 10
SEND_BATCH = 10  # runs per SendMessageBatch: the lease is kept before each
RUN_BATCH = 25  # history items per BatchWriteItem: the lease is kept before each
ScheduleKey = tuple[str, str, int]  # namespace, job id, the version a run was planned from


def key_of(schedule: Schedule) -> ScheduleKey:
    return (schedule.namespace, schedule.job_id, schedule.version)


@dataclass
class _Outcome:
    """What one schedule's plan led to, before its advance is written."""

    schedule: Schedule
    updated: Schedule
    history: list[Run]
    delivered: list[Run]


class PageWork:
    def __init__(
        self,
        store: DueStore,
        sender: Sender,
        *,
        catch_up: timedelta,
        lookahead: timedelta,
        retry: Retry,
        write_workers: int,
        clock: Callable[[], datetime],
    ) -> None:
        self._store, self._sender = store, sender
        self._clock = clock
        self._catch_up, self._lookahead = catch_up, lookahead
        self._retry = retry
        # Advances go out in rounds of one per worker; the lease is kept before each round.
        self._round = max(1, write_workers)
        self._write_pool = (
            ThreadPoolExecutor(max_workers=write_workers, thread_name_prefix="write") if write_workers > 1 else None
        )

    def run(
        self, page: list[Schedule], now: datetime, lease: ShardLease, report: TickReport, handled: set[ScheduleKey]
    ) -> None:
        """``handled``: schedules this tick already dealt with in this shard; an index entry
        that still shows one of them (the index lags the table) is not sent again. ``now``:
        the tick's time, which a step is never planned before."""
        schedules = [s for s in page if key_of(s) not in handled]
        for start in range(0, len(schedules), STEP):
            if lease.lost or lease.unsure:
                return  # the rest stays due for the next owner
            step_now = max(now, self._clock())
            plans = self._plans(schedules[start : start + STEP], step_now, report)
            if plans:
                self._step(plans, step_now, lease, report, handled)

    def _step(
        self,
        plans: list[tuple[Schedule, Plan]],
        now: datetime,
        lease: ShardLease,
        report: TickReport,
        handled: set[ScheduleKey],
    ) -> None:
        to_send = [Occurrence(s.job_id, at, s.payload, p.delay_seconds) for s, p in plans for at in p.deliveries]
        sent = iter(self._send(to_send, lease, report))
        outcomes: list[_Outcome] = []
        for schedule, schedule_plan in plans:
            results = [next(sent) for _ in schedule_plan.deliveries]
            # A catch-up moves on through the runs sent before the first that was not: the
            # rest stay due, and are sent again with the same occurrence ids.
            accepted = list(itertools.takewhile(lambda r: r is not None and r.delivered, results))
            for result in results[len(accepted) : len(accepted) + 1]:
                if result is None:
                    continue  # not sent: the lease is gone, the next owner sends it
                logger.warning("send failed for %s: %s", result.occurrence.occurrence_id, result.error)
                report.add(send_failures=1)
            if results and not accepted:
                continue  # left due
            outcomes.append(self._outcome(schedule, schedule_plan, [r for r in accepted if r], now, report))
        # Kept or not (then only renewals are spared), what was sent is recorded and advanced.
        outcomes = self._record(outcomes, lease, report, handled)
        self._advance(outcomes, lease, report, handled)

    def _plans(self, page: list[Schedule], now: datetime, report: TickReport) -> list[tuple[Schedule, Plan]]:
        plans = []
        for schedule in page:
            try:
                schedule_plan = plan(schedule, now, self._catch_up, self._lookahead)
            except Exception:  # one broken schedule must not hold up the rest of its shard
                logger.exception("could not plan %s/%s", schedule.namespace, schedule.job_id)
                report.add(items_failed=1)
                continue
            if not schedule_plan.is_empty:
                plans.append((schedule, schedule_plan))
        return plans

    def _send(self, occurrences: list[Occurrence], lease: ShardLease, report: TickReport) -> list[SendOutcome | None]:
        """One outcome per occurrence; None for those not sent because the lease is gone."""
        results: list[SendOutcome | None] = []
        for start in range(0, len(occurrences), SEND_BATCH):
            batch = occurrences[start : start + SEND_BATCH]
            if not lease.keep():
                return results + [None] * (len(occurrences) - start)
            try:
                results.extend(self._sender.send(batch))
            except Exception as exc:
                report.call_failed("send", exc)
                results.extend(SendOutcome(o, error=f"{type(exc).__name__}: {exc}") for o in batch)
        return results

    def _record(
        self, outcomes: list[_Outcome], lease: ShardLease, report: TickReport, handled: set[ScheduleKey]
    ) -> list[_Outcome]:
        """Writes the page's history; returns the outcomes that may be advanced."""
        if self._add_runs([run for o in outcomes for run in o.history], lease, report):
            return outcomes
        unrecorded = [o for o in outcomes if o.history]
        report.add(sent_not_advanced=sum(len(o.delivered) for o in unrecorded))
        handled.update(key_of(o.schedule) for o in unrecorded)  # sent again by a later tick, not this one
        return [o for o in outcomes if not o.history]

    def _advance(
        self, outcomes: list[_Outcome], lease: ShardLease, report: TickReport, handled: set[ScheduleKey]
    ) -> None:
        results: list[bool | None] = []
        for start in range(0, len(outcomes), self._round):
            lease.keep()
            results.extend(self._each(self._advance_one, outcomes[start : start + self._round], report))
        handled.update(key_of(o.schedule) for o in outcomes)
        failed = [o for o, advanced in zip(outcomes, results, strict=True) if advanced is None]
        report.add(sent_not_advanced=sum(len(o.delivered) for o in failed))
        stale = [o for o, advanced in zip(outcomes, results, strict=True) if advanced is False]
        if stale:
            # Changed or deleted by the API meanwhile: its new state stands. A delivered run
            # the history would otherwise lack is recorded on its own.
            report.add(conflicts=len(stale))
            lost = [run for o in stale for run in o.delivered if run not in o.history]
            self._add_runs(lost, lease, report)

    def _advance_one(self, outcome: _Outcome, report: TickReport) -> bool | None:
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
        self, action: Callable[[_Outcome, TickReport], bool | None], items: list[_Outcome], report: TickReport
    ) -> list[bool | None]:
        if self._write_pool is None or len(items) <= 1:
            return [action(item, report) for item in items]
        return list(self._write_pool.map(lambda item: action(item, report), items))

    def _outcome(
        self, schedule: Schedule, schedule_plan: Plan, sent: list[SendOutcome], now: datetime, report: TickReport
    ) -> _Outcome:
        ns, job = schedule.namespace, schedule.job_id
        missed = [run_records.missed(ns, job, at, now) for at in schedule_plan.missed]
        visible_at = now + timedelta(seconds=schedule_plan.delay_seconds)
        delivered = [
            run_records.delivered(ns, job, s.occurrence.scheduled_for, RunTrigger.SCHEDULE, visible_at, s.message_id)
            for s in sent
        ]
        for run in delivered:
            report.record_delivery(run.lateness_ms or 0)
        report.add(missed=len(missed), missed_not_recorded=schedule_plan.missed_not_recorded)
        if delivered:
            updated = schedule.after_runs(delivered, now)
        else:
            updated = schedule.after_run(missed[-1].scheduled_for, now, missed[-1])
        updated = replace(updated, claimed_until=None)
        history = [run for run in (*missed, *delivered) if needs_history_item(updated, run)]
        return _Outcome(schedule, updated, history, delivered)
