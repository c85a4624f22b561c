"""What the functions publish as CloudWatch metrics (EMF through the log): counts, and a
sample of lateness values (EMF takes at most 100 values per metric)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

MAX_SAMPLES = 100


def publish_counts(metrics: Metrics, counts: Mapping[str, int], samples_name: str, samples_ms: list[int]) -> None:
    for name, value in counts.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    ordered = sorted(samples_ms)
    step = max(1, len(ordered) // MAX_SAMPLES)
    for value in [*ordered[::step][: MAX_SAMPLES - 1], *ordered[-1:]]:
        metrics.add_metric(name=samples_name, unit=MetricUnit.Milliseconds, value=value)


def deadline_of(context: Any, clock_now: datetime, default_budget: timedelta, reserve: timedelta) -> datetime:
    """When an invocation must stop taking work: its remaining time less ``reserve``."""
    remaining = context.get_remaining_time_in_millis() if context is not None else None
    budget = timedelta(milliseconds=remaining) if remaining is not None else default_budget
    return clock_now + budget - reserve
