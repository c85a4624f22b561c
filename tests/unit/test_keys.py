"""API keys without AWS: issuing, verifying with a cache, last-use writes, rate buckets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.domain.errors import ValidationFailed
from service.domain.keys import (
    KeyNotFound,
    Principal,
    RateLimited,
    Unauthorized,
    check_namespace,
    hash_key,
    visible_prefix,
)
from service.domain.rate_limit import TokenBuckets
from service.services.keys import KeyService
from service.services.rate_limits import RateLimiter
from tests.fakes import FakeClock
from tests.key_fakes import InMemoryKeyStore


@pytest.fixture
def store() -> InMemoryKeyStore:
    return InMemoryKeyStore()


@pytest.fixture
def keys(store: InMemoryKeyStore, clock: FakeClock) -> KeyService:
    return KeyService(store, clock=clock)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_a_created_key_is_random_long_and_opens_its_namespace(keys: KeyService) -> None:
    first = keys.create("team-a", "ci")
    second = keys.create("team-a", "ci")

    assert first.secret.startswith("sk_live_") and len(first.secret) >= 8 + 43
    assert first.secret != second.secret
    assert keys.authenticate(first.secret).namespace == "team-a"
    assert first.key.prefix == first.secret[:12]


def test_the_store_receives_the_hash_never_the_key(keys: KeyService, store: InMemoryKeyStore) -> None:
    issued = keys.create("team-a", "ci")

    assert hash_key(issued.secret) in store.hashes
    assert issued.secret not in repr(store.keys)


@pytest.mark.parametrize("namespace", ["", "A", "a#b", "-a", "a b", "a" * 64, "ns/x", "é"])
def test_a_namespace_that_could_break_a_table_key_is_refused(namespace: str) -> None:
    with pytest.raises(ValidationFailed, match="namespace"):
        check_namespace(namespace)


@pytest.mark.parametrize("namespace", ["default", "a", "team-42", "0" + "a" * 62])
def test_plain_namespaces_are_accepted(namespace: str) -> None:
    assert check_namespace(namespace) == namespace


def test_a_short_hand_made_key_shows_at_most_a_quarter_of_itself() -> None:
    assert visible_prefix("e2e-browser-key") == "e2e"
    assert visible_prefix("sk_live_" + "a" * 43) == "sk_live_aaaa"


@pytest.mark.parametrize(
    ("secret", "reason"),
    [("sk_live_unknown", "unknown"), ("has space", "malformed"), ("x" * 300, "malformed"), ("", "malformed")],
)
def test_an_unusable_key_is_unauthorized_with_its_reason(keys: KeyService, secret: str, reason: str) -> None:
    with pytest.raises(Unauthorized) as raised:
        keys.authenticate(secret)

    assert raised.value.reason == reason


def test_a_verification_is_cached_so_a_revocation_lands_within_the_ttl(
    keys: KeyService, store: InMemoryKeyStore, clock: FakeClock
) -> None:
    issued = keys.create("team-a", "ci")
    keys.authenticate(issued.secret)
    keys.revoke(issued.key.key_id)

    clock.advance(seconds=9.9)
    still = keys.authenticate(issued.secret)
    clock.advance(seconds=0.1)

    assert still.key_id == issued.key.key_id
    assert store.finds == 1
    with pytest.raises(Unauthorized, match="revoked"):
        keys.authenticate(issued.secret)
    assert store.finds == 2


def test_an_unknown_key_is_remembered_too(keys: KeyService, store: InMemoryKeyStore) -> None:
    for _ in range(5):
        with pytest.raises(Unauthorized):
            keys.authenticate("sk_live_guess")

    assert store.finds == 1


def test_the_cache_is_bounded(store: InMemoryKeyStore, clock: FakeClock) -> None:
    keys = KeyService(store, clock=clock, cache_size=3)
    for n in range(10):
        with pytest.raises(Unauthorized):
            keys.authenticate(f"sk_live_guess{n}")

    assert len(keys._cache) == 3


def test_the_last_use_is_written_at_most_once_per_interval(
    keys: KeyService, store: InMemoryKeyStore, clock: FakeClock
) -> None:
    issued = keys.create("team-a", "ci")
    start = clock()
    for _ in range(100):
        keys.authenticate(issued.secret)
        clock.advance(seconds=5)

    # 100 requests over 500 s: one write at the start, one after each 5 minutes.
    assert store.touches == [start, start + timedelta(seconds=300)]
    assert keys.list("team-a")[0].last_used_at == start + timedelta(seconds=300)


def test_ensure_stores_a_fixed_key_once(keys: KeyService, store: InMemoryKeyStore) -> None:
    first = keys.ensure("local-dev-key", "default", "local stack")
    again = keys.ensure("local-dev-key", "default", "local stack")

    assert first.key_id == again.key_id and len(store.keys) == 1
    assert keys.authenticate("local-dev-key").namespace == "default"


def test_revoking_an_unknown_id_says_so(keys: KeyService) -> None:
    with pytest.raises(KeyNotFound, match="key_nope"):
        keys.revoke("key_nope")


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    buckets = TokenBuckets(rate=2, burst=3)

    burst = [buckets.take("k", 0.0) for _ in range(3)]
    refused = buckets.take("k", 0.0)
    half_second_later = buckets.take("k", 0.5)

    assert burst == [0.0, 0.0, 0.0]
    assert refused == pytest.approx(0.5)
    assert half_second_later == 0.0
    assert buckets.take("k", 0.5) == pytest.approx(0.5)


def test_a_bucket_never_holds_more_than_its_burst() -> None:
    buckets = TokenBuckets(rate=10, burst=2)
    buckets.take("k", 0.0)

    allowed = [buckets.take("k", 3600.0) for _ in range(3)]

    assert allowed[:2] == [0.0, 0.0] and allowed[2] > 0


def test_buckets_remember_a_bounded_number_of_keys() -> None:
    buckets = TokenBuckets(rate=1, burst=1, max_subjects=2)
    for subject in ("a", "b", "c"):
        buckets.take(subject, 0.0)

    assert list(buckets._buckets) == ["b", "c"]


def test_the_limiter_rounds_retry_after_up_to_whole_seconds() -> None:
    now = [0.0]
    limiter = RateLimiter(per_second=1, burst=1, clock=lambda: now[0])
    caller = Principal("key_1", "default")
    limiter.check(caller)
    now[0] = 0.25
    with pytest.raises(RateLimited) as raised:
        limiter.check(caller)

    assert raised.value.retry_after_seconds == 1
