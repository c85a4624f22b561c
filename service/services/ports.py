"""The ports the use cases depend on. Adapters implement them; tests fake them."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from service.domain.runs import Run, iso_seconds, occurrence_id
from service.domain.schedule import Schedule, State

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class ScheduleRepository(abc.ABC):
    """Where schedules and their run history live.

    Writes are conditional: ``add`` never overwrites, ``replace`` and ``delete`` never
    create, and an ``expected_version`` makes them fail with ``VersionConflict`` when the
    stored schedule has moved on.
    """

    @abc.abstractmethod
    def get(self, namespace: str, job_id: str) -> Schedule | None: ...

    @abc.abstractmethod
    def add(self, schedule: Schedule) -> None: ...

    @abc.abstractmethod
    def replace(self, schedule: Schedule, expected_version: int, *, payload_changed: bool = False) -> None:
        """Store ``schedule`` over the stored one, which must be at ``expected_version``.

        ``payload_changed`` says whether the payload must be written too: a large payload
        is stored apart and left untouched by changes of state.
        """

    @abc.abstractmethod
    def delete(self, namespace: str, job_id: str, expected_version: int | None = None) -> Schedule: ...

    @abc.abstractmethod
    def list(self, namespace: str, limit: int, cursor: str | None, state: State | None) -> Page[Schedule]: ...

    @abc.abstractmethod
    def record_run(self, schedule: Schedule, expected_version: int, run: Run) -> None:
        """Atomically store ``schedule`` (as ``replace`` does) and append ``run`` to its history."""

    @abc.abstractmethod
    def add_run(self, run: Run) -> None: ...

    @abc.abstractmethod
    def list_runs(
        self, namespace: str, job_id: str, limit: int, cursor: str | None, unrecorded: Run | None = None
    ) -> Page[Run]:
        """Runs of one schedule, newest first; ``unrecorded`` is a run with no history item
        of its own (the schedule's last run), placed where it belongs."""


@dataclass(frozen=True)
class Occurrence:
    """One message to send: an occurrence of a schedule."""

    job_id: str
    scheduled_for: datetime
    payload: str
    delay_seconds: int = 0
    run_id: str | None = None  # a manual run's own id

    @property
    def occurrence_id(self) -> str:
        return occurrence_id(self.job_id, self.scheduled_for, self.run_id)

    @property
    def scheduled_for_text(self) -> str:
        return iso_seconds(self.scheduled_for)


@dataclass(frozen=True)
class SendOutcome:
    occurrence: Occurrence
    message_id: str | None = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.message_id is not None


class Sender(abc.ABC):
    """Sends occurrences to the queue, each as one message (SPEC section 4)."""

    # Whether a message can be held back until its time (SQS DelaySeconds); a FIFO
    # queue cannot, so its runs are sent when due rather than ahead of time.
    supports_delay: bool = True

    @abc.abstractmethod
    def send(self, occurrences: Sequence[Occurrence]) -> list[SendOutcome]:
        """One outcome per occurrence, in order. Never raises for a refused message."""
