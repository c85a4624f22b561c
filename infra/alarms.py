"""One CloudWatch alarm as the stack declares it: its metric, its rule, and the defaults
every alarm shares (one-minute periods, no data is no breach)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi


@dataclass(frozen=True)
class Alarm:
    key: str
    description: str
    namespace: str
    metric: str
    dimensions: dict[str, pulumi.Input[str]]
    threshold: float
    statistic: str | None = "Sum"
    extended_statistic: str | None = None
    comparison: str = "GreaterThanOrEqualToThreshold"
    period: int = 60
    evaluation_periods: int = 1
    datapoints_to_alarm: int = 1
    treat_missing_data: str = "notBreaching"


def messages_waiting(key: str, description: str, queue_name: pulumi.Input[str]) -> Alarm:
    """A message in a queue that should stay empty (dead letters, failed ticks)."""
    return Alarm(
        key,
        description,
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        {"QueueName": queue_name},
        threshold=1,
        statistic="Maximum",
    )
