"""A namespace's deliveries per hour over the last hours (``service.domain.delivery_stats``)."""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from service.domain.delivery_stats import MAX_HOURS, DeliveryHour, hour_of, hours_ending
from service.domain.errors import ValidationFailed


class HourlyCounts(abc.ABC):
    @abc.abstractmethod
    def hours(self, namespace: str, start: datetime, end: datetime) -> dict[datetime, DeliveryHour]:
        """The counted hours of ``namespace`` from ``start`` to ``end`` (hour starts, included)."""


@dataclass
class DeliveryStatsService:
    counts: HourlyCounts
    clock: Callable[[], datetime]

    def last_hours(self, namespace: str, hours: int = 24) -> list[DeliveryHour]:
        """One entry per hour up to the current one, oldest first."""
        if not 1 <= hours <= MAX_HOURS:
            raise ValidationFailed.single("hours", f"must be between 1 and {MAX_HOURS}, got {hours}")
        end = hour_of(self.clock())
        found = self.counts.hours(namespace, end - timedelta(hours=hours - 1), end)
        return hours_ending(end, hours, found)
