"""Instants a client sends (``runAt``, ``startAt``, ``endAt``): ISO-8601, with an offset or
``Z`` an instant, without one a local time in the schedule's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from service.domain.errors import ValidationFailed, quoted
from service.domain.local_time import resolve

# Run times are kept in whole seconds between 1970 and the year 9000, so that every
# instant, and every daily or weekly occurrence after it, has a four-digit year.
EARLIEST_RUN_AT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_RUN_AT = datetime(9000, 1, 1, tzinfo=UTC)


def parse_instant(text: str, tz: ZoneInfo, field: str) -> datetime:
    """The instant ``text`` names (UTC, whole seconds); ``ValidationFailed`` naming ``field``."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.single(
            field, f"{quoted(text)} is not an ISO-8601 date and time (for example '2027-03-28T09:30:00Z')"
        ) from None
    out_of_range = ValidationFailed.single(field, f"{quoted(text)} is not between 1970-01-01 and 9000-01-01 (UTC)")
    try:
        # A time without an offset is a local time in the schedule's own zone.
        instant = resolve(parsed, tz) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError:  # in UTC it falls before year 1 or after year 9999
        raise out_of_range from None
    instant = instant.replace(microsecond=0)
    if not EARLIEST_RUN_AT <= instant < LATEST_RUN_AT:
        raise out_of_range
    return instant
