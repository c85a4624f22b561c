"""Calls a function at each minute boundary, as an EventBridge ``rate(1 minute)`` rule does.

Time is injected: ``clock`` gives the wall-clock time, ``wait(seconds)`` sleeps and says
whether the ticker was stopped meanwhile. The real ones are ``utc_now`` and a
``threading.Event``'s ``wait``; tests pass a fake clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from service.entrypoints.local.background import BackgroundLoop

logger = logging.getLogger(__name__)

PERIOD = timedelta(minutes=1)


def next_boundary(now: datetime) -> datetime:
    """The first whole minute (UTC) strictly after ``now``."""
    return now.astimezone(UTC).replace(second=0, microsecond=0) + PERIOD


def utc_now() -> datetime:
    return datetime.now(UTC)


class Ticker(BackgroundLoop):
    name = "ticker"

    def __init__(
        self,
        on_tick: Callable[[datetime], None],
        clock: Callable[[], datetime] = utc_now,
        wait: Callable[[float], bool] | None = None,
    ) -> None:
        super().__init__()
        self._on_tick = on_tick
        self._clock = clock
        self._wait = wait or self._stopped.wait

    def run(self) -> None:
        """Tick until stopped (blocks)."""
        while True:
            boundary = next_boundary(self._clock())
            if not self._wait_until(boundary):
                return
            try:
                self._on_tick(boundary)
            except Exception:  # one failed tick must not stop the next ones
                logger.exception("tick at %s failed", boundary.isoformat())

    def _wait_until(self, boundary: datetime) -> bool:
        """Sleep until ``boundary``; False when stopped first."""
        # A sleep measures a monotonic clock, which can run a hair apart from the wall
        # clock: sleep again until the wall clock has passed the boundary, never fire early.
        while (remaining := (boundary - self._clock()).total_seconds()) > 0:
            if self._wait(remaining):
                return False
        return not self._stopped.is_set()
