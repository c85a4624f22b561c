"""The public shape of an hour of deliveries, for REST and GraphQL."""

from __future__ import annotations

from dataclasses import dataclass

from service.domain.delivery_stats import DeliveryHour
from service.domain.runs import iso_seconds


@dataclass(frozen=True)
class DeliveryHourShape:
    start: str
    delivered: int
    failed: int
    missed: int
    canceled: int
    late: int


def present_hour(hour: DeliveryHour) -> DeliveryHourShape:
    return DeliveryHourShape(
        start=iso_seconds(hour.start),
        delivered=hour.delivered,
        failed=hour.failed,
        missed=hour.missed,
        canceled=hour.canceled,
        late=hour.late,
    )
