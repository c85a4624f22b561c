"""The port the dispatcher reads due work from and writes progress to."""

from __future__ import annotations

import abc
from collections.abc import Iterator, Sequence
from datetime import datetime

from service.domain.handoff_ledger import HandOffLedger
from service.domain.runs import Run
from service.domain.schedule import Schedule


class DueStore(abc.ABC):
    """The sparse due index, its shard leases, and the writes that follow a delivery.

    A dispatcher works on a shard only while it holds that shard's lease, so two
    dispatchers never hand off the same occurrence. A lease is short and renewed while its
    owner works; one that is not renewed (a crash, a stall) lapses at its ``until``, and
    the next dispatcher takes the shard over; what the crashed one handed off since it last
    kept its ledger (``handoff_ledger``) is handed off again, with the same occurrence id.
    Every time given here is read from a dispatcher's clock, never from a tick's time.
    """

    @abc.abstractmethod
    def shards(self) -> Sequence[str]: ...

    @abc.abstractmethod
    def has_due(self, shard: str, until: datetime) -> bool:
        """Whether the shard holds a run due by ``until`` (a cheap look before leasing)."""

    def count_due(self, shard: str, until: datetime, cap: int) -> int:
        """How many runs the shard has due by ``until``, counting no further than ``cap``."""
        count = 0
        for page in self.due(shard, until):
            count += len(page)
            if count >= cap:
                return cap
        return count

    @abc.abstractmethod
    def lease(self, shard: str, owner: str, now: datetime, until: datetime) -> HandOffLedger | None:
        """Take the shard until ``until`` unless another owner holds a lease that has not
        lapsed at ``now``: the shard's hand-off ledger, kept with its lease (None: refused).
        The owner's own lease may be taken again, so a lease whose answer was lost can be
        asked for once more."""

    @abc.abstractmethod
    def renew(self, shard: str, owner: str, until: datetime, ledger: HandOffLedger | None = None) -> bool:
        """Extend the owner's lease to ``until``, keeping ``ledger`` with it if given; False
        once another owner has taken it."""

    @abc.abstractmethod
    def lease_ends(self, shard: str) -> datetime | None:
        """When the shard's current lease ends (None: never leased): a read, for a dispatcher
        that waits for a shard another holds."""

    @abc.abstractmethod
    def release(self, shard: str, owner: str, free_from: datetime, ledger: HandOffLedger | None = None) -> None:
        """Give the shard back, keeping ``ledger`` with it; nobody may take it before ``free_from``.

        The pause lets the index, which DynamoDB updates a moment after the table, show the
        writes just made before the next owner reads it.
        """

    @abc.abstractmethod
    def due(self, shard: str, until: datetime) -> Iterator[list[Schedule]]:
        """Pages of the shard's schedules due by ``until``, earliest first, with payloads."""

    @abc.abstractmethod
    def ledger(self, shard: str) -> HandOffLedger:
        """The shard's hand-off ledger as kept (a read, for whoever asks what is queued)."""

    @abc.abstractmethod
    def advance(self, schedule: Schedule, expected_version: int) -> bool:
        """Store the schedule's new run state (run, state, last run, due keys) if it is still
        at ``expected_version``; False if it changed or went meanwhile."""

    @abc.abstractmethod
    def add_runs(self, runs: Sequence[Run]) -> None:
        """Append runs to the history (batched)."""
