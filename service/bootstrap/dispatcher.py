"""The dispatcher function's wiring: the due store, the hand-off, the dispatcher and its fan-out."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3

from service.adapters.dynamo_due_store import DynamoDueStore
from service.adapters.lambda_fanout import LambdaFanout
from service.bootstrap.aws import client_factory, sqs_handoff
from service.config import Settings
from service.services.dispatch import Dispatcher, DispatchSettings, utc_now
from service.services.due_store import DueStore
from service.services.fan_out import FanOut
from service.services.handoff import HandOff
from service.services.invocations import Invocations


@dataclass(frozen=True)
class DispatcherContainer:
    settings: Settings
    dispatcher: Dispatcher
    fan_out: FanOut
    clock: Callable[[], datetime]


def dispatch_settings(settings: Settings, **tuning: Any) -> DispatchSettings:
    """The dispatcher's tuning: the catch-up window and lookahead are the service's settings,
    the rest (leases, pools, retries) the dispatcher's own, unless ``tuning`` says otherwise."""
    return DispatchSettings(catch_up=settings.catch_up, lookahead=settings.lookahead, **tuning)


def bootstrap_dispatcher(
    settings: Settings | None = None,
    *,
    session: boto3.Session | None = None,
    dynamodb: Any = None,
    sqs: Any = None,
    store: DueStore | None = None,
    handoff: HandOff | None = None,
    invocations: Invocations | None = None,
    clock: Callable[[], datetime] = utc_now,
    sleep: Callable[[float], None] = time.sleep,
    tuning: Mapping[str, Any] | None = None,
) -> DispatcherContainer:
    """The dispatcher. Clients not given come from ``session`` (one default session of
    boto3's for all of them); the hand-off goes to ``SCHEDULER_HANDOFF_QUEUE_URL`` unless
    ``handoff`` is given. On Lambda (``AWS_LAMBDA_FUNCTION_NAME`` set) it may start
    invocations of itself unless ``invocations`` says how; elsewhere only through
    ``invocations``."""
    settings = settings or Settings.from_env()
    client = client_factory(session)
    if store is None:
        store = DynamoDueStore(
            dynamodb if dynamodb is not None else client("dynamodb"),
            settings.table_name,
            settings.run_retention,
        )
    if handoff is None:
        handoff = sqs_handoff(settings, sqs if sqs is not None else client("sqs"), clock)
    if invocations is None and settings.function_name:
        invocations = LambdaFanout(client("lambda"), settings.function_name)
    dispatcher = Dispatcher(store, handoff, dispatch_settings(settings, **(tuning or {})), clock=clock, sleep=sleep)
    fan_out = FanOut(
        dispatcher, invocations, max_invocations=settings.dispatch_invocations, capacity=settings.dispatch_capacity
    )
    return DispatcherContainer(settings=settings, dispatcher=dispatcher, fan_out=fan_out, clock=clock)
