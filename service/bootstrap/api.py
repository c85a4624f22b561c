"""The API function's wiring: schedules, targets, API keys and the request limiters."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3

from service.adapters.dynamo_keys import DynamoKeyStore
from service.adapters.dynamo_repository import DynamoScheduleRepository
from service.adapters.dynamo_runs import DynamoRunStore
from service.adapters.dynamo_stats import DynamoHourlyCounts
from service.adapters.dynamo_targets import DynamoTargetStore
from service.adapters.ids import new_id as new_job_id
from service.adapters.webhook_addresses import ResolvedAddressCheck
from service.adapters.webhook_sender import Resolver, WebhookSender, system_resolver
from service.bootstrap.aws import client_factory, sqs_handoff
from service.config import Settings
from service.services.backfill import BackfillService
from service.services.delivery_stats import DeliveryStatsService
from service.services.handoff import HandOff
from service.services.keys import KeyService
from service.services.ports import ScheduleRepository
from service.services.rate_limits import FailedCheckLimiter, RateLimiter
from service.services.redelivery import Redelivery
from service.services.schedules import ScheduleService, utc_now
from service.services.targets import TargetDirectory
from service.services.webhook_targets import WebhookTargets


@dataclass(frozen=True)
class ApiContainer:
    settings: Settings
    schedules: ScheduleService
    targets: TargetDirectory
    backfill: BackfillService
    stats: DeliveryStatsService
    webhooks: WebhookTargets
    redeliveries: Redelivery
    keys: KeyService
    rate_limiter: RateLimiter
    failed_checks: FailedCheckLimiter


def bootstrap_api(
    settings: Settings | None = None,
    *,
    session: boto3.Session | None = None,
    dynamodb: Any = None,
    sqs: Any = None,
    repository: ScheduleRepository | None = None,
    handoff: HandOff | None = None,
    targets: TargetDirectory | None = None,
    clock: Callable[[], datetime] = utc_now,
    monotonic: Callable[[], float] = time.monotonic,
    new_id: Callable[[], str] = new_job_id,
    resolver: Resolver = system_resolver,
) -> ApiContainer:
    """The API's use cases. Clients not given come from ``session`` (one default session
    of boto3's for all of them); ``clock`` is the wall clock of the use cases,
    ``monotonic`` the limiters' and the target directory's clock; ``resolver`` resolves a
    webhook's host at its registration."""
    settings = settings or Settings.from_env()
    client = client_factory(session)
    if dynamodb is None:
        dynamodb = client("dynamodb")
    if repository is None:
        repository = DynamoScheduleRepository(dynamodb, settings.table_name, settings.run_retention)
    if handoff is None:
        handoff = sqs_handoff(settings, sqs if sqs is not None else client("sqs"), clock)
    registry = DynamoTargetStore(dynamodb, settings.table_name)
    if targets is None:
        targets = TargetDirectory(registry, settings.queue_url, monotonic=monotonic)
    loopback = settings.webhook_allow_loopback
    addresses = ResolvedAddressCheck(WebhookSender(allow_loopback=loopback, resolver=resolver))
    return ApiContainer(
        settings=settings,
        schedules=ScheduleService(
            repository=repository,
            handoff=handoff,
            new_id=new_id,
            clock=clock,
            lookahead=settings.lookahead,
            targets=targets,
        ),
        targets=targets,
        backfill=BackfillService(repository, handoff, clock),
        stats=DeliveryStatsService(DynamoHourlyCounts(dynamodb, settings.table_name), clock),
        webhooks=WebhookTargets(registry, targets, addresses, allow_loopback=loopback, clock=clock),
        redeliveries=Redelivery(
            repository, DynamoRunStore(dynamodb, settings.table_name, settings.run_retention), handoff, clock
        ),
        keys=KeyService(DynamoKeyStore(dynamodb, settings.table_name), clock=clock, cache_ttl=settings.key_cache),
        rate_limiter=RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst, clock=monotonic),
        failed_checks=FailedCheckLimiter(settings.failed_checks_per_minute, settings.failed_checks_burst, monotonic),
    )
