"""Limits that keep the service up: per-key rate, body size, GraphQL size, CORS on every
answer, and no internal detail in a failure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from service.bootstrap.api import ApiContainer
from service.entrypoints.app import MAX_BODY_BYTES, create_app
from service.services.rate_limits import RateLimiter
from tests.api.conftest import bearer
from tests.fakes import FakeMonotonic

ORIGIN = "https://scheduler.example.com"


@pytest.fixture
def seconds() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def limited(container: ApiContainer, api_key: str, seconds: FakeMonotonic) -> Iterator[TestClient]:
    """2 requests per second, bursts of 3, CORS for ORIGIN; time moves only when told."""
    settings = container.settings.model_copy(update={"cors_origins": (ORIGIN,)})
    wired = replace(container, settings=settings, rate_limiter=RateLimiter(2, 3, clock=seconds))
    with TestClient(create_app(wired), raise_server_exceptions=False, headers=bearer(api_key)) as client:
        yield client


def test_a_key_over_its_rate_gets_429_with_retry_after_until_its_bucket_refills(
    limited: TestClient, seconds: FakeMonotonic
) -> None:
    burst = [limited.get("/schedules").status_code for _ in range(3)]
    refused = limited.get("/schedules")
    seconds.now += 0.5
    refilled = limited.get("/schedules")

    assert burst == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.json() == {
        "error": "rate_limited",
        "message": "too many requests with this API key; retry in 1 s",
    }
    assert refilled.status_code == 200


def test_the_rate_limit_is_per_key(limited: TestClient, container: ApiContainer) -> None:
    other = container.keys.create("default", "second client").secret
    for _ in range(3):
        limited.get("/schedules")

    assert limited.get("/schedules").status_code == 429
    assert limited.get("/schedules", headers=bearer(other)).status_code == 200


def test_graphql_counts_against_the_same_budget(limited: TestClient) -> None:
    for _ in range(3):
        limited.get("/schedules")

    response = limited.post("/graphql", json={"query": "{ schedules { nodes { jobId } } }"})

    assert response.status_code == 429 and response.headers["retry-after"] == "1"


def test_health_is_never_rate_limited(limited: TestClient) -> None:
    assert {limited.get("/health").status_code for _ in range(10)} == {200}


@pytest.mark.parametrize(
    ("status", "request_args"),
    [
        (401, {"method": "GET", "url": "/schedules", "headers": {"Authorization": "Bearer nope"}}),
        (413, {"method": "POST", "url": "/schedules", "content": b"x" * (MAX_BODY_BYTES + 1)}),
    ],
)
def test_refusals_carry_cors_headers_for_an_allowed_origin(
    limited: TestClient, status: int, request_args: dict[str, object]
) -> None:
    headers = {"Origin": ORIGIN, **request_args.pop("headers", {})}  # type: ignore[dict-item]

    response = limited.request(**request_args, headers=headers)  # type: ignore[arg-type]

    assert response.status_code == status
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_a_429_carries_cors_headers_and_exposes_retry_after(limited: TestClient) -> None:
    for _ in range(3):
        limited.get("/schedules")

    response = limited.get("/schedules", headers={"Origin": ORIGIN})

    assert response.status_code == 429
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "retry-after" in response.headers["access-control-expose-headers"].lower()


def test_an_origin_not_configured_gets_no_cors_headers(limited: TestClient) -> None:
    response = limited.get("/schedules", headers={"Origin": "https://evil.example"})

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_an_unexpected_failure_is_a_plain_500_with_cors_and_no_detail(
    limited: TestClient, container: ApiContainer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("table arn:aws:dynamodb:us-east-1:123:table/secret exploded")

    monkeypatch.setattr(container.schedules, "list", broken)

    response = limited.get("/schedules", headers={"Origin": ORIGIN})

    assert response.status_code == 500
    assert response.json() == {"error": "internal_error", "message": "the service failed to handle this request"}
    assert "secret" not in response.text and "Traceback" not in response.text
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_a_chunked_body_over_the_limit_is_refused_without_content_length(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    response = client.post("/schedules", content=chunks(), headers={"Content-Type": "application/json"})

    assert response.status_code == 413
    assert response.json()["error"] == "request_too_large"


def test_a_chunked_body_within_the_limit_reaches_the_route(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"payload": "chunked", '
        yield b'"runAt": "2027-02-01T09:00:00Z"}'

    response = client.post("/schedules", content=chunks(), headers={"Content-Type": "application/json"})

    assert response.status_code == 201
    assert response.json()["payload"] == "chunked"


def test_a_graphql_document_over_the_token_limit_is_refused_with_a_clear_message(client: TestClient) -> None:
    query = "{ schedules { nodes { " + " ".join(["jobId"] * 2100) + " } } }"

    response = client.post("/graphql", json={"query": query})

    messages = [e["message"] for e in response.json()["errors"]]
    assert any("token" in m.lower() for m in messages), messages
    assert "data" not in response.json() or response.json()["data"] is None
