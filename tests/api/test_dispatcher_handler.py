"""The dispatcher's Lambda handler, invoked with a real EventBridge "Scheduled Event"."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import ModuleType

import pytest
from botocore.exceptions import ClientError

from service.adapters.dynamo_due_store import DynamoDueStore
from service.adapters.lambda_fanout import fanout_event
from service.domain.schedule import ScheduleInput
from service.services.shard_groups import split_shards
from tests.api.events import scheduled_event
from tests.conftest import Aws


class LambdaContext:
    function_name = "scheduler-dispatcher"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:scheduler-dispatcher"
    aws_request_id = "6f1d2c7e-0000-4000-8000-000000000000"

    def __init__(self, remaining_ms: int = 60_000) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def load_handler_module(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The handler module as Lambda loads it: configured by its environment at import."""
    monkeypatch.setenv("SCHEDULER_TABLE_NAME", aws.table_name)
    monkeypatch.setenv("SCHEDULER_QUEUE_URL", aws.queue_url)
    sys.modules.pop("service.entrypoints.lambda_dispatcher", None)
    return importlib.import_module("service.entrypoints.lambda_dispatcher")


@pytest.fixture
def lambda_dispatcher(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    yield load_handler_module(aws, monkeypatch)
    sys.modules.pop("service.entrypoints.lambda_dispatcher", None)


def test_a_scheduled_event_delivers_what_is_due_and_reports_it(
    aws: Aws, lambda_dispatcher: ModuleType, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    created = lambda_dispatcher.container.schedules.create(
        "default", ScheduleInput(payload="tick", run_at=(now + timedelta(minutes=5)).isoformat())
    )

    summary = lambda_dispatcher.handler(scheduled_event(now + timedelta(minutes=5)), LambdaContext())

    assert summary["delivered"] == 1
    (message,) = aws.sqs.receive_message(QueueUrl=aws.queue_url, MessageAttributeNames=["All"])["Messages"]
    assert message["Body"] == "tick"
    assert message["MessageAttributes"]["jobId"]["StringValue"] == created.job_id
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    (metrics,) = [line for line in emitted if "_aws" in line]
    assert metrics["Delivered"] in (1, [1])
    assert metrics["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Scheduler"
    (tick_line,) = [r for r in caplog.records if r.getMessage() == "tick"]
    assert tick_line.delivered == 1  # type: ignore[attr-defined]


def test_a_late_invocation_uses_the_clock_not_the_older_event_time(lambda_dispatcher: ModuleType) -> None:
    tick_time = lambda_dispatcher.tick_time
    clock_now = datetime(2027, 1, 1, 12, 0, 40, tzinfo=UTC)

    assert tick_time(scheduled_event(datetime(2027, 1, 1, 12, 0, tzinfo=UTC)), clock_now) == clock_now
    assert tick_time(scheduled_event(datetime(2027, 1, 1, 12, 1, tzinfo=UTC)), clock_now) == datetime(
        2027, 1, 1, 12, 1, tzinfo=UTC
    )


class StartedChildren:
    """Records the invocations a tick starts (fan-out children, continuations), instead of
    invoking Lambda."""

    def __init__(self) -> None:
        self.started: list[tuple[datetime, list[str]]] = []
        self.continuations: list[tuple[datetime, list[str], int]] = []

    def start(self, now: datetime, shards: list[str], continuation: int = 0) -> None:
        if continuation:
            self.continuations.append((now, list(shards), continuation))
        else:
            self.started.append((now, list(shards)))


def test_more_work_than_one_invocation_sends_fans_out_to_as_many_as_allowed(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEDULER_DISPATCH_INVOCATIONS", "3")
    monkeypatch.setenv("SCHEDULER_DISPATCH_CAPACITY", "5")  # 24 due runs need 5 invocations: 3 allowed
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "scheduler-dispatcher")
    module = load_handler_module(aws, monkeypatch)
    assert module.container.fanout is not None  # a real Lambda fan-out when configured
    children = StartedChildren()
    monkeypatch.setattr(module, "container", replace(module.container, fanout=children))
    now = datetime.now(UTC).replace(microsecond=0)
    jobs = {
        module.container.schedules.create(
            "default", ScheduleInput(payload=f"job {i}", run_at=(now + timedelta(minutes=5)).isoformat())
        ).job_id
        for i in range(24)
    }
    tick = now + timedelta(minutes=5)

    root = module.handler(scheduled_event(tick), LambdaContext())
    children_delivered = [
        module.handler(fanout_event(at, shards), LambdaContext())["delivered"] for at, shards in children.started
    ]

    assert len(children.started) == 2
    assert all(count > 0 for count in children_delivered)
    assert root["delivered"] + sum(children_delivered) == len(jobs)
    received = []
    while batch := aws.sqs.receive_message(QueueUrl=aws.queue_url, MaxNumberOfMessages=10).get("Messages", []):
        received.extend(batch)
    assert len(received) == len(jobs)
    sys.modules.pop("service.entrypoints.lambda_dispatcher", None)


def test_work_that_one_invocation_can_send_is_not_fanned_out(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEDULER_DISPATCH_INVOCATIONS", "4")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "scheduler-dispatcher")
    module = load_handler_module(aws, monkeypatch)
    children = StartedChildren()
    monkeypatch.setattr(module, "container", replace(module.container, fanout=children))
    now = datetime.now(UTC).replace(microsecond=0)
    for i in range(24):
        module.container.schedules.create(
            "default", ScheduleInput(payload=f"job {i}", run_at=(now + timedelta(minutes=5)).isoformat())
        )

    root = module.handler(scheduled_event(now + timedelta(minutes=5)), LambdaContext())

    assert children.started == []
    assert root["delivered"] == 24
    sys.modules.pop("service.entrypoints.lambda_dispatcher", None)


def test_shards_are_grouped_by_their_work_into_as_few_invocations_as_it_needs() -> None:
    workload = {"00": 9_000, "03": 2_000, "04": 6_000, "07": 1_000, "01": 5_000}

    assert split_shards(workload, capacity=10_000, max_invocations=8) == [["00"], ["04", "07"], ["01", "03"]]
    assert split_shards(workload, capacity=10_000, max_invocations=2) == [["00", "03", "07"], ["04", "01"]]
    assert split_shards(workload, capacity=50_000, max_invocations=8) == [["00", "04", "01", "03", "07"]]
    assert split_shards({"05": 1}, capacity=1, max_invocations=4) == [["05"]]
    assert split_shards({}, capacity=10, max_invocations=4) == []


class RefusingChildren:
    def start(self, now: datetime, shards: list[str]) -> None:
        raise ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "Rate exceeded"}}, "Invoke")


def test_when_a_child_cannot_be_started_the_root_takes_its_shards_itself(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEDULER_DISPATCH_INVOCATIONS", "4")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "scheduler-dispatcher")
    module = load_handler_module(aws, monkeypatch)
    monkeypatch.setattr(module, "container", replace(module.container, fanout=RefusingChildren()))
    now = datetime.now(UTC).replace(microsecond=0)
    for i in range(16):
        module.container.schedules.create(
            "default", ScheduleInput(payload=f"job {i}", run_at=(now + timedelta(minutes=5)).isoformat())
        )

    summary = module.handler(scheduled_event(now + timedelta(minutes=5)), LambdaContext())

    assert summary["delivered"] == 16
    sys.modules.pop("service.entrypoints.lambda_dispatcher", None)


def test_the_deadline_leaves_a_reserve_of_the_invocations_remaining_time(lambda_dispatcher: ModuleType) -> None:
    now = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)

    assert lambda_dispatcher.deadline_of(LambdaContext(), now) == now + timedelta(seconds=60) - timedelta(seconds=8)
    assert lambda_dispatcher.deadline_of(None, now) == now + timedelta(seconds=50) - timedelta(seconds=8)


def _due_in_five_minutes(module: ModuleType, count: int) -> datetime:
    now = datetime.now(UTC).replace(microsecond=0)
    for i in range(count):
        module.container.schedules.create(
            "default", ScheduleInput(payload=f"job {i}", run_at=(now + timedelta(minutes=5)).isoformat())
        )
    return now + timedelta(minutes=5)


def _busy_shards(module: ModuleType, until: datetime) -> list[str]:
    store = module.container.dispatcher._store
    return [shard for shard in store.shards() if store.has_due(shard, until)]


def test_an_event_time_ahead_of_the_clock_takes_no_lease_a_live_dispatcher_holds(
    aws: Aws, lambda_dispatcher: ModuleType
) -> None:
    tick = _due_in_five_minutes(lambda_dispatcher, 12)
    store = DynamoDueStore(aws.dynamodb, aws.table_name)
    clock_now = datetime.now(UTC)
    busy = _busy_shards(lambda_dispatcher, tick)
    for shard in busy:  # another dispatcher is working these shards right now
        assert store.lease(shard, "a-live-dispatcher", clock_now, clock_now + timedelta(seconds=15))

    # A manual invoke stamped five minutes ahead, with a two-second budget.
    summary = lambda_dispatcher.handler(scheduled_event(tick), LambdaContext(remaining_ms=10_000))

    assert summary["delivered"] == 0
    assert summary["shardsBusy"] == len(busy) and summary["shardsLeased"] == 0
    assert aws.sqs.receive_message(QueueUrl=aws.queue_url).get("Messages", []) == []
    for shard in busy:
        assert not store.renew(shard, "someone-else", clock_now)  # still the live one's
        assert store.renew(shard, "a-live-dispatcher", clock_now + timedelta(seconds=15))


def _with_children(module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> StartedChildren:
    children = StartedChildren()
    monkeypatch.setattr(module, "container", replace(module.container, fanout=children))
    return children


def test_an_invocation_that_stops_early_hands_the_shards_it_left_to_a_continuation_at_once(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "scheduler-dispatcher")
    module = load_handler_module(aws, monkeypatch)
    assert module.container.fanout is not None  # it may invoke itself even with one invocation per tick
    children = _with_children(module, monkeypatch)
    tick = _due_in_five_minutes(module, 12)
    busy = _busy_shards(module, tick)

    # No time left past the deadline's reserve: the tick stops before its first page.
    root = module.handler(scheduled_event(tick), LambdaContext(remaining_ms=8_000))
    (started,) = children.continuations
    continued = module.handler(fanout_event(*started), LambdaContext())

    assert root["stoppedEarly"] is True and root["delivered"] == 0
    assert root["shardsLeft"] == root["handedOver"] == busy
    assert started == (tick, busy, 1)
    assert continued["delivered"] == 12 and continued["handedOver"] == []
    assert children.started == []  # one invocation per tick: no fan-out
    sys.modules.pop("service.entrypoints.lambda_dispatcher", None)


def test_a_continuation_that_stops_early_hands_nothing_over(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "scheduler-dispatcher")
    module = load_handler_module(aws, monkeypatch)
    children = _with_children(module, monkeypatch)
    tick = _due_in_five_minutes(module, 12)
    busy = _busy_shards(module, tick)

    summary = module.handler(fanout_event(tick, busy, continuation=1), LambdaContext(remaining_ms=8_000))

    assert summary["stoppedEarly"] is True and summary["shardsLeft"] == busy
    assert summary["handedOver"] == [] and children.continuations == []
    sys.modules.pop("service.entrypoints.lambda_dispatcher", None)
