"""The dispatcher's Lambda handler, made from a wired dispatcher (``make_handler``).

The tick's time is the event's ``time`` (the minute EventBridge meant), or the clock if
the invocation started later than that. The event of a fan-out child or a continuation
names its shards and how many continuations led to it (``service.services.fan_out``).
Work stops before the Lambda deadline, and the leases are released at once. Metrics go
out as CloudWatch EMF through the log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

from service.bootstrap.dispatcher import DispatcherContainer
from service.entrypoints.lambda_metrics import deadline_of as lambda_deadline
from service.entrypoints.lambda_metrics import publish_counts
from service.services.tick_report import TickReport

# Leave this much of the invocation for releasing leases and flushing metrics.
DEADLINE_RESERVE = timedelta(seconds=8)
DEFAULT_BUDGET = timedelta(seconds=50)  # when there is no Lambda context (local ticks)

Handler = Callable[[dict[str, Any], Any], dict[str, object]]

logger = Logger(service="scheduler-dispatcher")


def tick_time(event: dict[str, Any], clock_now: datetime) -> datetime:
    text = event.get("time")
    if not text:
        return clock_now
    scheduled = datetime.fromisoformat(str(text).replace("Z", "+00:00")).astimezone(UTC)
    return max(scheduled, clock_now)


def deadline_of(context: Any, clock_now: datetime) -> datetime:
    return lambda_deadline(context, clock_now, DEFAULT_BUDGET, DEADLINE_RESERVE)


def publish(metrics: Metrics, report: TickReport) -> None:
    counts = {
        "HandedOff": report.handed_off,
        "LateHandOffs": report.late_handoffs,
        "AlreadyHandedOff": report.already_handed_off,
        "Missed": report.missed + report.missed_not_recorded,
        "HandOffFailures": report.handoff_failures,
        "FailedCalls": report.failed_calls,
        "ShardsFailed": report.shards_failed,
        "LeasesLost": report.leases_lost,
        "NotAdvanced": report.not_advanced,
    }
    publish_counts(metrics, counts, "HandOffLatenessMs", report.handoff_lateness_ms)


def make_handler(container: DispatcherContainer) -> Handler:
    # The service's own loggers write Powertools' JSON too, as every line of the function does.
    copy_config_to_registered_loggers(source_logger=logger, include={"service"})
    metrics = Metrics(namespace="Scheduler", service="dispatcher")

    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, object]:
        clock_now = container.clock()
        part = container.fan_out.run(
            tick_time(event, clock_now),
            deadline_of(context, clock_now),
            shards=event.get("shards"),  # set when a fan-out or a continuation started this one
            continuation=int(event.get("continuation", 0)),
        )
        publish(metrics, part.report)
        summary = {**part.report.summary(), "handedOver": part.handed_over}
        logger.info("tick", extra=summary)
        return summary

    return handler
