"""The dispatcher's handler is invoked locally with what EventBridge and Lambda would give it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from service.entrypoints.local.lambda_context import LOCAL_ACCOUNT, LambdaContext
from service.entrypoints.local.lambda_invoke import DispatcherInvoker, account_of_queue, scheduled_event

TICK = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)


def test_the_event_has_the_shape_of_an_eventbridge_scheduled_event() -> None:
    event = scheduled_event(TICK, "eu-west-1", "123456789012")

    assert set(event) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
    assert event["version"] == "0"
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["time"] == "2027-01-01T12:00:00Z"
    assert event["region"] == "eu-west-1"
    assert event["account"] == "123456789012"
    assert event["resources"] == ["arn:aws:events:eu-west-1:123456789012:rule/scheduler-dispatch"]
    assert event["detail"] == {}


def test_each_event_has_an_id_of_its_own() -> None:
    assert scheduled_event(TICK, "us-east-1")["id"] != scheduled_event(TICK, "us-east-1")["id"]


def test_the_account_comes_from_the_queue_url_when_it_holds_one() -> None:
    assert account_of_queue("http://127.0.0.1:5000/123456789012/scheduler-deliveries") == "123456789012"
    assert account_of_queue("http://localhost:4566/queue/scheduler-deliveries") == LOCAL_ACCOUNT


def test_the_context_answers_what_handlers_read_from_a_lambda_context() -> None:
    seconds = [100.0]
    context = LambdaContext(region="us-east-1", account="123456789012", timeout_seconds=60, clock=lambda: seconds[0])
    seconds[0] += 45.5

    assert context.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:scheduler-dispatcher"
    assert context.log_group_name == "/aws/lambda/scheduler-dispatcher"
    assert context.get_remaining_time_in_millis() == 14_500
    assert context.function_name == "scheduler-dispatcher"
    assert context.aws_request_id != LambdaContext(region="us-east-1", account="1").aws_request_id


def test_the_remaining_time_stops_at_zero() -> None:
    seconds = [0.0]
    context = LambdaContext(timeout_seconds=1, clock=lambda: seconds[0])
    seconds[0] += 5

    assert context.get_remaining_time_in_millis() == 0


def test_invoke_hands_the_handler_the_event_of_the_tick_and_returns_its_result() -> None:
    calls: list[tuple[dict[str, Any], Any]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
        calls.append((event, context))
        return {"delivered": 3}

    result = DispatcherInvoker(handler, "us-east-1", "123456789012").invoke(TICK)

    assert result == {"delivered": 3}
    ((event, context),) = calls
    assert event["time"] == "2027-01-01T12:00:00Z"
    assert context.get_remaining_time_in_millis() > 0


def test_a_tick_runs_beside_a_slow_earlier_one_as_lambda_runs_concurrent_invocations() -> None:
    release = threading.Event()
    second_started = threading.Event()
    started: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        started.append(event["time"])
        if len(started) == 1:
            release.wait(5)  # the first invocation is still running...
        else:
            second_started.set()

    invoker = DispatcherInvoker(handler, "us-east-1", LOCAL_ACCOUNT)
    invoker(TICK)
    invoker(TICK.replace(minute=1))

    assert second_started.wait(5)  # ...when the second one starts
    assert not release.is_set()
    assert sorted(started) == ["2027-01-01T12:00:00Z", "2027-01-01T12:01:00Z"]
    release.set()
    invoker.join(timeout=5)


def test_a_failing_invocation_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    def handler(event: dict[str, Any], context: Any) -> None:
        raise RuntimeError("table not found")

    invoker = DispatcherInvoker(handler, "us-east-1", LOCAL_ACCOUNT)
    invoker(TICK)
    invoker.join(timeout=5)

    assert "table not found" in caplog.text


def test_a_tick_that_stopped_early_is_followed_at_once_by_one_more_tick_and_no_more() -> None:
    events: list[str] = []

    def overloaded(event: dict[str, Any], context: Any) -> dict[str, object]:
        events.append(event["time"])
        return {"delivered": 100, "stoppedEarly": True, "shardsLeft": ["03"]}

    follow_up_at = datetime(2027, 1, 1, 12, 0, 52, tzinfo=UTC)
    invoker = DispatcherInvoker(overloaded, "us-east-1", LOCAL_ACCOUNT, clock=lambda: follow_up_at)
    invoker(TICK)
    invoker.join(timeout=5)

    assert events == ["2027-01-01T12:00:00Z", "2027-01-01T12:00:52Z"]


def test_a_tick_that_finished_its_work_is_not_followed_by_another() -> None:
    events: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, object]:
        events.append(event["time"])
        return {"delivered": 3, "stoppedEarly": False}

    invoker = DispatcherInvoker(handler, "us-east-1", LOCAL_ACCOUNT)
    invoker(TICK)
    invoker.join(timeout=5)

    assert events == ["2027-01-01T12:00:00Z"]
