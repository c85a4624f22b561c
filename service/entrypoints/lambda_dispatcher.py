"""Lambda entry point of the dispatcher, invoked each minute by an EventBridge rule.

The tick's time is the event's ``time`` (the minute EventBridge meant), or the clock if
the invocation started later than that. With ``SCHEDULER_DISPATCH_INVOCATIONS`` above one,
the invocation EventBridge starts counts the due work; when it is more than one invocation
sends in a tick (``SCHEDULER_DISPATCH_CAPACITY``), it keeps one group of the busy shards and
hands the others to concurrent invocations of itself, as many as the work needs. Work
stops before the Lambda deadline; what is left stays due for the next tick. Metrics go out
as CloudWatch EMF through the log.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import BotoCoreError, ClientError

from service.bootstrap import bootstrap
from service.services.shard_groups import split_shards
from service.services.tick_report import TickReport

# Leave this much of the invocation for releasing leases and flushing metrics.
DEADLINE_RESERVE = timedelta(seconds=8)
DEFAULT_BUDGET = timedelta(seconds=50)  # when there is no Lambda context (local ticks)
MAX_LATENESS_SAMPLES = 100  # EMF takes at most 100 values per metric

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
    metrics.add_metric(name="Delivered", unit=MetricUnit.Count, value=report.delivered)
    metrics.add_metric(name="Late", unit=MetricUnit.Count, value=report.late)
    metrics.add_metric(name="Missed", unit=MetricUnit.Count, value=report.missed + report.missed_not_recorded)
    metrics.add_metric(name="SendFailures", unit=MetricUnit.Count, value=report.send_failures)
    lateness = sorted(report.lateness_ms)
    step = max(1, len(lateness) // MAX_LATENESS_SAMPLES)
    for value in [*lateness[::step][: MAX_LATENESS_SAMPLES - 1], *lateness[-1:]]:
        metrics.add_metric(name="LatenessMs", unit=MetricUnit.Milliseconds, value=value)


@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, object]:
    clock_now = datetime.now(UTC)
    now = tick_time(event, clock_now)
    shards = event.get("shards")  # set when this is a child of a fanned-out tick
    if shards is None and container.fanout is not None:
        settings = container.settings
        workload = container.dispatcher.workload(now, cap=settings.dispatch_capacity * settings.dispatch_invocations)
        groups = split_shards(workload, settings.dispatch_capacity, settings.dispatch_invocations)
        shards = groups[0] if groups else []
        for group in groups[1:]:
            try:
                container.fanout.start(now, group)
            except (ClientError, BotoCoreError):
                # Throttled or refused: this invocation takes the group on itself.
                logger.exception("could not start a dispatcher for shards %s", group)
                shards = [*shards, *group]
    report = container.dispatcher.tick(now, deadline_of(context, clock_now), shards=shards)
    publish(report)
    summary = report.summary()
    logger.info("tick", extra=summary)
    return summary
