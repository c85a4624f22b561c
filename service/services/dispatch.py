"""The dispatch use case: every due occurrence handed to the delivery stage once, in time
to reach its target at its instant, nothing lost.

One tick, for each shard of the due index (in parallel, each shard on its own):

1. look: is anything due by ``now + lookahead``? If not, the shard costs one read;
2. lease the shard (one conditional write, 15 s, renewed while worked: ``shard_lease``),
   which also reads the shard's hand-off ledger (what the last pass handed off, and which
   of the entries still in the index are those); if another dispatcher holds it, look again
   every second within this tick's budget, so a shard whose owner finishes or dies is taken
   over at once, not a minute later;
3. page through its due schedules; for each page, in steps of 10 schedules: skip what the
   ledger shows handed off, **plan** the rest (at the time of its hand-off), **hand off** the
   runs due (``SendMessageBatch`` to the stage's queue, each timed to its instant), and
   **record** the runs that are only missed: ``dispatch_page``;
4. release the lease with the new ledger, whether the shard is done or the tick's deadline
   came first.

The delivery stage delivers each run, records it and moves its schedule on; until then the
schedule stays in the index, and the ledger keeps the next tick from handing it off again.
A crash hands off again, with the same occurrence ids, what it handed off since the ledger
was last written (renewals write it too). A call that fails past its retries costs its item
or its shard's pass (tried again after a pause), never the tick.
"""

from __future__ import annotations

import enum
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from service.domain.handoff_ledger import LedgerProgress
from service.services.dispatch_page import PageWork, ScheduleKey
from service.services.due_store import DueStore
from service.services.handoff import HandOff
from service.services.retry import Retry
from service.services.shard_lease import ShardLease
from service.services.tick_report import TickReport

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DispatchSettings:
    # The service's settings (service/config.py), given by its bootstrap.
    catch_up: timedelta
    lookahead: timedelta
    # A dead dispatcher's shards are free this long after its last renewal at most.
    lease_period: timedelta = timedelta(seconds=15)
    # Every step of the work starts with at least this much of the lease ahead.
    renew_margin: timedelta = timedelta(seconds=10)
    # A released shard stays closed this long, so the next owner reads a settled index.
    settle: timedelta = timedelta(seconds=2)
    # How often a shard another dispatcher holds is looked at again.
    busy_poll: timedelta = timedelta(seconds=1)
    call_attempts: int = 3  # per call that is safe to retry
    shard_attempts: int = 3  # passes over a shard whose work failed, per tick
    shard_workers: int = 8
    write_workers: int = 16


class _Pass(enum.Enum):
    DONE = "done"  # nothing left due, or left for another tick at the deadline
    BUSY = "busy"  # another dispatcher holds the shard
    FAILED = "failed"  # a call failed past its retries


class Dispatcher:
    def __init__(
        self,
        store: DueStore,
        handoff: HandOff,
        settings: DispatchSettings,
        clock: Callable[[], datetime] = utc_now,
        owner: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._sleep = sleep
        self._owner = owner or str(uuid.uuid4())
        self._lookahead = settings.lookahead
        self._retry = Retry(attempts=settings.call_attempts, sleep=sleep)
        # Kept for the life of the (warm) Lambda environment, not made at each tick.
        self._shard_pool = _pool(settings.shard_workers, "shard")
        self._pages = PageWork(
            store,
            handoff,
            catch_up=settings.catch_up,
            lookahead=self._lookahead,
            retry=self._retry,
            write_workers=settings.write_workers,
            clock=clock,
        )

    def workload(self, now: datetime, cap: int) -> dict[str, int]:
        """Runs due by ``now`` plus the lookahead in each busy shard, counted up to ``cap``.

        Only a dispatcher that may fan out asks: the count reads the due entries once more.
        A shard that cannot be counted counts as one run, so some invocation still looks at it.
        """
        until = now + self._lookahead

        def count(shard: str) -> int:
            try:
                return self._store.count_due(shard, until, cap) if self._store.has_due(shard, until) else 0
            except Exception:
                logger.exception("could not count the due runs of shard %s", shard)
                return 1

        shards = list(self._store.shards())
        counts = self._each(count, shards)
        return {shard: n for shard, n in zip(shards, counts, strict=True) if n}

    def tick(self, now: datetime, deadline: datetime, shards: Sequence[str] | None = None) -> TickReport:
        """Deliver what is due at ``now``; take no new page of work after ``deadline``.

        ``now`` is the tick's time (what it plans runs for); leases and the deadline are
        judged by the clock alone, so a tick stamped in the future takes no live lease.
        """
        report = TickReport(now=now)
        chosen = list(shards) if shards is not None else list(self._store.shards())
        self._each(lambda shard: self._shard(shard, now, deadline, report), chosen)
        return report

    def _each(self, action: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``action`` over ``items``, on the pool when there is one (the calls are I/O bound)."""
        if self._shard_pool is None or len(items) <= 1:
            return [action(item) for item in items]
        return list(self._shard_pool.map(action, items))

    # -- one shard -----------------------------------------------------------------

    def _shard(self, shard: str, now: datetime, deadline: datetime, report: TickReport) -> None:
        """Work the shard until nothing is due or the deadline comes; look again at a shard
        another holds, or whose pass failed, while the budget lasts."""
        owner = f"{self._owner}/{uuid.uuid4().hex[:12]}"  # this shard's lease token in this tick
        handled: set[ScheduleKey] = set()
        failures = 0
        waited = False
        while True:
            try:
                outcome = self._pass(shard, owner, now, deadline, report, handled)
            except Exception:
                logger.exception("shard %s: a call failed past its retries", shard)
                report.add(shards_failed=1)
                failures += 1
                outcome = _Pass.FAILED
            if outcome is _Pass.DONE:
                return
            if outcome is _Pass.FAILED and failures >= self._settings.shard_attempts:
                report.leave(shard)
                return
            if outcome is _Pass.BUSY and not waited:
                report.add(shards_waited=1)
                waited = True
            if not self._wait(shard, deadline, outcome):
                if outcome is _Pass.BUSY:
                    report.add(shards_busy=1)
                else:
                    report.leave(shard)
                return

    def _pass(
        self, shard: str, owner: str, now: datetime, deadline: datetime, report: TickReport, handled: set[ScheduleKey]
    ) -> _Pass:
        until = max(now, self._clock()) + self._lookahead
        has_due = self._retry.call(
            lambda: self._store.has_due(shard, until), lambda exc: report.call_failed(f"look {shard}", exc)
        )
        if not has_due:
            report.add(shards_empty=1)
            return _Pass.DONE
        if self._clock() >= deadline:
            report.leave(shard)
            return _Pass.DONE
        settings = self._settings
        lease = ShardLease(
            self._store,
            shard,
            owner,
            clock=self._clock,
            period=settings.lease_period,
            margin=settings.renew_margin,
            retry=self._retry,
            report=report,
        )
        seen_at = self._clock()  # before the index is read: the ledger's "seen_at"
        if not lease.take():
            return _Pass.BUSY
        report.add(shards_leased=1)
        progress = LedgerProgress(seen_at=seen_at, previous=lease.found)
        lease.progress = progress
        try:
            for page in self._store.due(shard, until):
                if self._clock() >= deadline:
                    report.leave(shard)
                    return _Pass.DONE
                self._pages.run(page, max(now, self._clock()), lease, progress, report, handled)
                if lease.lost:
                    return _Pass.BUSY  # taken by another: wait for it as for any holder
                if lease.unsure:
                    return _Pass.FAILED
                # The next page may hold more entries of the page's last second: only the
                # seconds before it are done.
                last_due = page[-1].due_at
                if last_due is not None:
                    progress.done_through(last_due - timedelta(seconds=1))
                    lease.keep(checkpoint=True)  # one lease write a page: a crash repeats one page at most
            progress.done_through(until)
            return _Pass.DONE
        finally:
            lease.release(settings.settle)

    def _wait(self, shard: str, deadline: datetime, outcome: _Pass) -> bool:
        """Pause before looking at the shard again; False when the deadline comes first.

        A shard another holds is looked at again when its lease ends, or sooner (its owner
        may release it any moment): one small read per poll, no write.
        """
        poll = self._settings.busy_poll
        while True:
            now = self._clock()
            ends = self._lease_ends(shard) if outcome is _Pass.BUSY else None
            if ends is not None and ends <= now:
                return True
            pause = poll if ends is None else min(poll, ends - now)
            if now + pause >= deadline:
                return False
            self._sleep(pause.total_seconds())
            if ends is None or ends <= self._clock():
                return True

    def _lease_ends(self, shard: str) -> datetime | None:
        try:
            return self._store.lease_ends(shard)
        except Exception:
            logger.warning("could not read the lease of shard %s", shard)
            return None


def _pool(workers: int, name: str) -> ThreadPoolExecutor | None:
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name) if workers > 1 else None
