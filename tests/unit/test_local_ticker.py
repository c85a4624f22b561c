"""The local ticker fires at each minute boundary, as an EventBridge rate(1 minute) rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from service.entrypoints.local.ticker import Ticker, next_boundary
from tests.fakes import FakeClock


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class FakeSleep:
    """Moves the fake clock by what the ticker asks, less ``short`` seconds (but never by
    nothing); stops once ``stop_after`` ticks have fired."""

    def __init__(self, clock: FakeClock, short: float = 0.0) -> None:
        self.clock = clock
        self.short = short
        self.waits: list[float] = []
        self.stop_after: int | None = None
        self.fired: list[tuple[datetime, datetime]] = []  # (boundary, clock when fired)

    def __call__(self, seconds: float) -> bool:
        if self.stop_after is not None and len(self.fired) >= self.stop_after:
            return True
        self.waits.append(round(seconds, 6))
        self.clock.advance(seconds=seconds - self.short if seconds > self.short else seconds + 0.0001)
        return False

    def tick(self, boundary: datetime) -> None:
        self.fired.append((boundary, self.clock()))
        self.clock.advance(seconds=0.01)  # the dispatcher's own run time


def test_next_boundary_is_the_next_whole_minute_strictly_after_now() -> None:
    assert next_boundary(at("2027-01-04T12:00:59.400000")) == at("2027-01-04T12:01:00")
    assert next_boundary(at("2027-01-04T12:01:00")) == at("2027-01-04T12:02:00")
    assert next_boundary(at("2027-12-31T23:59:30")) == at("2028-01-01T00:00:00")


def test_next_boundary_of_a_local_time_is_the_utc_minute() -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    assert next_boundary(datetime(2027, 1, 4, 17, 30, 10, tzinfo=india)) == at("2027-01-04T12:01:00")


def test_ticker_sleeps_to_each_boundary_and_fires_with_that_boundary() -> None:
    clock = FakeClock(at("2027-01-04T12:00:59.400000"))
    sleep = FakeSleep(clock)
    sleep.stop_after = 3

    Ticker(sleep.tick, clock=clock, wait=sleep).run()

    assert [boundary for boundary, _ in sleep.fired] == [
        at("2027-01-04T12:01:00"),
        at("2027-01-04T12:02:00"),
        at("2027-01-04T12:03:00"),
    ]
    # The time spent in a tick is taken off the next wait: no drift from minute to minute.
    assert sleep.waits == [0.6, 59.99, 59.99]


def test_ticker_never_fires_before_the_boundary_when_its_sleeps_come_back_early() -> None:
    clock = FakeClock(at("2027-01-04T12:00:30"))
    sleep = FakeSleep(clock, short=0.002)  # the wall clock runs a little behind the sleeps
    sleep.stop_after = 2

    Ticker(sleep.tick, clock=clock, wait=sleep).run()

    assert [fired >= boundary for boundary, fired in sleep.fired] == [True, True]
    assert all((fired - boundary) < timedelta(milliseconds=1) for boundary, fired in sleep.fired)


def test_a_failing_tick_is_logged_and_the_next_boundary_still_fires(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock(at("2027-01-04T12:00:50"))
    sleep = FakeSleep(clock)
    sleep.stop_after = 2

    def failing_then_recording(boundary: datetime) -> None:
        sleep.tick(boundary)
        if len(sleep.fired) == 1:
            raise RuntimeError("the dispatcher crashed")

    Ticker(failing_then_recording, clock=clock, wait=sleep).run()

    assert [boundary for boundary, _ in sleep.fired] == [at("2027-01-04T12:01:00"), at("2027-01-04T12:02:00")]
    assert "the dispatcher crashed" in caplog.text


def test_a_ticker_stopped_while_it_waits_fires_nothing() -> None:
    clock = FakeClock(at("2027-01-04T12:00:50"))
    fired: list[datetime] = []

    Ticker(fired.append, clock=clock, wait=lambda seconds: True).run()

    assert fired == []


def test_a_started_ticker_stops_promptly_on_request() -> None:
    fired: list[datetime] = []
    ticker = Ticker(fired.append)
    ticker.start()

    ticker.stop(timeout=2)

    assert ticker._thread is not None and not ticker._thread.is_alive()
    assert fired == []
