"""Hand-written fakes of the ports, for unit tests (no AWS, no moto)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from service.domain.about import Labels, name_key
from service.domain.errors import InvalidCursor, ScheduleNotFound, VersionConflict
from service.domain.idempotency import IdempotentCreate, KeyAlreadyRecorded
from service.domain.runs import Run, RunStatus
from service.domain.schedule import Schedule, State
from service.domain.targets import Target
from service.services.handoff import HandOff, HandOffItem, HandOffOutcome
from service.services.ports import (
    Page,
    ScheduleRepository,
    answer_bytes,
    details_answer_bytes,
    schedule_answer_bytes,
)
from service.services.target_ports import Delivery, DeliveryOutcome, TargetSender, TargetStore


class InMemoryRepository(ScheduleRepository):
    """Keeps every run it is given in the history; a last run that a write replaces is kept
    there too (as the port promises), whether or not it was given as a run."""

    def __init__(self) -> None:
        self.schedules: dict[tuple[str, str], Schedule] = {}
        self.runs: dict[tuple[str, str], dict[str, Run]] = {}
        self.payload_writes = 0
        self.idempotency: dict[tuple[str, str], IdempotentCreate] = {}

    def get(self, namespace: str, job_id: str) -> Schedule | None:
        return self.schedules.get((namespace, job_id))

    def add(self, schedule: Schedule, *, idempotency: IdempotentCreate | None = None) -> None:
        key = (schedule.namespace, schedule.job_id)
        if idempotency is not None:  # checked first: the transaction is refused whole
            found = self.idempotency.get((idempotency.namespace, idempotency.key))
            if found is not None and found.expires_at > idempotency.recorded_at:
                raise KeyAlreadyRecorded(found)
            self.idempotency[(idempotency.namespace, idempotency.key)] = idempotency
        assert key not in self.schedules, "add must never overwrite"
        self.put(schedule)
        self.payload_writes += 1

    def idempotency_record(self, namespace: str, key: str, now: datetime) -> IdempotentCreate | None:
        found = self.idempotency.get((namespace, key))
        return found if found is not None and found.expires_at > now else None

    def replace(
        self,
        schedule: Schedule,
        expected_version: int,
        *,
        payload_changed: bool = False,
        previous: Schedule | None = None,
    ) -> None:
        self._check(schedule.namespace, schedule.job_id, expected_version)
        current = self.schedules[(schedule.namespace, schedule.job_id)]
        if previous is None:  # the port's promise: name and labels are only changed with previous
            assert (schedule.name, schedule.labels) == (current.name, current.labels), "changed without previous"
        self.put(schedule)
        self.payload_writes += int(payload_changed)

    def delete(self, namespace: str, job_id: str, expected_version: int | None = None) -> Schedule:
        self._check(namespace, job_id, expected_version)
        return self.schedules.pop((namespace, job_id))

    def list(
        self,
        namespace: str,
        limit: int,
        cursor: str | None,
        state: State | None,
        *,
        max_bytes: int,
        labels: Labels = (),
        name_prefix: str | None = None,
    ) -> Page[Schedule]:
        ordered = sorted((s for (ns, _), s in self.schedules.items() if ns == namespace), key=lambda s: s.job_id)
        if state is not None:
            ordered = [s for s in ordered if s.state is state]
        ordered = [s for s in ordered if set(labels) <= set(s.labels)]
        if name_prefix is not None:
            ordered = [s for s in ordered if s.name and name_key(s.name).startswith(name_key(name_prefix))]
        if cursor is not None:
            if not cursor.startswith("after:"):
                raise InvalidCursor()
            ordered = [s for s in ordered if s.job_id > cursor[len("after:") :]]
        page: list[Schedule] = []
        total = 0
        for schedule in ordered[:limit]:
            total += schedule_answer_bytes(
                answer_bytes(schedule.payload), schedule.cron, details_answer_bytes(schedule)
            )
            if page and total > max_bytes:
                break
            page.append(schedule)
        more = len(ordered) > len(page)
        return Page(page, f"after:{page[-1].job_id}" if more else None)

    def record_run(self, schedule: Schedule, expected_version: int, run: Run) -> None:
        self.replace(schedule, expected_version)
        self.add_run(run)

    def add_run(self, run: Run) -> None:
        self.runs.setdefault((run.namespace, run.job_id), {})[_run_key(run)] = run

    def add_runs(self, runs: Sequence[Run]) -> None:
        for run in runs:
            self.add_run(run)

    def add_queued_run(self, run: Run) -> None:
        self.runs.setdefault((run.namespace, run.job_id), {}).setdefault(_run_key(run), run)

    def list_runs(
        self,
        schedule: Schedule,
        limit: int,
        cursor: str | None,
        queued_by: datetime | None = None,
        status: RunStatus | None = None,
    ) -> Page[Run]:
        stored = dict(self.runs.get((schedule.namespace, schedule.job_id), {}))
        if schedule.last_run is not None:
            stored.setdefault(_run_key(schedule.last_run), schedule.last_run)
        runs = sorted(stored.values(), key=lambda r: r.scheduled_for, reverse=True)
        runs = [r for r in runs if status in (None, r.status)]
        start = int(cursor) if cursor else 0
        return Page(runs[start : start + limit], str(start + limit) if start + limit < len(runs) else None)

    def put(self, schedule: Schedule) -> None:
        """Store ``schedule`` over whatever is stored, keeping the last run it replaces."""
        current = self.schedules.get((schedule.namespace, schedule.job_id))
        if current is not None and current.last_run is not None and current.last_run != schedule.last_run:
            self.runs.setdefault((current.namespace, current.job_id), {}).setdefault(
                _run_key(current.last_run), current.last_run
            )
        self.schedules[(schedule.namespace, schedule.job_id)] = schedule

    def _check(self, namespace: str, job_id: str, expected_version: int | None) -> None:
        current = self.schedules.get((namespace, job_id))
        if current is None:
            raise ScheduleNotFound(job_id)
        if expected_version is not None and current.version != expected_version:
            raise VersionConflict(job_id, expected_version, current.version)


def _run_key(run: Run) -> str:
    return f"{run.scheduled_for}#{run.trigger}#{run.run_id}"


class FakeHandOff(HandOff):
    """Records every run handed off; can be told to refuse the next ones."""

    def __init__(self) -> None:
        self.items: list[HandOffItem] = []
        self.refuse_next = 0

    def hand_off(self, items: Sequence[HandOffItem]) -> list[HandOffOutcome]:
        outcomes = []
        for item in items:
            if self.refuse_next:
                self.refuse_next -= 1
                outcomes.append(HandOffOutcome(item, error="ServiceUnavailable: refused by the test"))
                continue
            self.items.append(item)
            outcomes.append(HandOffOutcome(item))
        return outcomes

    @property
    def occurrence_ids(self) -> list[str]:
        return [item.delivery.occurrence_id for item in self.items]

    def take(self) -> list[HandOffItem]:
        """The runs handed off so far, forgotten here."""
        taken, self.items = self.items, []
        return taken


class FakeTargetSender(TargetSender):
    """Records every run delivered, by target; accepts at its clock's time, or refuses the
    next ones (a passing refusal unless told it is permanent)."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.delivered: list[tuple[Target, Delivery]] = []
        self.accepted_at: list[datetime] = []
        self.refuse_next = 0
        self.refusal_is_permanent = False
        self._ids = itertools.count(1)

    def deliver(self, target: Target, deliveries: Sequence[Delivery]) -> list[DeliveryOutcome]:
        outcomes = []
        for delivery in deliveries:
            if self.refuse_next:
                self.refuse_next -= 1
                outcomes.append(
                    DeliveryOutcome(delivery, error="refused by the test", permanent=self.refusal_is_permanent)
                )
                continue
            self.delivered.append((target, delivery))
            self.accepted_at.append(self.clock())
            outcomes.append(DeliveryOutcome(delivery, accepted_at=self.clock(), message_id=f"msg-{next(self._ids)}"))
        return outcomes

    @property
    def occurrence_ids(self) -> list[str]:
        return [delivery.occurrence_id for _, delivery in self.delivered]


class InMemoryTargets(TargetStore):
    def __init__(self, *targets: Target) -> None:
        self.stored = list(targets)

    def targets(self, namespace: str) -> list[Target]:
        return [t for t in self.stored if t.namespace == namespace]


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2027, 1, 4, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)

    def set(self, instant: datetime) -> None:
        self.now = instant


class FakeMonotonic:
    """A monotonic clock in seconds (as the rate limits read it) that moves when told."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def id_factory() -> Callable[[], str]:
    """Job ids in creation order: 00000000-0000-7000-8000-000000000001, ...002, ..."""
    counter = itertools.count(1)
    return lambda: f"00000000-0000-7000-8000-{next(counter):012d}"
