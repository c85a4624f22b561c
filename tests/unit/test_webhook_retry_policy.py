"""The retry policy of webhook deliveries: the schedule of attempts a failing run gets, observed
over a clock the test moves, with a seeded random for the jitter."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from service.domain.errors import ValidationFailed
from service.domain.retry_policy import (
    DEFAULT_MAX_AGE,
    DEFAULT_MAX_ATTEMPTS,
    MAX_AGE,
    MAX_ATTEMPTS,
    STANDARD_DELAYS,
    Jitter,
    RetryPolicy,
    retry_policy,
)

FIRST = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def at_the_top() -> float:
    """The bound of every draw: each jittered delay at its full length."""
    return 1.0


def attempts_of(
    policy: RetryPolicy,
    seed: int = 0,
    retry_after: timedelta | None = None,
    draw: Callable[[], float] | None = None,
) -> list[datetime]:
    """Every attempt of a run that fails each time, the first at ``FIRST``, each retry made
    when the policy says (the clock moved to it)."""
    draw = draw or random.Random(seed).random
    attempts = [FIRST]
    while (at := policy.next_attempt(len(attempts), FIRST, attempts[-1], retry_after, draw)) is not None:
        attempts.append(at)
    return attempts


def gaps(attempts: list[datetime]) -> list[timedelta]:
    return [later - earlier for earlier, later in pairwise(attempts)]


def test_the_delays_are_the_standard_webhooks_example_schedule() -> None:
    # given the specification's table: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h
    hours = [d.total_seconds() / 3600 for d in STANDARD_DELAYS]
    # then
    assert hours == [5 / 3600, 5 / 60, 0.5, 2, 5, 10, 14, 20, 24]
    assert MAX_ATTEMPTS == 10


@pytest.mark.parametrize("seed", range(20))
def test_a_run_that_always_fails_gets_eight_attempts_each_delay_jittered_within_its_upper_half(seed: int) -> None:
    # when
    attempts = attempts_of(RetryPolicy(), seed)
    # then
    assert len(attempts) == DEFAULT_MAX_ATTEMPTS == 8
    for gap, delay in zip(gaps(attempts), STANDARD_DELAYS, strict=False):
        assert delay / 2 <= gap <= delay


@pytest.mark.parametrize("seed", range(20))
def test_full_jitter_spreads_each_delay_over_all_of_it(seed: int) -> None:
    # when
    attempts = attempts_of(RetryPolicy(jitter=Jitter.FULL), seed)
    # then
    assert len(attempts) == 8
    for gap, delay in zip(gaps(attempts), STANDARD_DELAYS, strict=False):
        assert timedelta(0) <= gap <= delay


def test_jitter_spreads_runs_that_failed_together() -> None:
    # given a hundred runs that failed at the same instant
    policy = RetryPolicy()
    # when
    seconds = {policy.next_attempt(3, FIRST, FIRST, None, random.Random(seed).random) for seed in range(100)}
    # then they come back at a hundred different instants, all within the third delay's upper half
    assert len(seconds) == 100
    assert all(FIRST + timedelta(minutes=15) <= at <= FIRST + timedelta(minutes=30) for at in seconds if at)


def test_the_default_attempts_fit_within_the_default_maximum_age_however_long_the_jitter_makes_them() -> None:
    # when every delay is drawn at its full length
    attempts = attempts_of(RetryPolicy(), draw=at_the_top)
    # then all eight attempts are made, the last 31 h 35 min 5 s after the first
    assert len(attempts) == 8
    assert attempts[-1] - FIRST == timedelta(hours=31, minutes=35, seconds=5) < DEFAULT_MAX_AGE


def test_all_ten_attempts_span_about_three_days() -> None:
    # given a policy asking for the whole schedule
    policy = RetryPolicy(max_attempts=MAX_ATTEMPTS, max_age=MAX_AGE)
    # when
    attempts = attempts_of(policy, draw=at_the_top)
    # then
    assert len(attempts) == 10
    assert attempts[-1] - FIRST == timedelta(hours=75, minutes=35, seconds=5)


def test_max_attempts_ends_the_retries() -> None:
    # when
    attempts = attempts_of(RetryPolicy(max_attempts=3), seed=1)
    # then
    assert len(attempts) == 3


def test_a_single_attempt_is_never_retried() -> None:
    assert RetryPolicy(max_attempts=1).next_attempt(1, FIRST, FIRST, None, random.Random(0).random) is None


def test_max_age_ends_the_retries_before_an_attempt_would_fall_past_it() -> None:
    # given runs that may be tried for an hour after their first attempt
    policy = RetryPolicy(max_age=timedelta(hours=1))
    # when
    attempts = attempts_of(policy, seed=2)
    # then the 5 s, 5 min and 30 min retries fit; the 2 h one would not
    assert len(attempts) == 4
    assert attempts[-1] - FIRST <= timedelta(hours=1)


def test_a_retry_after_longer_than_the_delay_is_waited_for_in_full() -> None:
    # given a target that asked for 7 seconds after the first attempt (the delay is 5 s at most)
    policy = RetryPolicy()
    # when
    at = policy.next_attempt(1, FIRST, FIRST, timedelta(seconds=7), random.Random(3).random)
    # then
    assert at == FIRST + timedelta(seconds=7)


def test_a_retry_after_shorter_than_the_delay_does_not_hurry_the_retry() -> None:
    # given a target that asks for 1 second after the fourth attempt (the delay is 1..2 h)
    policy = RetryPolicy()
    # when
    at = policy.next_attempt(4, FIRST, FIRST, timedelta(seconds=1), random.Random(3).random)
    # then
    assert at is not None and at >= FIRST + timedelta(hours=1)


@pytest.mark.parametrize("seed", range(5))
def test_every_retry_waits_at_least_what_the_target_asked(seed: int) -> None:
    # when
    attempts = attempts_of(RetryPolicy(), seed, retry_after=timedelta(minutes=10))
    # then
    assert all(gap >= timedelta(minutes=10) for gap in gaps(attempts))


def test_a_retry_after_past_the_maximum_age_fails_the_run_rather_than_retry_sooner() -> None:
    # given a run of an hour's maximum age, and a target that asks for two hours
    policy = RetryPolicy(max_age=timedelta(hours=1))
    # when
    at = policy.next_attempt(1, FIRST, FIRST, timedelta(hours=2), random.Random(0).random)
    # then
    assert at is None


def test_the_age_counts_from_the_first_attempt_not_from_the_last() -> None:
    # given a run first tried 50 minutes ago, whose third attempt just failed
    policy = RetryPolicy(max_age=timedelta(hours=1))
    now = FIRST + timedelta(minutes=50)
    # when (the next delay is 15..30 min)
    at = policy.next_attempt(3, FIRST, now, None, random.Random(0).random)
    # then
    assert at is None


def test_a_clients_policy_is_read_with_its_defaults() -> None:
    assert retry_policy() == RetryPolicy()
    assert retry_policy(3, 600) == RetryPolicy(max_attempts=3, max_age=timedelta(minutes=10))


@pytest.mark.parametrize(
    ("attempts", "age", "problems"),
    [
        (0, None, {"retry.maxAttempts": "must be 1..10 attempts, got 0"}),
        (11, None, {"retry.maxAttempts": "must be 1..10 attempts, got 11"}),
        ("3", None, {"retry.maxAttempts": "must be a whole number of attempts, 1..10"}),
        (True, None, {"retry.maxAttempts": "must be a whole number of attempts, 1..10"}),
        (2.5, None, {"retry.maxAttempts": "must be a whole number of attempts, 1..10"}),
        (None, 0, {"retry.maxAgeSeconds": "must be 1..345600 seconds, got 0"}),
        (None, 345601, {"retry.maxAgeSeconds": "must be 1..345600 seconds, got 345601"}),
        (
            -1,
            "a day",
            {
                "retry.maxAttempts": "must be 1..10 attempts, got -1",
                "retry.maxAgeSeconds": "must be a whole number of seconds, 1..345600",
            },
        ),
    ],
)
def test_a_policy_out_of_bounds_is_refused_naming_each_field(
    attempts: object, age: object, problems: dict[str, str]
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        retry_policy(attempts, age)
    assert {p.field: p.message for p in refused.value.problems} == problems
