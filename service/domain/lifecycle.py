"""A recurring schedule's life: when it may run (``startAt``, ``endAt``), how many runs it
delivers (``maxRuns``), its interval (``recurring: "interval"``), and what it does with the
occurrences the service was too late for (``catchUp``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from service.domain.durations import parse_interval
from service.domain.errors import FieldProblem, ValidationFailed, quoted
from service.domain.instants import parse_instant
from service.domain.recurrence import RecurrenceKind

MAX_RUNS = 1_000_000_000


class CatchUp(StrEnum):
    """What the dispatcher does with the occurrences of a recurring schedule that fell due
    while it was late (down, throttled), within the catch-up window."""

    LATEST = "latest"  # the latest is delivered once, the others recorded missed
    ALL = "all"  # every one is delivered, oldest first (at most ``MAX_CATCH_UP`` at a time)
    NONE = "none"  # every late one is recorded missed; the next runs on time


@dataclass(frozen=True)
class Lifecycle:
    start_at: datetime | None = None
    end_at: datetime | None = None
    max_runs: int | None = None
    interval: timedelta | None = None
    catch_up: CatchUp = CatchUp.LATEST


def check_lifecycle(
    kind: RecurrenceKind | None,
    tz: ZoneInfo | None,
    *,
    start_at: str | None,
    end_at: str | None,
    max_runs: int | None,
    interval: str | None,
    catch_up: str | None,
    immediate: bool,
) -> tuple[Lifecycle, list[FieldProblem]]:
    """The valid lifecycle fields, and every problem found. ``kind`` and ``tz`` are None
    when they are invalid themselves (their own problems are reported apart)."""
    problems: list[FieldProblem] = []

    def check(fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            return None

    recurring = kind is not None and kind is not RecurrenceKind.NONE
    one_time = kind is RecurrenceKind.NONE
    for field, value in (("startAt", start_at), ("endAt", end_at), ("maxRuns", max_runs)):
        if value is not None and one_time:
            problems.append(FieldProblem(field, "is only allowed on a recurring schedule (recurring is 'none')"))
    start = check(parse_instant, start_at, tz, "startAt") if start_at is not None and tz is not None else None
    end = check(parse_instant, end_at, tz, "endAt") if end_at is not None and tz is not None else None
    if start is not None and end is not None and end <= start:
        problems.append(FieldProblem("endAt", f"{quoted(end_at)} must be after startAt {quoted(start_at)}"))
    if start_at is not None and immediate:
        problems.append(FieldProblem("immediate", "cannot be combined with startAt: no run happens before startAt"))
    if max_runs is not None and not 1 <= max_runs <= MAX_RUNS:
        problems.append(FieldProblem("maxRuns", f"must be between 1 and {MAX_RUNS:,}, got {max_runs}"))
    every = None
    if kind is RecurrenceKind.INTERVAL:
        if interval is None:
            problems.append(FieldProblem("interval", "is required when recurring is 'interval' (for example 'PT15M')"))
        else:
            every = check(parse_interval, interval)
    elif interval is not None:
        problems.append(FieldProblem("interval", "is only allowed when recurring is 'interval'"))
    policy = check(_catch_up, catch_up) if catch_up is not None else CatchUp.LATEST
    lifecycle = Lifecycle(
        start_at=start if recurring else None,
        end_at=end if recurring else None,
        max_runs=max_runs if recurring else None,
        interval=every,
        catch_up=policy or CatchUp.LATEST,
    )
    return lifecycle, problems


def _catch_up(value: str) -> CatchUp:
    try:
        return CatchUp(value)
    except ValueError:
        allowed = ", ".join(repr(c.value) for c in CatchUp)
        raise ValidationFailed.single("catchUp", f"{quoted(value)} is not one of {allowed}") from None
