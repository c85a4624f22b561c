"""The hand-off to the delivery stage: the port the dispatcher and the API give runs to.

A run handed off travels to the delivery function on an internal queue, timed to become
visible at its instant or up to one second before it (queue delays are whole seconds, and
a run must never reach its target early: the stage holds one that came early until its
second). The delivery function reads the run's schedule again at that second, so a run
whose schedule was deleted, paused or changed meanwhile is canceled, not delivered.

What travels with the run is what the stage needs to judge it: the schedule's revision
and pending run it was planned from, the trigger, and when it was handed off.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from service.domain.runs import RunTrigger
from service.services.target_ports import Delivery


@dataclass(frozen=True)
class HandOffItem:
    delivery: Delivery
    trigger: RunTrigger
    revision: int  # the schedule's revision it was planned from
    # The schedule's pending run (``run_at``) it was planned from: the occurrence itself, or
    # an earlier one the catch-up skips. None for a manual run, which is no occurrence of the rule.
    due_run_at: datetime | None
    handed_off_at: datetime
    # A run handed off again after its time (a webhook's retry, a redelivery) says when it
    # may be tried (its attempt is ``delivery.attempt``). Its schedule has dealt with it
    # already: it is delivered unless the schedule is gone, and it moves nothing.
    not_before: datetime | None = None
    # A retry's first attempt, from which its retry policy's maximum age runs.
    first_attempt_at: datetime | None = None

    @property
    def resent(self) -> bool:
        return self.not_before is not None

    @property
    def visible_at(self) -> datetime:
        """The instant the stage should take it: never before the run's time."""
        return max(self.delivery.scheduled_for, self.not_before or self.delivery.scheduled_for)


@dataclass(frozen=True)
class HandOffOutcome:
    item: HandOffItem
    error: str | None = None

    @property
    def handed_off(self) -> bool:
        return self.error is None


class HandOff(abc.ABC):
    """The delivery stage's queue (a standard SQS queue in the cloud, a timer locally)."""

    @abc.abstractmethod
    def hand_off(self, items: Sequence[HandOffItem]) -> list[HandOffOutcome]:
        """One outcome per item, in order. Never raises for a refused item."""
