"""Property tests of interval rules and bounds over random zones, lengths and instants."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import available_timezones

from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.local_time import zone
from service.domain.recurrence import Recurrence, RecurrenceKind

ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC, microsecond=0)
)
intervals = st.integers(min_value=60, max_value=366 * 86400).map(lambda s: timedelta(seconds=s))


@settings(max_examples=300, deadline=None)
@given(tz_name=st.sampled_from(ZONES), anchor=instants, every=intervals, after=instants)
def test_interval_runs_are_exactly_one_interval_apart_in_any_zone(
    tz_name: str, anchor: datetime, every: timedelta, after: datetime
) -> None:
    rule = Recurrence(RecurrenceKind.INTERVAL, zone(tz_name), anchor=anchor, interval=every)

    runs = rule.upcoming(after, 5)

    assert all(b - a == every for a, b in itertools.pairwise(runs))
    assert all(run > after and run >= anchor and (run - anchor) % every == timedelta(0) for run in runs)
    latest = rule.latest_at_or_before(after, not_before=anchor)
    assert latest is None or rule.next_after(latest) == runs[0]


@settings(max_examples=200, deadline=None)
@given(tz_name=st.sampled_from(ZONES), start=instants, span=st.integers(1, 400), after=instants)
def test_bounded_daily_runs_stay_within_start_and_end(
    tz_name: str, start: datetime, span: int, after: datetime
) -> None:
    end = start + timedelta(days=span)
    rule = Recurrence(
        RecurrenceKind.DAILY, zone(tz_name), anchor=datetime(2000, 1, 1, 9, 30), start_at=start, end_at=end
    )

    runs = rule.upcoming(after, 10)

    assert all(start <= run <= end for run in runs)
    assert len(runs) == 10 or after >= end or not rule.upcoming(runs[-1] if runs else after, 1)
