"""The delivery stage and a webhook that refuses: each attempt planned by the target's retry
policy and handed off again as a run of its own, the run shown queued with its attempts
while it retries, failed with a copy in the dead-letter queue once the policy gives up."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest

from service.domain.retry_policy import RetryPolicy
from service.domain.runs import Run, RunStatus
from service.domain.schedule import ScheduleInput
from tests.dispatch_fakes import START, World, dispatch_world
from tests.webhook_fakes import (
    SERVER_ERROR,
    TIMEOUT,
    FakeDeadLetters,
    Reply,
    ScriptedWebhookSender,
    too_many,
    webhook_target,
)

NS = "team-a"
RUN_AT = START + timedelta(minutes=10)
# The Standard Webhooks delays, halved: the world's jitter draws 0, the least equal jitter gives.
FIRST_DELAYS = [timedelta(seconds=2.5), timedelta(minutes=2.5), timedelta(minutes=15), timedelta(hours=1)]


@pytest.fixture
def world() -> World:
    world = dispatch_world()
    world.webhook_sender = ScriptedWebhookSender(world.clock)
    world.dead_letters = FakeDeadLetters()
    return world


def _sender(world: World) -> ScriptedWebhookSender:
    assert isinstance(world.webhook_sender, ScriptedWebhookSender)
    return world.webhook_sender


def _dead_letters(world: World) -> FakeDeadLetters:
    assert isinstance(world.dead_letters, FakeDeadLetters)
    return world.dead_letters


def _iso(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def _webhook_schedule(world: World, *replies: Reply, retry: RetryPolicy | None = None, **fields: object) -> str:
    world.targets.stored.append(webhook_target(NS, "billing", default=True, retry=retry))
    _sender(world).replies = list(replies)
    definition = ScheduleInput(**{"payload": '{"invoice": 7}', "run_at": _iso(RUN_AT), **fields})  # type: ignore[arg-type]
    job = world.api.create(NS, definition).job_id
    world.clock.set(RUN_AT - timedelta(seconds=40))
    world.tick()
    return job


def _runs(world: World, job: str) -> list[Run]:
    return sorted(world.repository.runs.get((NS, job), {}).values(), key=lambda r: r.scheduled_for)


def _last_run(world: World, job: str) -> Run:
    stored = world.repository.get(NS, job)
    assert stored is not None and stored.last_run is not None
    return stored.last_run


def test_a_webhook_answering_500_gets_its_next_attempt_from_the_retry_policy_and_shows_it(world: World) -> None:
    job = _webhook_schedule(world, SERVER_ERROR)

    world.deliver_until(RUN_AT + timedelta(seconds=1))

    run = _last_run(world, job)
    assert (run.status, run.attempts, run.last_error) == (RunStatus.QUEUED, 1, "HTTP 500")
    assert run.next_attempt_at == RUN_AT + FIRST_DELAYS[0]
    (retry,) = [received.item for _, received in world.waiting]
    assert (retry.delivery.attempt, retry.not_before, retry.delivery.occurrence_id) == (
        2,
        RUN_AT + FIRST_DELAYS[0],
        f"{job}/{_iso(RUN_AT)}",
    )


def test_retries_on_500_429_and_timeouts_follow_the_backoff_and_the_run_is_delivered_at_last(world: World) -> None:
    job = _webhook_schedule(world, SERVER_ERROR, too_many(timedelta(seconds=1)), TIMEOUT, SERVER_ERROR)

    world.deliver_until(RUN_AT + timedelta(hours=3))

    times = _sender(world).attempt_times
    assert [later - earlier for earlier, later in itertools.pairwise(times)] == FIRST_DELAYS
    run = _last_run(world, job)
    assert (run.status, run.attempts) == (RunStatus.DELIVERED, 5)
    assert run.recorded_at == times[-1]
    assert _dead_letters(world).kept == []


def test_a_retry_after_longer_than_the_backoff_is_honoured(world: World) -> None:
    job = _webhook_schedule(world, too_many(timedelta(minutes=10)))

    world.deliver_until(RUN_AT + timedelta(minutes=11))

    first, second = _sender(world).attempt_times
    assert second - first == timedelta(minutes=10)
    assert _last_run(world, job).status is RunStatus.DELIVERED


def test_after_the_last_attempt_the_run_is_failed_with_its_last_error_and_dead_lettered(world: World) -> None:
    job = _webhook_schedule(world, SERVER_ERROR, SERVER_ERROR, Reply(503), retry=RetryPolicy(max_attempts=3))

    world.deliver_until(RUN_AT + timedelta(hours=1))

    run = _last_run(world, job)
    assert (run.status, run.attempts, run.reason, run.last_error) == (RunStatus.FAILED, 3, "HTTP 503", "HTTP 503")
    (dead,) = _dead_letters(world).kept
    assert (dead.delivery.occurrence_id, dead.delivery.attempt) == (run.occurrence_id, 3)
    assert len(_sender(world).attempts) == 3
    assert world.waiting == []


def test_a_refusal_no_retry_changes_fails_the_run_at_once_with_a_dead_letter(world: World) -> None:
    job = _webhook_schedule(world, Reply(None, error="refused: resolves to 10.0.0.7", permanent=True))

    world.deliver_until(RUN_AT + timedelta(hours=1))

    run = _last_run(world, job)
    assert (run.status, run.attempts) == (RunStatus.FAILED, 1)
    assert len(_dead_letters(world).kept) == 1


def test_a_retry_hours_ahead_is_handed_off_again_until_its_time_never_received_twice(world: World) -> None:
    job = _webhook_schedule(world, too_many(timedelta(hours=2)))

    world.deliver_until(RUN_AT + timedelta(hours=1))
    # A message of its own for each wait of at most 15 minutes, received once.
    ((visible_at, waiting),) = world.waiting
    assert waiting.receive_count == 1 and visible_at - waiting.item.handed_off_at <= timedelta(minutes=15)
    world.deliver_until(RUN_AT + timedelta(hours=2, seconds=1))

    first, second = _sender(world).attempt_times
    assert second - first == timedelta(hours=2)
    assert _last_run(world, job).status is RunStatus.DELIVERED


def test_a_recurring_schedule_keeps_running_while_one_of_its_runs_retries(world: World) -> None:
    world.targets.stored.append(webhook_target(NS, "billing", default=True))
    _sender(world).replies = [SERVER_ERROR, SERVER_ERROR]
    world.clock.set(RUN_AT - timedelta(seconds=30))
    job = world.api.create(NS, ScheduleInput(payload="p", recurring="cron", cron="* * * * *")).job_id
    world.tick()

    world.deliver_until(RUN_AT + timedelta(minutes=3, seconds=1))

    runs = {r.scheduled_for - RUN_AT: (r.status, r.attempts) for r in _runs(world, job)}
    assert runs[timedelta(0)] == (RunStatus.DELIVERED, 3)  # at RUN_AT + 2.5 s + 150 s
    assert runs[timedelta(minutes=1)] == runs[timedelta(minutes=2)] == (RunStatus.DELIVERED, None)


def test_a_retry_of_a_schedule_deleted_meanwhile_is_not_delivered(world: World) -> None:
    job = _webhook_schedule(world, SERVER_ERROR)
    world.deliver_until(RUN_AT + timedelta(seconds=1))

    world.api.delete(NS, job)
    world.deliver_until(RUN_AT + timedelta(minutes=1))

    assert len(_sender(world).attempts) == 1


def test_a_retried_run_is_no_measure_of_the_stage_s_lateness(world: World) -> None:
    _webhook_schedule(world, SERVER_ERROR)
    world.deliver_until(RUN_AT + timedelta(seconds=1))
    world.clock.set(RUN_AT + FIRST_DELAYS[0])

    result = world.deliver_due()

    assert (result.report.delivered, result.report.lateness_ms) == (1, [])
