"""Lambda entry point of the dispatcher, invoked each minute by an EventBridge rule.

The tick's time is the event's ``time`` (the minute EventBridge meant), or the clock if
the invocation started later than that. With ``SCHEDULER_DISPATCH_INVOCATIONS`` above one,
the invocation EventBridge starts counts the due work; when it is more than one invocation
sends in a tick (``SCHEDULER_DISPATCH_CAPACITY``), it keeps one group of the busy shards and
hands the others to concurrent invocations of itself, as many as the work needs. Work
stops before the Lambda deadline, and the leases are released at once. An invocation
that leaves work at its deadline hands its shards to one continuation of itself
(asynchronous, started at once); a continuation hands over nothing more, so an overloaded
system runs at most two invocations per group of shards from one tick, never a chain:
what a continuation leaves is taken by the ticks that follow, which look again at leased
shards within their budget. Metrics go out as CloudWatch EMF through the log.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import BotoCoreError, ClientError

from service.adapters.lambda_fanout import LambdaFanout
from service.bootstrap import bootstrap
from service.services.shard_groups import split_shards
from service.services.tick_report import TickReport

# Leave this much of the invocation for releasing leases and flushing metrics.
DEADLINE_RESERVE = timedelta(seconds=8)
DEFAULT_BUDGET = timedelta(seconds=50)  # when there is no Lambda context (local ticks)
MAX_LATENESS_SAMPLES = 100  # EMF takes at most 100 values per metric
MAX_CONTINUATIONS = 1  # per invocation that EventBridge or a fan-out starts

logger = Logger(service="scheduler-dispatcher")
copy_config_to_registered_loggers(source_logger=logger, include={"service"})
metrics = Metrics(namespace="Scheduler", service="dispatcher")

container = bootstrap()


def tick_time(event: dict[str, Any], clock_now: datetime) -> datetime:
    text = event.get("time")
    if not text:
        return clock_now
    scheduled = datetime.fromisoformat(str(text).replace("Z", "+00:00")).astimezone(UTC)
    return max(scheduled, clock_now)


def deadline_of(context: Any, clock_now: datetime) -> datetime:
    remaining = context.get_remaining_time_in_millis() if context is not None else None
    budget = timedelta(milliseconds=remaining) if remaining is not None else DEFAULT_BUDGET
    return clock_now + budget - DEADLINE_RESERVE


def publish(report: TickReport) -> None:
    counts = {
        "Delivered": report.delivered,
        "Late": report.late,
        "Missed": report.missed + report.missed_not_recorded,
        "SendFailures": report.send_failures,
        "FailedCalls": report.failed_calls,
        "ShardsFailed": report.shards_failed,
        "LeasesLost": report.leases_lost,
        "SentNotAdvanced": report.sent_not_advanced,
    }
    for name, value in counts.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    lateness = sorted(report.lateness_ms)
    step = max(1, len(lateness) // MAX_LATENESS_SAMPLES)
    for value in [*lateness[::step][: MAX_LATENESS_SAMPLES - 1], *lateness[-1:]]:
        metrics.add_metric(name="LatenessMs", unit=MetricUnit.Milliseconds, value=value)


def fan_out(now: datetime, fanout: LambdaFanout) -> list[str]:
    """Starts invocations for all but one group of the busy shards; returns the one kept."""
    settings = container.settings
    workload = container.dispatcher.workload(now, cap=settings.dispatch_capacity * settings.dispatch_invocations)
    groups = split_shards(workload, settings.dispatch_capacity, settings.dispatch_invocations)
    shards = groups[0] if groups else []
    for group in groups[1:]:
        try:
            fanout.start(now, group)
        except (ClientError, BotoCoreError):
            # Throttled or refused: this invocation takes the group on itself.
            logger.exception("could not start a dispatcher for shards %s", group)
            shards = [*shards, *group]
    return shards


def hand_over(now: datetime, report: TickReport, continuation: int) -> list[str]:
    """Starts a continuation for the shards this invocation left; returns them, or none."""
    left = sorted(report.shards_left)
    if not left or container.fanout is None or continuation >= MAX_CONTINUATIONS:
        return []
    try:
        container.fanout.start(now, left, continuation + 1)
    except (ClientError, BotoCoreError):
        logger.exception("could not hand shards %s over; the next tick takes them", left)
        return []
    return left


@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, object]:
    clock_now = datetime.now(UTC)
    now = tick_time(event, clock_now)
    shards = event.get("shards")  # set when a fan-out or a continuation started this one
    if shards is None and container.fanout is not None and container.settings.dispatch_invocations > 1:
        shards = fan_out(now, container.fanout)
    report = container.dispatcher.tick(now, deadline_of(context, clock_now), shards=shards)
    handed_over = hand_over(now, report, int(event.get("continuation", 0)))
    publish(report)
    summary = {**report.summary(), "handedOver": handed_over}
    logger.info("tick", extra=summary)
    return summary
