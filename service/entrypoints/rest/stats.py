"""``GET /stats/deliveries``: the namespace's deliveries per hour, for the web UI's picture."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.domain.delivery_stats import MAX_HOURS
from service.entrypoints.dependencies import Namespace, Stats
from service.entrypoints.error_responses import error_responses
from service.entrypoints.offload import in_thread
from service.entrypoints.presenters.delivery_stats import present_hour
from service.entrypoints.rest.models import DeliveryHourPublic, DeliveryStatsPublic

router = APIRouter()

Hours = Annotated[int, Query(ge=1, le=MAX_HOURS, description=f"How many hours back, 1 to {MAX_HOURS}.")]


@router.get(
    "/stats/deliveries",
    response_model=DeliveryStatsPublic,
    responses=error_responses(401, 422, 429),
    tags=["stats"],
    description="The namespace's runs that ended, hour by hour, oldest first up to the current hour: delivered "
    "(and of those, late: more than a second after their time), failed, missed, canceled.",
)
async def delivery_stats(stats: Stats, namespace: Namespace, hours: Hours = 24) -> DeliveryStatsPublic:
    found = await in_thread(stats.last_hours, namespace, hours)
    return DeliveryStatsPublic(hours=[DeliveryHourPublic.present(present_hour(h)) for h in found])
