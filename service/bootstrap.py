"""The one place that builds the adapters and wires them into the use cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from service.adapters.dynamo_due_store import DynamoDueStore
from service.adapters.dynamo_keys import DynamoKeyStore
from service.adapters.dynamo_repository import DynamoScheduleRepository
from service.adapters.ids import new_id
from service.adapters.lambda_fanout import LambdaFanout
from service.adapters.sqs_sender import SqsSender
from service.config import Settings
from service.services.dispatch import Dispatcher, DispatchSettings
from service.services.keys import KeyService
from service.services.rate_limits import FailedCheckLimiter, RateLimiter
from service.services.schedules import ScheduleService

# botocore's "standard" mode retries throttling and connection errors with backoff.
AWS_CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 5},
    connect_timeout=3,
    read_timeout=10,
)


@dataclass(frozen=True)
class Container:
    settings: Settings
    schedules: ScheduleService
    dispatcher: Dispatcher
    fanout: LambdaFanout | None
    dynamodb: Any
    sqs: Any
    keys: KeyService
    rate_limiter: RateLimiter
    failed_checks: FailedCheckLimiter


def bootstrap(settings: Settings | None = None, session: boto3.Session | None = None) -> Container:
    settings = settings or Settings.from_env()
    session = session or boto3.Session()
    dynamodb = session.client("dynamodb", config=AWS_CLIENT_CONFIG)
    sqs = session.client("sqs", config=AWS_CLIENT_CONFIG)
    repository = DynamoScheduleRepository(dynamodb, settings.table_name, settings.run_retention)
    sender = SqsSender(sqs, settings.queue_url)
    schedules = ScheduleService(repository=repository, sender=sender, new_id=new_id, lookahead=settings.lookahead)
    dispatcher = Dispatcher(
        DynamoDueStore(dynamodb, settings.table_name, settings.run_retention),
        sender,
        DispatchSettings(catch_up=settings.catch_up, lookahead=settings.lookahead),
    )
    fanout = None
    if settings.function_name:  # on Lambda: continuations always, fan-out when configured
        fanout = LambdaFanout(session.client("lambda", config=AWS_CLIENT_CONFIG), settings.function_name)
    keys = KeyService(DynamoKeyStore(dynamodb, settings.table_name), cache_ttl=settings.key_cache)
    return Container(
        settings=settings,
        schedules=schedules,
        dispatcher=dispatcher,
        fanout=fanout,
        dynamodb=dynamodb,
        sqs=sqs,
        keys=keys,
        rate_limiter=RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst),
        failed_checks=FailedCheckLimiter(settings.failed_checks_per_minute, settings.failed_checks_burst),
    )


def key_service(table_name: str, session: boto3.Session | None = None) -> KeyService:
    """The API keys alone, for the command line: no queue needed."""
    dynamodb = (session or boto3.Session()).client("dynamodb", config=AWS_CLIENT_CONFIG)
    return KeyService(DynamoKeyStore(dynamodb, table_name))
