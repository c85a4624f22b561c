"""The delivery function and a webhook on loopback, on moto: a run POSTed signed, verified
with the standardwebhooks package as a receiver would; retries on 500, 429 and timeouts at
the times the target's retry policy plans; the last attempt failed, its message in the
hand-off dead-letter queue; a failed run redelivered."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from standardwebhooks import Webhook

from service.adapters.dynamo_targets import DynamoTargetStore
from service.adapters.sqs_target_sender import SqsTargetSender
from service.adapters.webhook_sender import WebhookSender
from service.bootstrap.api import ApiContainer, bootstrap_api
from service.bootstrap.delivery import bootstrap_delivery
from service.config import Settings
from service.domain.retry_policy import RetryPolicy
from service.domain.runs import Run, RunStatus
from service.domain.schedule import ScheduleInput
from service.domain.targets import Target, TargetKind
from service.domain.webhook_urls import check_webhook_url
from service.domain.webhooks import WebhookConfig, new_secret
from service.entrypoints.local.stage_queue import LocalStageQueue
from tests.conftest import NOW, Aws, Stage, received, resolve_for_tests
from tests.fakes import FakeClock
from tests.webhook_receiver import Answer, Receiver, receiver

NS = "team-a"
RUN_AT = NOW + timedelta(seconds=30)


@pytest.fixture
def dead_letter_url(aws: Aws) -> str:
    url: str = aws.sqs.create_queue(QueueName="scheduler-test-handoff-dlq")["QueueUrl"]
    return url


@pytest.fixture
def settings(aws: Aws, dead_letter_url: str) -> Settings:
    return Settings.model_validate(
        {
            "table_name": aws.table_name,
            "queue_url": aws.queue_url,
            "handoff_dead_letter_queue_url": dead_letter_url,
            "webhook_allow_loopback": True,  # as on the local stack
        }
    )


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver(Answer(204)) as listening:
        yield listening


@pytest.fixture
def secret() -> str:
    return new_secret()


def _register(aws: Aws, hook: Receiver, secret: str, retry: RetryPolicy | None = None) -> None:
    config = WebhookConfig(secret=secret, timeout_seconds=1, retry=retry or RetryPolicy())
    target = Target(NS, "billing", TargetKind.WEBHOOK, hook.url(), default=True, created_at=NOW, webhook=config)
    DynamoTargetStore(aws.dynamodb, aws.table_name).add(target)


@pytest.fixture
def api(aws: Aws, settings: Settings, dynamodb: Any, clock: FakeClock, stage_queue: LocalStageQueue) -> ApiContainer:
    return bootstrap_api(
        settings, session=aws.session, dynamodb=dynamodb, clock=clock, handoff=stage_queue, resolver=resolve_for_tests
    )


@pytest.fixture
def webhook_stage(aws: Aws, settings: Settings, dynamodb: Any, clock: FakeClock, stage_queue: LocalStageQueue) -> Stage:
    """The delivery function's own wiring, but for the webhook sender's clock: a receiver
    checks the signature's timestamp against its real clock."""
    senders = {
        TargetKind.SQS: SqsTargetSender.over(aws.sqs, clock),
        TargetKind.WEBHOOK: WebhookSender(allow_loopback=True),
    }
    container = bootstrap_delivery(
        settings,
        session=aws.session,
        dynamodb=dynamodb,
        queue=stage_queue,
        senders=senders,
        clock=clock,
        sleep=lambda s: clock.advance(seconds=s),
    )
    return Stage(container, stage_queue)


def _schedule(api: ApiContainer, clock: FakeClock) -> str:
    clock.set(NOW)
    return api.schedules.create(NS, ScheduleInput(payload='{"invoice": 7}', run_at="2027-01-04T12:00:30Z")).job_id


def _last_run(api: ApiContainer, job: str) -> Run:
    schedule = api.schedules.get(NS, job)
    assert schedule.last_run is not None
    return schedule.last_run


def _attempt(stage: Stage, clock: FakeClock, at: datetime) -> None:
    clock.set(at)
    stage.deliver()


def test_a_run_reaches_the_webhook_signed_and_standardwebhooks_verifies_it(
    aws: Aws, api: ApiContainer, webhook_stage: Stage, clock: FakeClock, hook: Receiver, secret: str
) -> None:
    _register(aws, hook, secret)
    job = _schedule(api, clock)

    _attempt(webhook_stage, clock, RUN_AT)

    (request,) = hook.requests
    verified = Webhook(secret).verify(request.body, request.headers)
    assert verified == {"invoice": 7}
    assert request.headers["webhook-id"] == f"{job}/2027-01-04T12:00:30Z"
    assert (request.headers["scheduler-job-id"], request.headers["scheduler-namespace"]) == (job, NS)
    run = _last_run(api, job)
    assert (run.status, run.lateness_ms) == (RunStatus.DELIVERED, 0)


def test_retries_on_500_429_and_a_timeout_wait_as_the_policy_says_then_deliver(
    aws: Aws, api: ApiContainer, webhook_stage: Stage, clock: FakeClock, hook: Receiver, secret: str
) -> None:
    _register(aws, hook, secret)
    job = _schedule(api, clock)
    errors, waits = [], []

    at = RUN_AT
    for answer in (Answer(500), Answer(429, headers={"Retry-After": "600"}), Answer(204, delay=2)):
        hook.answer = answer
        _attempt(webhook_stage, clock, at)
        run = _last_run(api, job)
        assert run.status is RunStatus.QUEUED and run.next_attempt_at is not None
        errors.append(run.last_error)
        waits.append(run.next_attempt_at - clock())
        at = run.next_attempt_at
    hook.answer = Answer(204)
    _attempt(webhook_stage, clock, at)

    assert errors[:2] == ["HTTP 500", "HTTP 429"] and "1" in (errors[2] or "")
    # Equal jitter: 5 s then 5 min, each between half and all of it; the 429 asked for 10 min.
    assert timedelta(seconds=2.5) <= waits[0] <= timedelta(seconds=5)
    assert waits[1] >= timedelta(minutes=10)
    assert timedelta(minutes=15) <= waits[2] <= timedelta(minutes=30)
    assert len(hook.requests) == 4
    assert {r.headers["webhook-id"] for r in hook.requests} == {f"{job}/2027-01-04T12:00:30Z"}
    run = _last_run(api, job)
    assert (run.status, run.attempts) == (RunStatus.DELIVERED, 4)


def test_after_the_last_attempt_the_run_is_failed_and_its_message_in_the_dead_letter_queue(
    aws: Aws,
    api: ApiContainer,
    webhook_stage: Stage,
    clock: FakeClock,
    hook: Receiver,
    secret: str,
    dead_letter_url: str,
) -> None:
    _register(aws, hook, secret, RetryPolicy(max_attempts=2))
    hook.answer = Answer(503)
    job = _schedule(api, clock)

    _attempt(webhook_stage, clock, RUN_AT)
    _attempt(webhook_stage, clock, _last_run(api, job).next_attempt_at or RUN_AT)

    run = _last_run(api, job)
    assert (run.status, run.attempts, run.last_error) == (RunStatus.FAILED, 2, "HTTP 503")
    (dead,) = received(aws, dead_letter_url)
    assert dead["Body"] == '{"invoice": 7}'
    assert dead["MessageAttributes"]["occurrenceId"]["StringValue"] == run.occurrence_id
    assert json.loads(dead["MessageAttributes"]["handoff"]["StringValue"])["attempt"] == 2
    assert [r.occurrence_id for r in api.schedules.runs(NS, job, status=RunStatus.FAILED).items] == [run.occurrence_id]


def test_a_failed_run_redelivered_reaches_the_webhook_again_with_the_same_occurrence_id(
    aws: Aws, api: ApiContainer, webhook_stage: Stage, clock: FakeClock, hook: Receiver, secret: str
) -> None:
    _register(aws, hook, secret, RetryPolicy(max_attempts=1))
    hook.answer = Answer(500)
    job = _schedule(api, clock)
    _attempt(webhook_stage, clock, RUN_AT)
    failed = _last_run(api, job)
    assert failed.status is RunStatus.FAILED

    hook.answer = Answer(204)
    clock.advance(hours=1)
    queued = api.redeliveries.redeliver(NS, job, failed.occurrence_id)
    assert _last_run(api, job).status is RunStatus.QUEUED
    webhook_stage.deliver()

    assert queued.occurrence_id == failed.occurrence_id
    assert [r.headers["webhook-id"] for r in hook.requests] == [failed.occurrence_id] * 2
    run = _last_run(api, job)
    assert (run.status, run.attempts) == (RunStatus.DELIVERED, 1)
    assert api.schedules.runs(NS, job, status=RunStatus.FAILED).items == []


def test_a_webhook_whose_host_resolves_to_a_private_address_at_delivery_is_failed_at_once(
    aws: Aws, api: ApiContainer, webhook_stage: Stage, clock: FakeClock, secret: str, dead_letter_url: str
) -> None:
    config = WebhookConfig(secret=secret)
    target = Target(NS, "billing", TargetKind.WEBHOOK, "https://10.0.0.7/hook", default=True, webhook=config)
    DynamoTargetStore(aws.dynamodb, aws.table_name).add(target)  # as if stored before the rules changed
    job = _schedule(api, clock)

    _attempt(webhook_stage, clock, RUN_AT)

    run = _last_run(api, job)
    assert run.status is RunStatus.FAILED and "10.0.0.7" in (run.reason or "")
    assert len(received(aws, dead_letter_url)) == 1


def test_the_delivery_function_delivers_webhooks_by_its_own_wiring(settings: Settings, aws: Aws) -> None:
    container = bootstrap_delivery(settings, session=aws.session, queue=LocalStageQueue())

    sender = container.senders[TargetKind.WEBHOOK]

    assert isinstance(sender, WebhookSender)
    # "localhost" resolves to loopback, which only the local stack's setting lets through.
    assert "127.0.0.1" in sender.addresses(check_webhook_url("http://localhost:9/hook", allow_loopback=True))
