"""Request budgets kept in this process (per warm Lambda instance, see the README): per API
key, and per client address for key checks that fail."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from service.domain.keys import Principal, RateLimited
from service.domain.rate_limit import TokenBuckets


class _Budgets:
    """Token buckets shared by the requests of every thread, on a monotonic clock."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float]) -> None:
        self._buckets = TokenBuckets(rate=rate, burst=burst)
        self._clock = clock
        self._lock = threading.Lock()

    def take(self, subject: str) -> int:
        """0 if ``subject`` had one left (now used); else the whole seconds until it has."""
        with self._lock:
            return _seconds(self._buckets.take(subject, self._clock()))

    def wait(self, subject: str) -> int:
        with self._lock:
            return _seconds(self._buckets.wait(subject, self._clock()))


def _seconds(wait: float) -> int:
    return max(1, math.ceil(wait)) if wait > 0 else 0


class RateLimiter:
    """``per_second`` requests per API key, bursts of ``burst``."""

    def __init__(self, per_second: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._budgets = _Budgets(per_second, burst, clock)

    def check(self, principal: Principal) -> None:
        wait = self._budgets.take(principal.key_id)
        if wait:
            raise RateLimited(wait)


class FailedCheckLimiter:
    """Failed key checks per client address: guessing a key costs time.

    An address that has used up its failures is refused every check (429) until its bucket
    refills, whatever key it sends: answering a right key while refusing wrong ones would
    tell a guesser which guess was right.
    """

    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._budgets = _Budgets(per_minute / 60, burst, clock)

    def check(self, address: str) -> None:
        """``RateLimited`` while ``address`` may not try a key."""
        wait = self._budgets.wait(address)
        if wait:
            raise RateLimited.failed_checks(wait)

    def record_failure(self, address: str) -> None:
        self._budgets.take(address)
