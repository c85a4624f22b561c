"""Guessing keys costs time: after 10 keys that are not accepted, a client address gets 429 with
``Retry-After`` for any key until its budget refills; through the ASGI app (the socket's peer)
and through the Lambda handler (API Gateway's sourceIp, or CloudFront's viewer address next to
the origin secret)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mangum import Mangum

from service.bootstrap.api import ApiContainer
from service.entrypoints.app import create_app
from service.services.rate_limits import FailedCheckLimiter
from tests.api.conftest import bearer
from tests.api.events import LambdaContext, LambdaResponse, http_api_event
from tests.fakes import FakeMonotonic

SECRET = "origin-secret-0123456789"
GUESSER = ("203.0.113.66", 50000)
NEIGHBOUR = ("203.0.113.67", 50000)


@pytest.fixture
def seconds() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def guarded(container: ApiContainer, seconds: FakeMonotonic) -> FastAPI:
    """The default budget (10, then 6 a minute) on a clock that moves only when told."""
    settings = container.settings.model_copy(update={"origin_secret": SECRET})
    return create_app(replace(container, settings=settings, failed_checks=FailedCheckLimiter(6, 10, clock=seconds)))


def _client(app: FastAPI, peer: tuple[str, int]) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=peer)


def test_after_ten_wrong_keys_an_address_is_refused_with_retry_after_even_with_a_right_key(
    guarded: FastAPI, api_key: str, seconds: FakeMonotonic
) -> None:
    guesser = _client(guarded, GUESSER)

    guesses = [guesser.get("/schedules", headers=bearer(f"sk_live_guess{n}")).status_code for n in range(10)]
    refused = guesser.get("/schedules", headers=bearer("sk_live_guess10"))
    right_key = guesser.get("/schedules", headers=bearer(api_key))
    graphql = guesser.post("/graphql", json={"query": "{ schedules { nodes { jobId } } }"}, headers=bearer(api_key))
    neighbour = _client(guarded, NEIGHBOUR).get("/schedules", headers=bearer(api_key))
    seconds.now += 10
    later = guesser.get("/schedules", headers=bearer(api_key))

    assert guesses == [401] * 10
    assert refused.status_code == 429 and refused.headers["retry-after"] == "10"
    assert refused.json()["error"] == "rate_limited"
    assert "not accepted from this address" in refused.json()["message"]
    assert right_key.status_code == graphql.status_code == 429  # a right key must not stand out
    assert neighbour.status_code == 200
    assert later.status_code == 200


def test_requests_without_a_key_and_open_routes_are_not_counted(guarded: FastAPI) -> None:
    client = _client(guarded, GUESSER)

    assert {client.get("/schedules").status_code for _ in range(20)} == {401}
    assert {client.get("/health").status_code for _ in range(20)} == {200}
    assert client.get("/schedules", headers=bearer("sk_live_wrong")).status_code == 401


def _lambda(app: FastAPI) -> Callable[..., LambdaResponse]:
    handler = Mangum(app, lifespan="off")

    def call(key: str, source_ip: str, **headers: str) -> LambdaResponse:
        sent = {name.replace("_", "-"): value for name, value in headers.items()}
        event = http_api_event("GET", "/schedules", headers={**bearer(key), **sent})
        event["requestContext"]["http"]["sourceIp"] = source_ip
        return LambdaResponse.of(handler(event, LambdaContext()))

    return call


def test_through_the_lambda_handler_the_gateway_source_ip_is_the_address(guarded: FastAPI, api_key: str) -> None:
    call = _lambda(guarded)
    for n in range(10):
        assert call(f"sk_live_guess{n}", "198.51.100.9").status == 401

    refused = call(api_key, "198.51.100.9")
    other = call(api_key, "198.51.100.10")

    assert refused.status == 429 and refused.headers["retry-after"] == "10"
    assert other.status == 200


def test_through_cloudfront_the_viewer_address_counts_only_with_the_origin_secret(
    guarded: FastAPI, api_key: str
) -> None:
    call = _lambda(guarded)
    edge = "130.176.96.72"  # one CloudFront edge server, in front of many viewers
    for n in range(10):
        call(f"sk_live_guess{n}", edge, x_origin_verify=SECRET, x_viewer_address="192.0.2.1")

    guesser_again = call(api_key, edge, x_origin_verify=SECRET, x_viewer_address="192.0.2.1")
    other_viewer = call(api_key, edge, x_origin_verify=SECRET, x_viewer_address="192.0.2.2")
    # Straight to the gateway, a forged viewer address without the secret changes nothing:
    for n in range(10):
        call(f"sk_live_forged{n}", "198.51.100.77", x_viewer_address=f"192.0.2.{100 + n}")
    forger = call(api_key, "198.51.100.77", x_viewer_address="192.0.2.200")

    assert guesser_again.status == 429
    assert other_viewer.status == 200
    assert forger.status == 429
