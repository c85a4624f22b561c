"""A hand-written in-memory store (the dispatcher's ``DueStore`` and the delivery stage's
``DeliveryStore``) over the in-memory repository, and a world of fakes around the dispatcher
and the delivery stage (fake clock, hand-off, target sender, API), for unit tests."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from threading import RLock
from typing import Any

from service.adapters.handoff_messages import delay_seconds
from service.adapters.table_schema import all_shards, due_shard
from service.bootstrap.dispatcher import dispatch_settings
from service.config import Settings
from service.domain.handoff_ledger import EMPTY, HandOffLedger
from service.domain.runs import Run
from service.domain.schedule import Schedule, ScheduleInput
from service.domain.targets import TargetKind
from service.services.delivery import BatchResult, DeliverySettings, DeliveryStage
from service.services.delivery_ports import DeadLetters, DeliveryStore, Received, ScheduleRef
from service.services.delivery_retries import RetryPlanner
from service.services.dispatch import Dispatcher, DispatchSettings
from service.services.due_store import DueStore
from service.services.handoff import HandOffItem
from service.services.schedules import ScheduleService
from service.services.target_ports import TargetSender
from service.services.targets import TargetDirectory
from service.services.tick_report import TickReport
from tests.fakes import FakeClock, FakeHandOff, FakeTargetSender, InMemoryRepository, InMemoryTargets, id_factory

PAGE = 100
START = datetime(2027, 5, 10, 12, 0, tzinfo=UTC)
NS = "default"


STACK_QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/scheduler-deliveries"


class InMemoryDueStore(DueStore, DeliveryStore):
    def __init__(self, repository: InMemoryRepository) -> None:
        self.repository = repository
        self.leases: dict[str, tuple[str, datetime]] = {}
        self.ledgers: dict[str, HandOffLedger] = {}
        self.hourly: dict[tuple[str, datetime], Counter[str]] = {}
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

    def lease(self, shard: str, owner: str, now: datetime, until: datetime) -> HandOffLedger | None:
        with self.lock:
            current = self.leases.get(shard)
            if current is not None and current[1] > now and current[0] != owner:
                return None
            self.leases[shard] = (owner, until)
            self.leases_taken += 1
            return self.ledgers.get(shard, EMPTY)

    def renew(self, shard: str, owner: str, until: datetime, ledger: HandOffLedger | None = None) -> bool:
        with self.lock:
            current = self.leases.get(shard)
            if current is None or current[0] != owner:
                return False
            self.leases[shard] = (owner, until)
            if ledger is not None:
                self.ledgers[shard] = ledger
            return True

    def lease_ends(self, shard: str) -> datetime | None:
        with self.lock:
            current = self.leases.get(shard)
        return current[1] if current is not None else None

    def release(self, shard: str, owner: str, free_from: datetime, ledger: HandOffLedger | None = None) -> None:
        with self.lock:
            current = self.leases.get(shard)
            if current is not None and current[0] == owner:
                self.leases[shard] = (owner, free_from)
                if ledger is not None:
                    self.ledgers[shard] = ledger

    def ledger(self, shard: str) -> HandOffLedger:
        with self.lock:
            return self.ledgers.get(shard, EMPTY)

    def update_last_run(self, run: Run, now: datetime) -> bool:
        with self.lock:
            current = self.repository.get(run.namespace, run.job_id)
            last = current.last_run if current is not None else None
            same = last is not None and (last.occurrence_id, last.trigger) == (run.occurrence_id, run.trigger)
            if current is None or not same:
                return False
            self.repository.put(replace(current, last_run=run, version=current.version + 1, updated_at=now))
            return True

    def schedules(self, refs: Sequence[ScheduleRef]) -> dict[ScheduleRef, Schedule]:
        with self.lock:
            return {ref: s for ref in refs if (s := self.repository.get(*ref)) is not None}

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

    def count(self, counts: Mapping[tuple[str, datetime], Counter[str]]) -> None:
        with self.lock:
            for key, counter in counts.items():
                self.hourly.setdefault(key, Counter()).update(counter)


# The service's settings as a deployment without any configured value has them.
SERVICE_DEFAULTS = Settings.model_validate({"table_name": "unused", "queue_url": "unused"})


def tuning(**overrides: Any) -> DispatchSettings:
    """The dispatcher's settings as its bootstrap makes them by default, with ``overrides``."""
    return dispatch_settings(SERVICE_DEFAULTS, **overrides)


@dataclass
class World:
    """The dispatcher and the delivery stage among fakes; their sleeps move the fake clock.

    What is handed off waits in ``handoff`` until ``deliver_due`` gives the delivery stage
    what has become visible (as SQS would: up to a second before its time), and what the
    stage asks to see again comes back after its delay."""

    clock: FakeClock
    repository: InMemoryRepository
    handoff: FakeHandOff
    store: InMemoryDueStore
    api: ScheduleService
    settings: DispatchSettings
    target_sender: FakeTargetSender
    targets: InMemoryTargets
    stage_settings: DeliverySettings
    waiting: list[tuple[datetime, Received]] = field(default_factory=list)
    message_ids: Iterator[int] = field(default_factory=itertools.count)
    webhook_sender: TargetSender | None = None  # the stage delivers no webhook without one
    dead_letters: DeadLetters | None = None
    jitter_draw: float = 0.0  # what a retry policy's random draw gives: no jitter, half of each delay

    def dispatcher(self, **overrides: object) -> Dispatcher:
        settings = DispatchSettings(**{**self.settings.__dict__, **overrides})  # type: ignore[arg-type]
        return Dispatcher(self.store, self.handoff, settings, clock=self.clock, sleep=self.sleep)

    def stage(self) -> DeliveryStage:
        directory = TargetDirectory(self.targets, STACK_QUEUE, cache_ttl=timedelta(0))
        senders: dict[TargetKind, TargetSender] = {TargetKind.SQS: self.target_sender}
        if self.webhook_sender is not None:
            senders[TargetKind.WEBHOOK] = self.webhook_sender
        settings = self.stage_settings
        planner = RetryPlanner(settings.max_attempts, settings.first_retry, lambda: self.jitter_draw)
        return DeliveryStage(
            self.store,
            directory,
            senders,
            settings,
            handoff=self.handoff,
            dead_letters=self.dead_letters,
            planner=planner,
            clock=self.clock,
            sleep=self.sleep,
        )

    def deliver_due(self, stage: DeliveryStage | None = None) -> BatchResult:
        """One pass of the stage over every run visible now, in batches of 10."""
        self._take_hand_offs()
        now = self.clock()
        visible = sorted((entry for entry in self.waiting if entry[0] <= now), key=lambda e: e[0])
        self.waiting = [entry for entry in self.waiting if entry[0] > now]
        result = BatchResult()
        stage = stage or self.stage()
        for start in range(0, len(visible), 10):
            batch = [received for _, received in visible[start : start + 10]]
            batch_result = stage.deliver(batch, self.clock() + timedelta(seconds=25))
            for received in batch:
                if received.message_id in batch_result.later:
                    again = replace(received, receive_count=received.receive_count + 1)
                    self.waiting.append((self.clock() + batch_result.later[received.message_id], again))
            result.later.update(batch_result.later)
            for name, value in batch_result.report.__dict__.items():
                if isinstance(value, int) and not name.startswith("_"):
                    result.report.add(**{name: value})
            result.report.lateness_ms.extend(batch_result.report.lateness_ms)
        return result

    def deliver_until(self, instant: datetime) -> None:
        """Deliver every run that becomes visible up to ``instant``, each when it does (the
        clock jumps from one to the next; the stage's holds move it on to each run's time)."""
        while True:
            self._take_hand_offs()
            upcoming = [at for at, _ in self.waiting if at <= instant]
            if not upcoming:
                break
            self.clock.set(max(self.clock(), min(upcoming)))
            self.deliver_due()
        self.clock.set(max(self.clock(), instant))

    def run_until(self, instant: datetime, step: timedelta = timedelta(seconds=1)) -> None:
        """Deliver what falls due up to ``instant``, second by second (no dispatcher ticks)."""
        while self.clock() < instant:
            self.deliver_due()
            self.clock.advance(seconds=step.total_seconds())
        self.deliver_due()

    def _take_hand_offs(self) -> None:
        for item in self.handoff.take():
            self.waiting.append((_visible(item), Received(f"m-{next(self.message_ids)}", item)))

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


def _visible(item: HandOffItem) -> datetime:
    """When SQS would show the run's message: its delay is whole seconds, rounded down, so
    it shows up to a second before its time."""
    return item.handed_off_at + timedelta(seconds=delay_seconds(item, item.handed_off_at))


def dispatch_world(start: datetime = START) -> World:
    clock = FakeClock(start)
    repository = InMemoryRepository()
    handoff = FakeHandOff()
    store = InMemoryDueStore(repository)
    targets = InMemoryTargets()
    api = ScheduleService(
        repository,
        handoff,
        id_factory(),
        clock,
        lookahead=SERVICE_DEFAULTS.lookahead,
        targets=TargetDirectory(targets, STACK_QUEUE, cache_ttl=timedelta(0)),
    )
    settings = tuning(shard_workers=1, write_workers=1)
    return World(
        clock=clock,
        repository=repository,
        handoff=handoff,
        store=store,
        api=api,
        settings=settings,
        target_sender=FakeTargetSender(clock),
        targets=targets,
        stage_settings=DeliverySettings(catch_up=SERVICE_DEFAULTS.catch_up, lookahead=SERVICE_DEFAULTS.lookahead),
    )
