"""A backfill: the occurrences a schedule's rule had in a past range, delivered now, each with
the occurrence id it would have had on time (``<jobId>/<scheduledFor>``), so a consumer that
de-duplicates skips any it already handled. Pure, time passed in.

The range is ``[from, to]``, both ends included, and must be past: a backfill replays what
was, it does not run the future early. At most ``MAX_BACKFILL`` occurrences; a wider range
is refused, naming the count, rather than cut short in silence.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from service.domain.errors import FieldProblem, ValidationFailed
from service.domain.instants import parse_instant
from service.domain.local_time import zone
from service.domain.recurrence import RecurrenceKind
from service.domain.schedule import Schedule

MAX_BACKFILL = 1_000
_SECOND = timedelta(seconds=1)


def backfill_range(schedule: Schedule, start_text: object, end_text: object, now: datetime) -> list[datetime]:
    """The occurrences of ``schedule``'s rule in ``[from, to]``, oldest first; a local time
    without an offset is in the schedule's zone. Every problem is reported at once."""
    tz = zone(schedule.timezone)
    problems: list[FieldProblem] = []
    instants: dict[str, datetime] = {}
    for field, text in (("from", start_text), ("to", end_text)):
        if not isinstance(text, str):
            problems.append(FieldProblem(field, "is required: an ISO-8601 date and time"))
            continue
        try:
            instants[field] = parse_instant(text, tz, field)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    start, end = instants.get("from"), instants.get("to")
    if start is not None and end is not None and start > end:
        problems.append(FieldProblem("to", "must not be before from"))
    if end is not None and end > now:
        problems.append(FieldProblem("to", "must not be in the future: a backfill delivers what was due"))
    if problems:
        raise ValidationFailed(problems)
    assert start is not None and end is not None
    found = _occurrences(schedule, start, end)
    if len(found) > MAX_BACKFILL:
        raise ValidationFailed.single(
            "to", f"the range holds more than {MAX_BACKFILL} occurrences; ask for a shorter one"
        )
    return found


def _occurrences(schedule: Schedule, start: datetime, end: datetime) -> list[datetime]:
    if schedule.recurring is RecurrenceKind.NONE:
        # A one-time schedule's occurrence is its run (the one it has, or the one it had).
        at = schedule.run_at or (schedule.last_run.scheduled_for if schedule.last_run else None)
        return [at] if at is not None and start <= at <= end else []
    found: list[datetime] = []
    for occurrence in schedule.recurrence.occurrences_after(start - _SECOND):
        if occurrence > end or len(found) > MAX_BACKFILL:
            break
        found.append(occurrence)
    return found
