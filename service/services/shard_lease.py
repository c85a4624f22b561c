"""One dispatcher's hold on one shard of the due index: taken, kept while worked, released.

Timeline of a shard worked by dispatcher A, with a lease period P (15 s), a renewal margin
M (10 s) and a settle pause S (2 s), all read from A's clock::

    A's clock   t0                 t0+5                t0+10                  end   end+S
                | take: until t0+P  | renew: until t0+5+P | renew ...          | release
    A's work    | step 1 (20 runs)            | step 2                      | ...    |
                | send  →  record  →  advance | send  →  record  →  advance |
                  ^keep    ^keep      ^keep     (before each call's worth of work)
    lease       |=========== never less than M ahead of a step ===========|--S--| free

* ``keep()`` comes before each step: each send batch (one ``SendMessageBatch``, at most 10
  runs), each history batch (one ``BatchWriteItem``, 25 runs) and each round of advances
  (one ``UpdateItem`` per write worker, in parallel). With less than M left it renews (one
  conditional write on A's own token), so every step starts with at least M of lease
  ahead, and only one call's worth of work has to finish within M: on AWS it takes tens of
  milliseconds, on a loaded emulator a second or two. A shard's work as a whole may take
  far longer than a lease.
* A refused renewal means another dispatcher took the shard: A stalled past the end of its
  lease (a long pause, a hung call). A sends nothing more from the shard. It still records
  and advances what it has already sent: history puts of the same keys and advances fenced
  by the schedule's version are safe, and each one that lands before the new owner reads
  that schedule spares a repeat.
* If A dies, its lease ends at most P after its last renewal; a dispatcher waiting for the
  shard looks again every second or so, takes it then, and sends A's sent-but-not-advanced
  runs (at most one step, 20 runs) again, with the same occurrence ids.
* A release ends the lease S later. DynamoDB propagates a write to a global secondary
  index within about a second, so after S the next owner's read of the due index shows A's
  last advances and does not send them again.

The clocks of different machines are compared here; NTP keeps Lambda's within
milliseconds of each other, far inside M.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

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

    def take(self) -> bool:
        now = self._clock()
        until = now + self._period
        if not self._retry.call(lambda: self._store.lease(self._shard, self._owner, now, until), self._failed):
            return False
        self._until = until
        return True

    def keep(self) -> bool:
        """Whether the owner may take its next step: at least the margin left, renewed if need be."""
        if self._until is None or self.lost or self.unsure:
            return False
        now = self._clock()
        if self._until - now >= self._margin:
            return True
        until = now + self._period
        try:
            renewed = self._retry.call(lambda: self._store.renew(self._shard, self._owner, until), self._failed)
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
            self._retry.call(
                lambda: self._store.release(self._shard, self._owner, self._clock() + settle), self._failed
            )
        except Exception:
            logger.warning("shard %s: could not release its lease; it lapses at %s", self._shard, self._until)

    def _failed(self, exc: Exception) -> None:
        self._report.call_failed(f"lease {self._shard}", exc)
