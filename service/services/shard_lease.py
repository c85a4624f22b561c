"""One dispatcher's hold on one shard of the due index: taken, kept while worked, released,
with the shard's hand-off ledger (``service.domain.handoff_ledger``) read when it is taken
and written with each renewal and the release, so that what was handed off is never handed
off again, except what a crash left unwritten since the last renewal.

Timeline of a shard worked by dispatcher A, with a lease period P (15 s), a renewal margin
M (10 s) and a settle pause S (2 s), all read from A's clock::

    A's clock   t0                 t0+5                t0+10                  end   end+S
                | take: until t0+P  | renew: until t0+5+P | renew ...          | release
    A's work    | step 1 (10 runs)            | step 2                      | ...    |
                | hand off → record misses    | hand off → record misses    |
                  ^keep      ^keep              (before each call's worth of work)
    lease       |=========== never less than M ahead of a step ===========|--S--| free

* ``keep()`` comes before each step: each hand-off batch (one ``SendMessageBatch``, at most
  10 runs), each history batch (one ``BatchWriteItem``, 25 runs) and each round of advances
  of runs only missed (one ``UpdateItem`` per write worker, in parallel). With less than M
  left it renews (one conditional write on A's own token, carrying the ledger so far), so
  every step starts with at least M of lease
  ahead, and only one call's worth of work has to finish within M: on AWS it takes tens of
  milliseconds, on a loaded emulator a second or two. A shard's work as a whole may take
  far longer than a lease.
* A refused renewal means another dispatcher took the shard: A stalled past the end of its
  lease (a long pause, a hung call). A hands off nothing more from the shard.
* If A dies, its lease ends at most P after its last renewal; a dispatcher waiting for the
  shard looks again every second or so, takes it then, and hands off again, with the same
  occurrence ids, what A handed off since its ledger was last written (at most the runs of
  one renewal period; the delivery stage drops a repeat of a run it has delivered).
* A release ends the lease S later, so the next owner's read of the due index shows A's
  last writes.

The clocks of different machines are compared here; NTP keeps Lambda's within
milliseconds of each other, far inside M.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from service.domain.handoff_ledger import EMPTY, HandOffLedger, LedgerProgress
from service.services.due_store import DueStore
from service.services.retry import Retry
from service.services.tick_report import TickReport

logger = logging.getLogger(__name__)


class ShardLease:
    def __init__(
        self,
        store: DueStore,
        shard: str,
        owner: str,
        *,
        clock: Callable[[], datetime],
        period: timedelta,
        margin: timedelta,
        retry: Retry,
        report: TickReport,
    ) -> None:
        self._store, self._shard, self._owner = store, shard, owner
        self._clock, self._period, self._margin = clock, period, margin
        self._retry, self._report = retry, report
        self._until: datetime | None = None
        self.lost = False  # another dispatcher took the shard
        self.unsure = False  # a renewal failed past its retries: ours or not, nothing more is sent
        self.found: HandOffLedger = EMPTY  # the ledger kept with the lease when it was taken
        self.progress: LedgerProgress | None = None  # this owner's, written with renewals

    def take(self) -> bool:
        now = self._clock()
        until = now + self._period
        found = self._retry.call(lambda: self._store.lease(self._shard, self._owner, now, until), self._failed)
        if found is None:
            return False
        self._until = until
        self.found = found
        return True

    def _ledger(self) -> HandOffLedger | None:
        return self.progress.ledger() if self.progress is not None else None

    def keep(self, checkpoint: bool = False) -> bool:
        """Whether the owner may take its next step: at least the margin left, renewed if need
        be. ``checkpoint``: renew now whatever is left, so that the ledger so far is kept (a
        page's worth of hand-offs: what a crash would hand off again)."""
        if self._until is None or self.lost or self.unsure:
            return False
        now = self._clock()
        if self._until - now >= self._margin and not checkpoint:
            return True
        until = now + self._period
        try:
            ledger = self._ledger()
            renewed = self._retry.call(lambda: self._store.renew(self._shard, self._owner, until, ledger), self._failed)
        except Exception:
            logger.warning("shard %s: could not renew its lease; it lapses at %s", self._shard, self._until)
            self.unsure = True
            return False
        if not renewed:
            logger.warning("shard %s: its lease was taken by another dispatcher; stopping", self._shard)
            self.lost = True
            self._report.add(leases_lost=1)
            return False
        self._until = until
        return True

    def release(self, settle: timedelta) -> None:
        if self._until is None or self.lost:
            return
        try:
            ledger = self._ledger()
            self._retry.call(
                lambda: self._store.release(self._shard, self._owner, self._clock() + settle, ledger), self._failed
            )
        except Exception:
            logger.warning("shard %s: could not release its lease; it lapses at %s", self._shard, self._until)

    def _failed(self, exc: Exception) -> None:
        self._report.call_failed(f"lease {self._shard}", exc)
