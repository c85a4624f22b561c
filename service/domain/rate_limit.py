"""A token bucket per caller: a steady rate with room for bursts."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class TokenBuckets:
    """``rate`` requests per second per subject, up to ``burst`` at once.

    Time is the caller's, in seconds on any monotonic scale. Only the ``max_subjects``
    most recently seen subjects are remembered: a forgotten one starts again with a full
    bucket, which errs towards letting a request through, never towards refusing it.
    """

    rate: float
    burst: int
    max_subjects: int = 10_000
    _buckets: OrderedDict[str, _Bucket] = field(default_factory=OrderedDict, repr=False)

    def take(self, subject: str, now: float) -> float:
        """0 if the request may proceed (and is counted); else the seconds until it may."""
        bucket = self._refilled(subject, now)
        self._buckets.pop(subject, None)
        self._buckets[subject] = bucket  # the most recently seen is forgotten last
        while len(self._buckets) > self.max_subjects:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return self._wait(bucket)

    def wait(self, subject: str, now: float) -> float:
        """The seconds until ``subject`` may take one, 0 if it may now; nothing is counted."""
        return self._wait(self._refilled(subject, now))

    def _refilled(self, subject: str, now: float) -> _Bucket:
        bucket = self._buckets.get(subject)
        if bucket is None:
            return _Bucket(tokens=float(self.burst), at=now)
        elapsed = max(0.0, now - bucket.at)
        return _Bucket(tokens=min(float(self.burst), bucket.tokens + elapsed * self.rate), at=now)

    def _wait(self, bucket: _Bucket) -> float:
        return 0.0 if bucket.tokens >= 1.0 else (1.0 - bucket.tokens) / self.rate
