"""FastAPI dependencies shared by REST and GraphQL."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.domain.keys import Principal, Unauthorized
from service.entrypoints.auth import require_principal
from service.services.backfill import BackfillService
from service.services.delivery_stats import DeliveryStatsService
from service.services.redelivery import Redelivery
from service.services.schedules import ScheduleService
from service.services.targets import TargetDirectory
from service.services.webhook_targets import WebhookTargets


def get_schedules(request: Request) -> ScheduleService:
    service: ScheduleService = request.app.state.container.schedules
    return service


def get_backfill(request: Request) -> BackfillService:
    service: BackfillService = request.app.state.container.backfill
    return service


def get_stats(request: Request) -> DeliveryStatsService:
    service: DeliveryStatsService = request.app.state.container.stats
    return service


def get_targets(request: Request) -> TargetDirectory:
    directory: TargetDirectory = request.app.state.container.targets
    return directory


def get_webhooks(request: Request) -> WebhookTargets:
    webhooks: WebhookTargets = request.app.state.container.webhooks
    return webhooks


def get_redeliveries(request: Request) -> Redelivery:
    redeliveries: Redelivery = request.app.state.container.redeliveries
    return redeliveries


def get_namespace(principal: Annotated[Principal | None, Depends(require_principal)]) -> str:
    """The caller's namespace, the one its API key opens: every record read or written belongs to it."""
    if principal is None:  # only an open route could get here, and open routes hold no data
        raise Unauthorized.missing()
    return principal.namespace


Schedules = Annotated[ScheduleService, Depends(get_schedules)]
Targets = Annotated[TargetDirectory, Depends(get_targets)]
Backfills = Annotated[BackfillService, Depends(get_backfill)]
Stats = Annotated[DeliveryStatsService, Depends(get_stats)]
Webhooks = Annotated[WebhookTargets, Depends(get_webhooks)]
Redeliveries = Annotated[Redelivery, Depends(get_redeliveries)]
Namespace = Annotated[str, Depends(get_namespace)]
