"""The ports of the delivery stage: the schedules it reads and moves on, and its own queue."""

from __future__ import annotations

import abc
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from service.domain.runs import Run
from service.domain.schedule import Schedule
from service.services.handoff import HandOffItem

ScheduleRef = tuple[str, str]  # namespace, job id


class DeliveryStore(abc.ABC):
    @abc.abstractmethod
    def schedules(self, refs: Sequence[ScheduleRef]) -> dict[ScheduleRef, Schedule]:
        """The schedules at ``refs`` that exist, read consistently (one batched read). A
        payload kept apart is not read: the stage delivers the one its run carries."""

    @abc.abstractmethod
    def advance(self, schedule: Schedule, expected_version: int) -> bool:
        """Store the schedule's new run state if it is still at ``expected_version``; False
        if it changed or went meanwhile."""

    @abc.abstractmethod
    def add_runs(self, runs: Sequence[Run]) -> None:
        """Keep runs in their schedules' history (batched); a later record of a run wins."""

    @abc.abstractmethod
    def count(self, counts: Mapping[tuple[str, datetime], Counter[str]]) -> None:
        """Add ``counts`` (per namespace and hour: delivered, failed, missed, canceled, late)
        to the hourly figures."""

    @abc.abstractmethod
    def update_last_run(self, run: Run, now: datetime) -> bool:
        """Make ``run`` its schedule's last run if the last run is still that run (a manual
        run, queued when it was asked for); False if the schedule has moved on or gone."""


@dataclass(frozen=True)
class Received:
    """A message of the stage's queue, as the delivery function receives it."""

    message_id: str
    item: HandOffItem
    receipt_handle: str = ""
    receive_count: int = 1


class StageQueue(abc.ABC):
    """The stage's own queue, for the runs to try again later."""

    @abc.abstractmethod
    def retry_later(self, runs: Sequence[tuple[Received, timedelta]]) -> None:
        """Offer each received run again after its delay (the message stays on the queue)."""


class DeadLetters(abc.ABC):
    """Where a copy of a run given up on goes (the hand-off queue's dead-letter queue), for
    an alarm to see and an operator to inspect; the run itself is recorded ``failed``."""

    @abc.abstractmethod
    def keep(self, items: Sequence[HandOffItem]) -> None:
        """Keep a copy of each run's message; raises if any is refused."""
