"""Mapping local wall-clock times to instants, by the rules of SPEC section 3.

A wall time can exist once (the usual case), not at all (the clocks jump over it in
spring) or twice (the clocks fall back over it in autumn). The rules here:

* a wall time that does not exist resolves to the instant the clocks jump
  (02:30 on a 02:00 -> 03:00 night runs at 03:00 local);
* a wall time that exists twice resolves to its first occurrence.

Both rules make ``resolve`` non-decreasing in the wall time, which is what lets the
recurrence code walk wall times in order and keep only the instants that increase.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from service.domain.errors import ValidationFailed, quoted


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name``; ``ValidationFailed`` names the field otherwise."""
    if name not in _zone_names():
        raise ValidationFailed.single(
            "timezone", f"{quoted(name)} is not an IANA time zone name (for example 'Europe/Berlin' or 'UTC')"
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - listed zones load
        raise ValidationFailed.single("timezone", f"{quoted(name)} could not be loaded") from exc


def wall_time(instant: datetime, tz: ZoneInfo) -> datetime:
    """The naive local wall-clock time shown in ``tz`` at ``instant``."""
    return instant.astimezone(tz).replace(tzinfo=None)


def resolve(wall: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant at which the naive local time ``wall`` happens in ``tz``.

    ``OverflowError`` when that instant falls outside ``datetime``'s years 1 to 9999
    (0001-01-01T00:00 in Tokyo happened in year 0): callers decide what the edge of the
    calendar means for them (an invalid ``runAt``, the end of a rule).
    """
    earlier = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    later = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if earlier == later:
        return earlier
    if wall_time(earlier, tz) == wall:
        # Fall back: both readings exist; fold=0 is the first to happen.
        return min(earlier, later)
    # Spring forward: neither reading exists. The instant of the jump lies between the
    # two readings; find it by the change of UTC offset (whole seconds in tzdata).
    return _transition_between(min(earlier, later), max(earlier, later), tz)


def _transition_between(low: datetime, high: datetime, tz: ZoneInfo) -> datetime:
    offset_before = low.astimezone(tz).utcoffset()
    lo, hi = 0, int((high - low).total_seconds())
    # Invariant: the offset at low+lo is the old one, at low+hi the new one.
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if (low + timedelta(seconds=mid)).astimezone(tz).utcoffset() == offset_before:
            lo = mid
        else:
            hi = mid
    return low + timedelta(seconds=hi)
