"""GraphQL ``deliveryStats``: the namespace's deliveries per hour, for the web UI's picture."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.types import Info

from service.entrypoints.graphql.errors import expected_failures
from service.entrypoints.presenters.delivery_stats import present_hour
from service.entrypoints.presenters.schedules import shown

if TYPE_CHECKING:
    from service.services.delivery_stats import DeliveryStatsService


@strawberry.type(description="The runs that ended in one hour.")
class DeliveryHour:
    start: str = strawberry.field(description="The hour's start, ISO-8601 UTC.")
    delivered: int
    failed: int
    missed: int
    canceled: int
    late: int = strawberry.field(description="Of the delivered, those more than a second after their time.")


@strawberry.type
class DeliveryStats:
    hours: list[DeliveryHour]


def delivery_stats(info: Info[Any, None], hours: int = 24) -> DeliveryStats:
    stats: DeliveryStatsService = info.context.stats
    with expected_failures():
        found = stats.last_hours(info.context.namespace, hours)
    return DeliveryStats(hours=[DeliveryHour(**shown(present_hour(h))) for h in found])
