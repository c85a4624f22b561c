"""A hand-written in-memory DueStore over the in-memory repository, for unit tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from threading import RLock

from service.adapters.table_schema import all_shards, due_shard
from service.domain.runs import Run
from service.domain.schedule import Schedule
from service.services.due_store import DueStore
from tests.fakes import InMemoryRepository

PAGE = 100


class InMemoryDueStore(DueStore):
    def __init__(self, repository: InMemoryRepository) -> None:
        self.repository = repository
        self.leases: dict[str, tuple[str, datetime]] = {}
        self.lock = RLock()
        self.advances = 0
        self.leases_taken = 0

    def shards(self) -> Sequence[str]:
        return all_shards()

    def _due(self, shard: str, until: datetime) -> list[Schedule]:
        with self.lock:
            found = [
                s
                for s in self.repository.schedules.values()
                if due_shard(s.namespace, s.job_id) == shard and (at := s.due_at) is not None and at <= until
            ]
        return sorted(found, key=lambda s: (s.due_at, s.job_id))

    def earliest_due(self) -> datetime | None:
        with self.lock:
            dues = [at for s in self.repository.schedules.values() if (at := s.due_at) is not None]
        return min(dues, default=None)

    def has_due(self, shard: str, until: datetime) -> bool:
        return bool(self._due(shard, until))

    def lease(self, shard: str, owner: str, now: datetime, until: datetime) -> bool:
        with self.lock:
            current = self.leases.get(shard)
            if current is not None and current[1] > now and current[0] != owner:
                return False
            self.leases[shard] = (owner, until)
            self.leases_taken += 1
            return True

    def renew(self, shard: str, owner: str, until: datetime) -> bool:
        with self.lock:
            current = self.leases.get(shard)
            if current is None or current[0] != owner:
                return False
            self.leases[shard] = (owner, until)
            return True

    def lease_ends(self, shard: str) -> datetime | None:
        with self.lock:
            current = self.leases.get(shard)
        return current[1] if current is not None else None

    def release(self, shard: str, owner: str, free_from: datetime) -> None:
        with self.lock:
            current = self.leases.get(shard)
            if current is not None and current[0] == owner:
                self.leases[shard] = (owner, free_from)

    def due(self, shard: str, until: datetime) -> Iterator[list[Schedule]]:
        found = self._due(shard, until)
        for start in range(0, len(found), PAGE):
            yield found[start : start + PAGE]

    def advance(self, schedule: Schedule, expected_version: int) -> bool:
        with self.lock:
            current = self.repository.get(schedule.namespace, schedule.job_id)
            if current is None or current.version != expected_version:
                return False
            self.repository.schedules[(schedule.namespace, schedule.job_id)] = schedule
            self.advances += 1
            return True

    def add_runs(self, runs: Sequence[Run]) -> None:
        with self.lock:
            for run in runs:
                self.repository.add_run(run)
