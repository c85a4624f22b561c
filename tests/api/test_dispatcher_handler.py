"""The dispatcher's Lambda handler, invoked with a real EventBridge "Scheduled Event" and
with the events of its own fan-out children and continuations.

The handler is the function's own (``make_handler``), made from the dispatcher's bootstrap
on moto and the fake clock; invocations of itself go to a fake of the port.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest

from service.adapters.dynamo_due_store import DynamoDueStore
from service.adapters.lambda_fanout import fanout_event
from service.bootstrap.api import ApiContainer
from service.bootstrap.dispatcher import bootstrap_dispatcher
from service.config import Settings
from service.domain.schedule import ScheduleInput
from service.entrypoints.dispatch_handler import Handler, deadline_of, make_handler, tick_time
from service.entrypoints.local.stage_queue import LocalStageQueue
from service.services.invocations import InvocationError, Invocations
from tests.api.events import LambdaContext, scheduled_event
from tests.conftest import Aws
from tests.fakes import FakeClock


def context(remaining_ms: int = 60_000) -> LambdaContext:
    """A context whose remaining time stays at ``remaining_ms``."""
    return LambdaContext(function_name="scheduler-dispatcher", timeout_seconds=remaining_ms / 1000, clock=lambda: 0.0)


class StartedInvocations(Invocations):
    """Records the invocations a tick starts (fan-out children, continuations); refuses
    them all when told to, as a throttled Lambda would."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.children: list[tuple[datetime, list[str]]] = []
        self.continuations: list[tuple[datetime, list[str], int]] = []

    def start(self, now: datetime, shards: Sequence[str], continuation: int = 0) -> None:
        if self.refuse:
            raise InvocationError("TooManyRequestsException: Rate exceeded")
        if continuation:
            self.continuations.append((now, list(shards), continuation))
        else:
            self.children.append((now, list(shards)))


MakeHandler = Callable[..., Handler]


@pytest.fixture
def handler_of(
    aws: Aws, settings: Settings, dynamodb: Any, clock: FakeClock, stage_queue: LocalStageQueue
) -> MakeHandler:
    """A handler wired with ``invocations`` and the settings ``overrides``; what it hands off
    waits in ``stage_queue``."""

    def make(invocations: Invocations | None = None, **overrides: Any) -> Handler:
        wired = bootstrap_dispatcher(
            settings.model_copy(update=overrides),
            session=aws.session,
            dynamodb=dynamodb,
            handoff=stage_queue,
            invocations=invocations,
            clock=clock,
            sleep=lambda seconds: clock.advance(seconds=seconds),
        )
        return make_handler(wired)

    return make


def _due_in_five_minutes(container: ApiContainer, clock: FakeClock, count: int) -> datetime:
    at = clock() + timedelta(minutes=5)
    for i in range(count):
        container.schedules.create("default", ScheduleInput(payload=f"job {i}", run_at=at.isoformat()))
    return at


def _busy_shards(aws: Aws, until: datetime) -> list[str]:
    store = DynamoDueStore(aws.dynamodb, aws.table_name)
    return [shard for shard in store.shards() if store.has_due(shard, until)]


def _handed_off(stage_queue: LocalStageQueue) -> list[dict[str, Any]]:
    """Every run waiting in the delivery stage's queue, as its message."""
    return list(stage_queue.snapshot()["messages"])


def test_a_scheduled_event_hands_off_what_is_due_and_reports_it(
    aws: Aws,
    stage_queue: LocalStageQueue,
    container: ApiContainer,
    clock: FakeClock,
    handler_of: MakeHandler,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    tick = _due_in_five_minutes(container, clock, 1)
    clock.now = tick

    summary = handler_of()(scheduled_event(tick), context())

    assert summary["handedOff"] == 1
    (message,) = _handed_off(stage_queue)
    assert message["body"] == "job 0"
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    (metrics,) = [line for line in emitted if "_aws" in line]
    assert metrics["HandedOff"] in (1, [1])
    assert metrics["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Scheduler"
    (tick_line,) = [r for r in caplog.records if r.getMessage() == "tick"]
    assert tick_line.handedOff == 1  # type: ignore[attr-defined]


def test_a_late_invocation_uses_the_clock_not_the_older_event_time() -> None:
    clock_now = datetime.fromisoformat("2027-01-01T12:00:40+00:00")

    assert tick_time(scheduled_event(clock_now.replace(second=0)), clock_now) == clock_now
    later = clock_now.replace(minute=1, second=0)
    assert tick_time(scheduled_event(later), clock_now) == later


def test_the_deadline_leaves_a_reserve_of_the_invocations_remaining_time() -> None:
    now = datetime.fromisoformat("2027-01-01T12:00:00+00:00")

    assert deadline_of(context(), now) == now + timedelta(seconds=60) - timedelta(seconds=8)
    assert deadline_of(None, now) == now + timedelta(seconds=50) - timedelta(seconds=8)


def test_more_work_than_one_invocation_sends_fans_out_to_as_many_as_allowed(
    aws: Aws, container: ApiContainer, clock: FakeClock, handler_of: MakeHandler, stage_queue: LocalStageQueue
) -> None:
    started = StartedInvocations()
    # 24 due runs at 5 per invocation need 5 invocations: 3 are allowed.
    handler = handler_of(started, dispatch_invocations=3, dispatch_capacity=5)
    tick = _due_in_five_minutes(container, clock, 24)
    clock.now = tick

    root = handler(scheduled_event(tick), context())
    children = [handler(fanout_event(at, shards), context())["handedOff"] for at, shards in started.children]

    assert len(started.children) == 2
    assert all(count > 0 for count in children)
    assert root["handedOff"] + sum(children) == 24
    assert len(_handed_off(stage_queue)) == 24


def test_work_that_one_invocation_can_send_is_not_fanned_out(
    container: ApiContainer, clock: FakeClock, handler_of: MakeHandler
) -> None:
    started = StartedInvocations()
    handler = handler_of(started, dispatch_invocations=4)
    tick = _due_in_five_minutes(container, clock, 24)
    clock.now = tick

    root = handler(scheduled_event(tick), context())

    assert started.children == []
    assert root["handedOff"] == 24


def test_when_a_child_cannot_be_started_the_root_takes_its_shards_itself(
    container: ApiContainer, clock: FakeClock, handler_of: MakeHandler
) -> None:
    handler = handler_of(StartedInvocations(refuse=True), dispatch_invocations=4, dispatch_capacity=2)
    tick = _due_in_five_minutes(container, clock, 16)
    clock.now = tick

    summary = handler(scheduled_event(tick), context())

    assert summary["handedOff"] == 16


def test_an_event_time_ahead_of_the_clock_takes_no_lease_a_live_dispatcher_holds(
    aws: Aws, container: ApiContainer, clock: FakeClock, handler_of: MakeHandler, stage_queue: LocalStageQueue
) -> None:
    tick = _due_in_five_minutes(container, clock, 12)
    store = DynamoDueStore(aws.dynamodb, aws.table_name)
    busy = _busy_shards(aws, tick)
    for shard in busy:  # another dispatcher is working these shards right now
        assert store.lease(shard, "a-live-dispatcher", clock(), clock() + timedelta(seconds=15))

    # A manual invoke stamped five minutes ahead, with a two-second budget.
    summary = handler_of()(scheduled_event(tick), context(remaining_ms=10_000))

    assert summary["handedOff"] == 0 and summary["shardsLeased"] == 0
    # Each held shard was waited for until the budget ran out, or left to the next tick.
    assert summary["shardsBusy"] + len(summary["shardsLeft"]) == len(busy)
    assert _handed_off(stage_queue) == []
    for shard in busy:
        assert not store.renew(shard, "someone-else", clock())  # still the live one's
        assert store.renew(shard, "a-live-dispatcher", clock() + timedelta(seconds=15))


def test_an_invocation_that_stops_early_hands_the_shards_it_left_to_a_continuation_at_once(
    aws: Aws, container: ApiContainer, clock: FakeClock, handler_of: MakeHandler
) -> None:
    started = StartedInvocations()
    handler = handler_of(started)
    tick = _due_in_five_minutes(container, clock, 12)
    busy = _busy_shards(aws, tick)
    clock.now = tick

    # No time left past the deadline's reserve: the tick stops before its first page.
    root = handler(scheduled_event(tick), context(remaining_ms=8_000))
    (continuation,) = started.continuations
    continued = handler(fanout_event(*continuation), context())

    assert root["stoppedEarly"] is True and root["handedOff"] == 0
    assert root["shardsLeft"] == root["handedOver"] == busy
    assert continuation == (tick, busy, 1)
    assert continued["handedOff"] == 12 and continued["handedOver"] == []
    assert started.children == []  # one invocation per tick: no fan-out


def test_a_continuation_that_stops_early_hands_nothing_over(
    aws: Aws, container: ApiContainer, clock: FakeClock, handler_of: MakeHandler
) -> None:
    started = StartedInvocations()
    tick = _due_in_five_minutes(container, clock, 12)
    busy = _busy_shards(aws, tick)
    clock.now = tick

    summary = handler_of(started)(fanout_event(tick, busy, continuation=1), context(remaining_ms=8_000))

    assert summary["stoppedEarly"] is True and summary["shardsLeft"] == busy
    assert summary["handedOver"] == [] and started.continuations == []


def test_on_lambda_a_continuation_lambda_refuses_leaves_the_shards_to_the_next_tick(
    aws: Aws, container: ApiContainer, settings: Settings, clock: FakeClock, handler_of: MakeHandler
) -> None:
    # The function's own name, as Lambda sets it: the bootstrap wires the Lambda fan-out,
    # and moto's Lambda has no such function to invoke.
    handler = handler_of(function_name="scheduler-dispatcher")
    tick = _due_in_five_minutes(container, clock, 4)
    clock.now = tick

    summary = handler(scheduled_event(tick), context(remaining_ms=8_000))

    assert summary["stoppedEarly"] is True and summary["shardsLeft"]
    assert summary["handedOver"] == []
