"""When a webhook delivery that failed is tried again, and when it is given up.

The delays follow the example schedule of the Standard Webhooks specification ("Deliverability
and reliability"): immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h after
each failure, about three days for all ten attempts. By default a run gets the first eight,
which span about a day (at most 31 h 35 min 5 s, less with jitter), and a client can ask for
fewer, for all ten, or for a shorter maximum age.

Each delay is jittered, so that runs that failed together (a receiver down at midnight) do not
come back together. A ``Retry-After`` the target sent is honoured: the next attempt is never
sooner than it asked. A target that asks for longer than the run may still wait (its maximum
age) gets no more attempts: the run fails now, rather than being tried before it asked, and
stays redeliverable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from service.domain.errors import FieldProblem, ValidationFailed

# The delay after each failed attempt: after the first, after the second, and so on.
STANDARD_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(STANDARD_DELAYS) + 1  # the whole example schedule
DEFAULT_MAX_ATTEMPTS = 8
# Long enough that the default eight attempts are never cut short (31 h 35 min 5 s at most).
DEFAULT_MAX_AGE = timedelta(hours=32)
# Long enough for the whole schedule (75 h 35 min 5 s at most).
MAX_AGE = timedelta(days=4)


class Jitter(StrEnum):
    # A delay d becomes uniform in [d/2, d]: spread out, yet never less than half the schedule.
    EQUAL = "equal"
    # Uniform in [0, d]: spread the most, but an attempt may come back almost at once.
    FULL = "full"


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    max_age: timedelta = DEFAULT_MAX_AGE  # from the first attempt
    delays: tuple[timedelta, ...] = STANDARD_DELAYS
    jitter: Jitter = Jitter.EQUAL

    def next_attempt(
        self,
        attempt: int,
        first_attempt_at: datetime,
        now: datetime,
        retry_after: timedelta | None,
        random: Callable[[], float],
    ) -> datetime | None:
        """When to make the attempt after ``attempt`` (1: the first), which failed at ``now``;
        None: give up, its attempts or its age are used up.

        ``random`` gives a float in [0, 1), as ``random.Random().random`` does.
        """
        if attempt >= self.max_attempts:
            return None
        delay = self._jittered(self.delays[min(attempt, len(self.delays)) - 1], random())
        if retry_after is not None:
            delay = max(delay, retry_after)
        at = now + delay
        if at > first_attempt_at + self.max_age:
            return None
        return at

    def _jittered(self, delay: timedelta, draw: float) -> timedelta:
        if self.jitter is Jitter.FULL:
            return delay * draw
        return delay / 2 + delay / 2 * draw


def retry_policy(max_attempts: object = None, max_age_seconds: object = None) -> RetryPolicy:
    """A retry policy as a client sent it (None: the default), every broken rule reported at once."""
    problems: list[FieldProblem] = []
    attempts = _whole_number(
        "retry.maxAttempts", max_attempts, DEFAULT_MAX_ATTEMPTS, 1, MAX_ATTEMPTS, problems, "attempts"
    )
    age = _whole_number(
        "retry.maxAgeSeconds",
        max_age_seconds,
        int(DEFAULT_MAX_AGE.total_seconds()),
        1,
        int(MAX_AGE.total_seconds()),
        problems,
        "seconds",
    )
    if problems:
        raise ValidationFailed(problems)
    return RetryPolicy(max_attempts=attempts, max_age=timedelta(seconds=age))


def _whole_number(
    field: str, value: object, default: int, low: int, high: int, problems: list[FieldProblem], unit: str
) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(FieldProblem(field, f"must be a whole number of {unit}, {low}..{high}"))
        return default
    if not low <= value <= high:
        problems.append(FieldProblem(field, f"must be {low}..{high} {unit}, got {value}"))
        return default
    return value
