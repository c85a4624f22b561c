"""What a shard's last pass handed to the delivery stage: kept with the shard's lease, so
that a run is handed off once without a write per run.

A run handed off stays in the due index until the delivery stage delivers it and moves its
schedule on, up to the lookahead (70 s) later: the next tick sees it again, unchanged. The
ledger tells that tick which of the entries it sees were handed off already::

    pass P reads the index at Q ("seen_at"), hands off what is due by U, and writes:
        through = U        every entry due by U that P saw was handed off, but
        failed             those P could not hand off, and
        recent             the entries P saw whose pending run was set less than SETTLE
                           before Q

    a later pass skips an entry (a schedule's pending run under its revision) when
        due_at <= through  and  not in failed  and
        (its pending run set before Q - SETTLE  or  in recent)

A pending run set before ``Q - SETTLE`` was in the index P read (DynamoDB shows a write in
a global secondary index within about a second; SETTLE leaves a wide margin, a late write
landing with its retries included), so P saw that very run. One set later may or may not
have been in P's read: ``recent`` says which were. An entry is a schedule's pending run
under its revision, named by a digest of namespace, job, revision and run time (8 bytes:
a collision among a shard's few recent entries is out of reach): a client's change (a new
revision) or the stage moving the schedule on (a new run time) is planned afresh, while a
write of its last run alone (a manual run) leaves what was handed off handed off.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from service.domain.schedule import Schedule

SETTLE = timedelta(seconds=30)
DIGEST_BYTES = 8


def entry_digest(schedule: Schedule) -> bytes:
    run_at = schedule.run_at.isoformat() if schedule.run_at else "-"
    key = f"{schedule.namespace}/{schedule.job_id}@{schedule.revision}/{run_at}".encode()
    return hashlib.blake2b(key, digest_size=DIGEST_BYTES).digest()


@dataclass(frozen=True)
class HandOffLedger:
    through: datetime | None = None
    seen_at: datetime | None = None
    recent: frozenset[bytes] = frozenset()
    failed: frozenset[bytes] = frozenset()

    def covers(self, schedule: Schedule) -> bool:
        """Whether the pending run of ``schedule``, as it is, was handed off by the pass."""
        due = schedule.due_at
        if due is None or self.through is None or self.seen_at is None or due > self.through:
            return False
        digest = entry_digest(schedule)
        if digest in self.failed:
            return False
        return schedule.pending_since < self.seen_at - SETTLE or digest in self.recent


EMPTY = HandOffLedger()


@dataclass
class LedgerProgress:
    """The ledger a pass builds as it goes, from the one it found."""

    seen_at: datetime
    previous: HandOffLedger = EMPTY
    through: datetime | None = None
    recent: set[bytes] = field(default_factory=set)
    failed: set[bytes] = field(default_factory=set)

    def seen(self, schedule: Schedule) -> None:
        """The pass saw ``schedule`` and handed its run off (or found it handed off already)."""
        if schedule.pending_since >= self.seen_at - SETTLE:
            self.recent.add(entry_digest(schedule))

    def not_handed_off(self, schedule: Schedule) -> None:
        self.failed.add(entry_digest(schedule))

    def done_through(self, instant: datetime) -> None:
        """Every entry due by ``instant`` has been seen and dealt with."""
        if self.through is None or instant > self.through:
            self.through = instant

    def ledger(self) -> HandOffLedger:
        """What to keep: this pass's progress, or the previous ledger until it has some."""
        if self.through is None:
            return self.previous
        return HandOffLedger(self.through, self.seen_at, frozenset(self.recent), frozenset(self.failed))
