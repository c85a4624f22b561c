"""How a namespace's deliveries went, hour by hour: what the delivery stage counts as it
records runs, for the pictures people look at (the web UI's deliveries per hour)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from service.domain.runs import Run, RunStatus

LATE_AFTER_MS = 1000  # SPEC: within 1 s of its time
MAX_HOURS = 7 * 24
COUNTED = ("delivered", "failed", "missed", "canceled", "late")


@dataclass(frozen=True)
class DeliveryHour:
    start: datetime  # the hour's start, UTC
    delivered: int = 0
    failed: int = 0
    missed: int = 0
    canceled: int = 0
    late: int = 0  # of the delivered, those more than a second after their time


def hour_of(instant: datetime) -> datetime:
    return instant.replace(minute=0, second=0, microsecond=0)


def tally(runs: Iterable[Run]) -> dict[tuple[str, datetime], Counter[str]]:
    """Counts per namespace and hour of recording, of the runs that ended (queued ones don't)."""
    counts: dict[tuple[str, datetime], Counter[str]] = {}
    for run in runs:
        if run.status is RunStatus.QUEUED:
            continue
        bucket = counts.setdefault((run.namespace, hour_of(run.recorded_at)), Counter())
        bucket[run.status.value] += 1
        if run.status is RunStatus.DELIVERED and (run.lateness_ms or 0) > LATE_AFTER_MS:
            bucket["late"] += 1
    return counts


def hours_ending(now: datetime, hours: int, found: dict[datetime, DeliveryHour]) -> list[DeliveryHour]:
    """The last ``hours`` hours up to the current one, oldest first, zero where none was counted."""
    current = hour_of(now)
    starts = [current - timedelta(hours=back) for back in range(hours - 1, -1, -1)]
    return [found.get(start, DeliveryHour(start)) for start in starts]
