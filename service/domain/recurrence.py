"""Recurrence rules and the instants they produce.

Every rule is evaluated in local wall-clock time in its zone, then each wall time is
mapped to an instant with ``local_time.resolve``. Because ``resolve`` never goes
backwards, the sequence of instants is found by walking the rule's wall times in
order and keeping each instant that is later than the last one kept: a gap that
swallows several wall times yields one run at the jump, a repeated hour yields one
run at the first pass. Cron expressions are parsed and walked by ``cronsim``.

An interval rule is the exception: it counts whole intervals from its anchor in absolute
time, so it keeps its length across a DST change and its local time of day moves by the
change (a daily rule keeps the time of day instead).

A rule's bounds (``start_at``, ``end_at``) hold for every function here: no occurrence
before the one or after the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import islice
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError

from service.domain.errors import ValidationFailed, quoted
from service.domain.local_time import resolve, wall_time

_SECOND = timedelta(seconds=1)


class RecurrenceKind(StrEnum):
    NONE = "none"
    DAILY = "daily"
    WEEKLY = "weekly"
    CRON = "cron"
    INTERVAL = "interval"


def validate_cron(expression: str) -> str:
    """The expression with single spaces; ``ValidationFailed`` with the reason otherwise."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValidationFailed.single(
            "cron",
            f"{quoted(expression)} has {len(fields)} fields; a cron expression has five: "
            "minute hour day-of-month month day-of-week (for example '0 9 * * MON-FRI')",
        )
    normalized = " ".join(fields)
    try:
        CronSim(normalized, datetime(2000, 1, 1))
    except CronSimError as exc:
        raise ValidationFailed.single("cron", f"{quoted(expression)} is not a valid cron expression: {exc}") from exc
    return normalized


@dataclass(frozen=True)
class Recurrence:
    """When a schedule runs.

    ``anchor`` is the local wall time that defines a daily or weekly rule (its time of
    day, and its weekday). It is kept apart from the next run so that a run moved to a DST
    jump does not move the rule. For an interval rule it is the instant (UTC) its
    intervals are counted from: its phase. A one-time schedule has no further occurrences.
    """

    kind: RecurrenceKind
    tz: ZoneInfo
    anchor: datetime | None = None
    cron: str | None = None
    interval: timedelta | None = None
    start_at: datetime | None = None  # no occurrence before it
    end_at: datetime | None = None  # no occurrence after it

    def occurrences_after(self, after: datetime) -> Iterator[datetime]:
        """UTC instants strictly after ``after``, strictly increasing, within the bounds.

        A rule ends with the calendar: an occurrence past 9999-12-31 (in UTC or in its
        zone) cannot be represented, so the sequence stops before it.
        """
        if self.start_at is not None and after < self.start_at:
            after = self.start_at - _SECOND  # run times are whole seconds: start_at itself counts
        for instant in self._unbounded_after(after):
            if self.end_at is not None and instant > self.end_at:
                return
            yield instant

    def _unbounded_after(self, after: datetime) -> Iterator[datetime]:
        if self.kind is RecurrenceKind.INTERVAL:
            yield from self._intervals_after(after)
            return
        last = after
        try:
            for wall in self._wall_times_from(wall_time(after, self.tz)):
                instant = resolve(wall, self.tz)
                if instant > last:
                    last = instant
                    yield instant
        except OverflowError:  # cronsim, or resolve, stepped past year 9999
            return

    def next_after(self, after: datetime) -> datetime | None:
        return next(self.occurrences_after(after), None)

    def upcoming(self, after: datetime, count: int) -> list[datetime]:
        return list(islice(self.occurrences_after(after), count))

    def latest_at_or_before(self, instant: datetime, not_before: datetime) -> datetime | None:
        """The last occurrence in ``[not_before, instant]``, if any (for catch-up)."""
        if self.kind is RecurrenceKind.INTERVAL:
            return self._latest_interval(instant, not_before)
        latest = None
        for occurrence in self.occurrences_after(not_before - _SECOND):
            if occurrence > instant:
                break
            latest = occurrence
        return latest

    def _intervals_after(self, after: datetime) -> Iterator[datetime]:
        assert self.anchor is not None and self.interval is not None
        count = max(0, (after - self.anchor) // self.interval + 1)
        try:
            while True:
                yield self.anchor + count * self.interval
                count += 1
        except OverflowError:  # past year 9999
            return

    def _latest_interval(self, instant: datetime, not_before: datetime) -> datetime | None:
        """Counted, not walked: a one-minute interval that started a year ago is one step."""
        assert self.anchor is not None and self.interval is not None
        upper = min(instant, self.end_at) if self.end_at is not None else instant
        lower = max(not_before, self.start_at) if self.start_at is not None else not_before
        if upper < self.anchor:
            return None
        latest = self.anchor + (upper - self.anchor) // self.interval * self.interval
        return latest if latest >= lower else None

    def _wall_times_from(self, start: datetime) -> Iterator[datetime]:
        """The rule's wall times from ``start``'s day on, in order (may include earlier ones).

        A daily or weekly rule starts on its anchor's day: an immediate run before then
        does not start the rule early.
        """
        if self.kind is RecurrenceKind.CRON:
            assert self.cron is not None
            # cronsim walks naive datetimes as plain wall-clock values and yields
            # matches strictly after its start; DST is handled by ``resolve``.
            yield from CronSim(self.cron, start)
            return
        if self.kind is RecurrenceKind.NONE:
            return  # a one-time schedule's only run is its runAt, not a rule
        assert self.anchor is not None
        at: time = self.anchor.time()
        day: date = max(start.date(), self.anchor.date())
        step = timedelta(days=1)
        if self.kind is RecurrenceKind.WEEKLY:
            day += timedelta(days=(self.anchor.weekday() - day.weekday()) % 7)
            step = timedelta(days=7)
        while day.year < 10000 - 1:
            yield datetime.combine(day, at)
            day += step
