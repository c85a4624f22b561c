"""Failed key checks per client address: a burst, then one every 10 s; and which address a
request is counted against."""

from __future__ import annotations

import pytest
from starlette.requests import HTTPConnection

from service.domain.keys import RateLimited
from service.domain.rate_limit import TokenBuckets
from service.entrypoints.client import client_address
from service.services.rate_limits import FailedCheckLimiter
from tests.fakes import FakeMonotonic

SECRET = "s3cret-shared-with-cloudfront"


def test_waiting_is_asked_without_being_counted() -> None:
    buckets = TokenBuckets(rate=1.0, burst=1)

    assert [buckets.wait("a", 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a", 0.0) == 0.0
    assert buckets.wait("a", 0.0) == pytest.approx(1.0)
    assert buckets.wait("a", 0.5) == pytest.approx(0.5)


def test_an_address_gets_ten_failures_then_one_every_ten_seconds() -> None:
    clock = FakeMonotonic()
    limiter = FailedCheckLimiter(per_minute=6, burst=10, clock=clock)
    for _ in range(10):
        limiter.check("203.0.113.7")
        limiter.record_failure("203.0.113.7")

    with pytest.raises(RateLimited) as refused:
        limiter.check("203.0.113.7")
    limiter.check("198.51.100.1")  # another address is not concerned
    clock.now += 10
    limiter.check("203.0.113.7")

    assert refused.value.retry_after_seconds == 10
    assert "not accepted from this address" in refused.value.message


def _connection(peer: tuple[str, int] | None, **headers: str) -> HTTPConnection:
    raw = [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
    return HTTPConnection({"type": "http", "headers": raw, "client": peer})


def test_without_an_origin_secret_the_peer_is_the_client_whatever_the_headers_say() -> None:
    connection = _connection(("203.0.113.7", 443), x_viewer_address="1.1.1.1", x_forwarded_for="2.2.2.2")

    assert client_address(connection, None) == "203.0.113.7"


def test_the_viewer_address_counts_only_next_to_the_origin_secret() -> None:
    edge = ("130.176.96.72", 0)  # a CloudFront edge, as API Gateway's sourceIp shows it

    trusted = _connection(edge, x_origin_verify=SECRET, x_viewer_address="198.51.100.23")
    forged = _connection(edge, x_origin_verify="guess", x_viewer_address="198.51.100.23")
    garbage = _connection(edge, x_origin_verify=SECRET, x_viewer_address="not an address")

    assert client_address(trusted, SECRET) == "198.51.100.23"
    assert client_address(forged, SECRET) == "130.176.96.72"
    assert client_address(garbage, SECRET) == "130.176.96.72"


def test_ipv6_clients_count_per_64_block_and_mapped_ipv4_as_ipv4() -> None:
    one = client_address(_connection(("2001:db8:1:2::1", 0)), None)
    other = client_address(_connection(("2001:db8:1:2:ffff::9", 0)), None)

    assert one == other == "2001:db8:1:2::/64"
    assert client_address(_connection(("::ffff:203.0.113.7", 0)), None) == "203.0.113.7"


def test_a_connection_without_a_peer_counts_as_unknown() -> None:
    assert client_address(_connection(None), None) == "unknown"
