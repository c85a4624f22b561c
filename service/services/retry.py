"""Another try for a call that failed past botocore's own retries, where trying again is safe.

botocore retries throttling and dropped connections inside one call; what still raises
reaches this layer. The dispatcher tries again only what is idempotent or conditional (a
read, a history put of the same key, an advance fenced by the schedule's version, a lease
write fenced by its owner), a few times, with a short jittered pause: the tick has a
deadline and a lease that runs out, so it cannot wait long. Each failure is reported, so
the tick counts what failed even when the retry succeeds.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Retry:
    attempts: int = 3
    base_delay: float = 0.1  # seconds; doubled at each attempt, "full jitter"
    max_delay: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    _random: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def call(self, action: Callable[[], T], on_failure: Callable[[Exception], None]) -> T:
        """``action()``, tried up to ``attempts`` times; the last failure is raised."""
        attempt = 1
        while True:
            try:
                return action()
            except Exception as exc:
                on_failure(exc)
                if attempt >= self.attempts:
                    raise
            self.sleep(self._random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt)))
            attempt += 1
