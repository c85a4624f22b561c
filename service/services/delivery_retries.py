"""What the delivery stage does with a run its target refused: offer it again, try it again
at a planned time, or give it up. One decision per kind of target:

- **SQS** (the stack's queue, operators' queues): a passing refusal (throttling, an outage)
  offers the same message again after an exponential backoff, until it has been received
  ``max_receives`` times; then, or at once for a refusal no retry changes, it fails.
- **Webhook**: the target's own retry policy (``service.domain.retry_policy``) plans the next
  attempt, honouring ``Retry-After``; the run is handed off again, as a new message timed
  to that attempt, so a day of retries costs no receive of the queue's (which sends a
  message to its dead-letter queue after ten). Once the policy gives up, or at once for a
  refusal no retry changes (an address the SSRF rules refuse), the run fails and a copy of
  its message goes to the dead-letter queue, where an alarm sees it.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from service.domain.targets import Target, TargetKind
from service.services.delivery_ports import Received
from service.services.target_ports import DeliveryOutcome

MAX_RETRY_DELAY = timedelta(seconds=60)


class Next(enum.Enum):
    OFFER_AGAIN = "offer again"  # the same message, after ``delay``
    RETRY = "retry"  # a new hand-off, for the attempt at ``at``
    FAIL = "fail"


@dataclass(frozen=True)
class RetryDecision:
    action: Next
    attempts: int  # the attempts made so far, this one included
    delay: timedelta = timedelta(0)  # OFFER_AGAIN
    at: datetime | None = None  # RETRY: when the next attempt is made
    first_attempt_at: datetime | None = None  # RETRY: carried on, for the policy's maximum age
    dead_letter: bool = False  # FAIL: a copy of the run's message goes to the dead-letter queue


def backoff(receive_count: int, first_retry: timedelta) -> timedelta:
    """The wait before a run received ``receive_count`` times is offered again."""
    seconds = first_retry.total_seconds() * 2 ** (receive_count - 1)
    return min(MAX_RETRY_DELAY, timedelta(seconds=seconds))


class RetryPlanner:
    def __init__(
        self,
        max_receives: int,
        first_retry: timedelta,
        draw: Callable[[], float] = random.random,  # the retry policy's jitter
    ) -> None:
        self._max_receives = max_receives
        self._first_retry = first_retry
        self._draw = draw

    def decide(self, target: Target, received: Received, outcome: DeliveryOutcome, now: datetime) -> RetryDecision:
        if target.kind is TargetKind.WEBHOOK:
            return self._webhook(target, received, outcome, now)
        return self._by_receives(received, outcome)

    def _by_receives(self, received: Received, outcome: DeliveryOutcome) -> RetryDecision:
        count = received.receive_count
        if outcome.permanent or count >= self._max_receives:
            return RetryDecision(Next.FAIL, attempts=count)
        delay = max(backoff(count, self._first_retry), outcome.retry_after or timedelta(0))
        return RetryDecision(Next.OFFER_AGAIN, attempts=count, delay=delay)

    def _webhook(self, target: Target, received: Received, outcome: DeliveryOutcome, now: datetime) -> RetryDecision:
        attempt = received.item.delivery.attempt
        if outcome.permanent or target.webhook is None:
            return RetryDecision(Next.FAIL, attempts=attempt, dead_letter=True)
        # The first attempt is this one: it ended now, at most a timeout after it began.
        first = received.item.first_attempt_at or now
        at = target.webhook.retry.next_attempt(attempt, first, now, outcome.retry_after, self._draw)
        if at is None:
            return RetryDecision(Next.FAIL, attempts=attempt, dead_letter=True)
        return RetryDecision(Next.RETRY, attempts=attempt, at=at, first_attempt_at=first)
