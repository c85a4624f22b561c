"""The dispatcher's Lambda handler, invoked with a real EventBridge "Scheduled Event"."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest

from service.domain.schedule import ScheduleInput
from tests.conftest import Aws


def scheduled_event(time: datetime) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/scheduler-dispatch"],
        "detail": {},
    }


class LambdaContext:
    function_name = "scheduler-dispatcher"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:scheduler-dispatcher"
    aws_request_id = "6f1d2c7e-0000-4000-8000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


@pytest.fixture
def lambda_dispatcher(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The handler module as Lambda loads it: configured by its environment at import."""
    monkeypatch.setenv("SCHEDULER_TABLE_NAME", aws.table_name)
    monkeypatch.setenv("SCHEDULER_QUEUE_URL", aws.queue_url)
    sys.modules.pop("service.entrypoints.lambda_dispatcher", None)
    yield importlib.import_module("service.entrypoints.lambda_dispatcher")
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
