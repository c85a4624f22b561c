"""The ports of delivery to targets: the run a target is given, what it made of it, the
senders of each kind of target, and where targets are stored."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from service.domain.runs import iso_seconds, occurrence_id
from service.domain.targets import Target


@dataclass(frozen=True)
class Delivery:
    """One run to deliver: an occurrence of a schedule, or a manual run (``run_id``)."""

    namespace: str
    job_id: str
    scheduled_for: datetime
    payload: str
    run_id: str | None = None  # a manual run's own id
    attempt: int = 1  # the how-manieth try of this run at its target

    @property
    def occurrence_id(self) -> str:
        return occurrence_id(self.job_id, self.scheduled_for, self.run_id)

    @property
    def scheduled_for_text(self) -> str:
        return iso_seconds(self.scheduled_for)


@dataclass(frozen=True)
class DeliveryOutcome:
    """What a target made of one run: accepted (at ``accepted_at``), or refused (``error``)."""

    delivery: Delivery
    accepted_at: datetime | None = None
    message_id: str | None = None  # the SQS message id
    status_code: int | None = None  # a webhook's HTTP status
    error: str | None = None
    retry_after: timedelta | None = None  # how long the target asked to wait (HTTP Retry-After)
    permanent: bool = False  # refused in a way no retry changes (a message SQS will never take)

    @property
    def accepted(self) -> bool:
        return self.error is None and self.accepted_at is not None


class TargetSender(abc.ABC):
    """Delivers runs to targets of one kind (SPEC section 4)."""

    @abc.abstractmethod
    def deliver(self, target: Target, deliveries: Sequence[Delivery]) -> list[DeliveryOutcome]:
        """One outcome per delivery, in order. Never raises for a refused delivery."""


class TargetStore(abc.ABC):
    """Where targets are kept."""

    @abc.abstractmethod
    def targets(self, namespace: str) -> list[Target]:
        """The namespace's stored targets; at most one of them is its default."""
