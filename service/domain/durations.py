"""ISO-8601 durations for interval rules (``PT15M``), in absolute time.

Only the units of a fixed length are accepted: weeks, days (24 hours each), hours, minutes
and whole seconds. Years and months have no fixed length, so an interval of ``P1M`` would
not say how long it is: a monthly rule is a cron rule. Written here rather than taken from
a library because the grammar accepted is this strict subset (pydantic's parser reads
``P1M`` as 30 days and ``PT1H1H`` as two hours; ``isodate`` would be a new dependency for
the same dozen lines).
"""

from __future__ import annotations

import re
from datetime import timedelta

from service.domain.errors import ValidationFailed, quoted

MIN_INTERVAL = timedelta(minutes=1)
MAX_INTERVAL = timedelta(days=366)

_DURATION = re.compile(
    r"P(?:(?P<weeks>\d{1,4})W)?(?:(?P<days>\d{1,6})D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d{1,7})H)?(?:(?P<minutes>\d{1,9})M)?(?:(?P<seconds>\d{1,11})S)?)?"
)


def parse_interval(text: str, field: str = "interval") -> timedelta:
    """The duration ``text`` names, between one minute and 366 days."""
    match = _DURATION.fullmatch(text)
    if match is None or text in ("P", "PT") or text.endswith("T"):
        hint = " (years and months have no fixed length: use days, or a cron rule)" if _calendar(text) else ""
        raise ValidationFailed.single(
            field,
            f"{quoted(text)} is not an ISO-8601 duration of weeks, days, hours, minutes and whole seconds "
            f"(for example 'PT15M', 'PT1H30M' or 'P1D'){hint}",
        )
    parts = {name: int(value) for name, value in match.groupdict().items() if value is not None}
    duration = timedelta(**parts)
    if not MIN_INTERVAL <= duration <= MAX_INTERVAL:
        raise ValidationFailed.single(field, f"{quoted(text)} is not between one minute (PT1M) and 366 days (P366D)")
    return duration


def format_interval(duration: timedelta) -> str:
    """The canonical ISO-8601 form: days, then hours, minutes and seconds (``P1DT2H``)."""
    days, rest = divmod(int(duration.total_seconds()), 86400)
    clock = "".join(f"{n}{unit}" for unit, n in (("H", rest // 3600), ("M", rest % 3600 // 60), ("S", rest % 60)) if n)
    return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")


def _calendar(text: str) -> bool:
    date_part = text.split("T", 1)[0]
    return text.startswith("P") and ("Y" in date_part or "M" in date_part)
