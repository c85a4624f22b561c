"""A hand-written in-memory DueStore over the in-memory repository, and a dispatcher's world
of fakes around it (fake clock, sender, API), for unit tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from threading import RLock
from typing import Any

from service.adapters.table_schema import all_shards, due_shard
from service.bootstrap.dispatcher import dispatch_settings
from service.config import Settings
from service.domain.runs import Run
from service.domain.schedule import Schedule, ScheduleInput
from service.services.dispatch import Dispatcher, DispatchSettings
from service.services.due_store import DueStore
from service.services.schedules import ScheduleService
from service.services.tick_report import TickReport
from tests.fakes import FakeClock, FakeSender, InMemoryRepository, id_factory
from tests.target_fakes import a_directory

PAGE = 100
START = datetime(2027, 5, 10, 12, 0, tzinfo=UTC)
NS = "default"


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
            self.repository.put(schedule)
            self.advances += 1
            return True

    def add_runs(self, runs: Sequence[Run]) -> None:
        with self.lock:
            for run in runs:
                self.repository.add_run(run)


# The service's settings as a deployment without any configured value has them.
SERVICE_DEFAULTS = Settings.model_validate({"table_name": "unused", "queue_url": "unused"})


def tuning(**overrides: Any) -> DispatchSettings:
    """The dispatcher's settings as its bootstrap makes them by default, with ``overrides``."""
    return dispatch_settings(SERVICE_DEFAULTS, **overrides)


@dataclass
class World:
    """The dispatcher among fakes; its sleeps move the fake clock."""

    clock: FakeClock
    repository: InMemoryRepository
    sender: FakeSender
    store: InMemoryDueStore
    api: ScheduleService
    settings: DispatchSettings

    def dispatcher(self, **overrides: object) -> Dispatcher:
        settings = DispatchSettings(**{**self.settings.__dict__, **overrides})  # type: ignore[arg-type]
        return Dispatcher(self.store, self.sender, settings, clock=self.clock, sleep=self.sleep)

    def sleep(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds)

    def tick(self, dispatcher: Dispatcher | None = None, shards: Sequence[str] | None = None) -> TickReport:
        now = self.clock()
        return (dispatcher or self.dispatcher()).tick(now, now + timedelta(seconds=50), shards)

    def create(self, **fields: object) -> str:
        return self.api.create(NS, ScheduleInput(**{"payload": "p", **fields})).job_id  # type: ignore[arg-type]

    def busiest_shard(self, until: datetime) -> tuple[str, int]:
        """The shard with the most runs due by ``until``, and how many."""
        counts = {shard: self.store.count_due(shard, until, cap=10_000) for shard in self.store.shards()}
        shard = max(counts, key=lambda s: counts[s])
        return shard, counts[shard]


def dispatch_world() -> World:
    clock = FakeClock(START)
    repository = InMemoryRepository()
    sender = FakeSender()
    store = InMemoryDueStore(repository)
    api = ScheduleService(
        repository, sender, id_factory(), clock, lookahead=SERVICE_DEFAULTS.lookahead, targets=a_directory()
    )
    settings = tuning(shard_workers=1, write_workers=1)
    return World(clock, repository, sender, store, api, settings)
