"""The delivery function's wiring: the stage, its store, the targets and their senders."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3

from service.adapters.dynamo_delivery_store import DynamoDeliveryStore
from service.adapters.sqs_handoff import SqsDeadLetters
from service.adapters.sqs_stage_queue import SqsStageQueue
from service.adapters.sqs_target_sender import SqsTargetSender
from service.adapters.webhook_sender import WebhookSender
from service.bootstrap.aws import client_factory, sqs_handoff
from service.bootstrap.targets import target_directory
from service.config import ConfigError, Settings
from service.domain.targets import TargetKind
from service.services.delivery import DeliverySettings, DeliveryStage, utc_now
from service.services.delivery_ports import DeadLetters, DeliveryStore, StageQueue
from service.services.handoff import HandOff
from service.services.target_ports import TargetSender
from service.services.targets import TargetDirectory


@dataclass(frozen=True)
class DeliveryContainer:
    settings: Settings
    stage: DeliveryStage
    queue: StageQueue
    senders: Mapping[TargetKind, TargetSender]
    clock: Callable[[], datetime]


def bootstrap_delivery(
    settings: Settings | None = None,
    *,
    session: boto3.Session | None = None,
    dynamodb: Any = None,
    sqs: Any = None,
    store: DeliveryStore | None = None,
    targets: TargetDirectory | None = None,
    senders: Mapping[TargetKind, TargetSender] | None = None,
    queue: StageQueue | None = None,
    handoff: HandOff | None = None,
    dead_letters: DeadLetters | None = None,
    clock: Callable[[], datetime] = utc_now,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryContainer:
    """The delivery stage. Clients not given come from ``session`` (one default session of
    boto3's for both); the
    stage's own queue is ``SCHEDULER_HANDOFF_QUEUE_URL`` unless ``queue`` is given (the
    local stack's in-process queue), which also takes the next runs it hands off itself
    unless ``handoff`` says otherwise. Webhooks are delivered by ``WebhookSender``, to
    loopback too where ``SCHEDULER_WEBHOOK_ALLOW_LOOPBACK`` is on (the local stack); a copy of
    a webhook run given up on goes to ``SCHEDULER_HANDOFF_DEAD_LETTER_QUEUE_URL`` if set."""
    settings = settings or Settings.from_env()
    client = client_factory(session)
    if dynamodb is None and (store is None or targets is None):
        dynamodb = client("dynamodb")
    if sqs is None and (senders is None or queue is None or handoff is None or dead_letters is None):
        sqs = client("sqs")
    if store is None:
        store = DynamoDeliveryStore(dynamodb, settings.table_name, settings.run_retention)
    if targets is None:
        targets = target_directory(settings, dynamodb)
    if senders is None:
        senders = {
            TargetKind.SQS: SqsTargetSender.over(sqs, clock),
            TargetKind.WEBHOOK: WebhookSender(allow_loopback=settings.webhook_allow_loopback, clock=clock),
        }
    if dead_letters is None and settings.handoff_dead_letter_queue_url:
        dead_letters = SqsDeadLetters.over(sqs, settings.handoff_dead_letter_queue_url, clock)
    if queue is None:
        if not settings.handoff_queue_url:
            raise ConfigError([(Settings.variable("handoff_queue_url"), "must be set")])
        queue = SqsStageQueue(sqs, settings.handoff_queue_url)
    if handoff is None:
        handoff = queue if isinstance(queue, HandOff) else sqs_handoff(settings, sqs, clock)
    tuning = DeliverySettings(catch_up=settings.catch_up, lookahead=settings.lookahead)
    stage = DeliveryStage(
        store, targets, senders, tuning, handoff=handoff, dead_letters=dead_letters, clock=clock, sleep=sleep
    )
    return DeliveryContainer(settings=settings, stage=stage, queue=queue, senders=senders, clock=clock)
