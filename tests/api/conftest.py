"""The app as clients meet it: through the ASGI interface, and through the Lambda handler."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mangum import Mangum

from service.bootstrap.api import ApiContainer
from service.config import Settings
from service.entrypoints.app import create_app
from tests.api.events import LambdaContext, LambdaResponse, http_api_event
from tests.conftest import Aws


class LambdaApi:
    """Sends requests as API Gateway HTTP API v2 events through a Mangum handler."""

    def __init__(self, handler: Any, headers: dict[str, str] | None = None) -> None:
        self.handler = handler
        self.headers = dict(headers or {})  # sent with every request unless it overrides them

    def __call__(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: str | None = None,
        query: str = "",
        headers: dict[str, str] | None = None,
    ) -> LambdaResponse:
        sent_headers = {**self.headers, **(headers or {})}
        if json_body is not None:
            body = json.dumps(json_body)
            sent_headers.setdefault("content-type", "application/json")
        event = http_api_event(method, path, query=query, body=body, headers=sent_headers)
        return LambdaResponse.of(self.handler(event, LambdaContext()))

    def get(self, path: str, **kwargs: Any) -> LambdaResponse:
        return self("GET", path, **kwargs)

    def post(self, path: str, json_body: Any = None, **kwargs: Any) -> LambdaResponse:
        return self("POST", path, json_body=json_body, **kwargs)

    def put(self, path: str, json_body: Any = None, **kwargs: Any) -> LambdaResponse:
        return self("PUT", path, json_body=json_body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> LambdaResponse:
        return self("DELETE", path, **kwargs)


@pytest.fixture
def settings(aws: Aws) -> Settings:
    """No rate limit to speak of: a test that wants one builds its own, on a fake clock."""
    return Settings.model_validate(
        {
            "table_name": aws.table_name,
            "queue_url": aws.queue_url,
            "rate_limit_per_second": 100_000,
            "rate_limit_burst": 100_000,
            "failed_checks_burst": 100_000,
        }
    )


@pytest.fixture
def api_key(container: ApiContainer) -> str:
    """A valid key of the default namespace, which the clients below send by default."""
    return container.keys.create(container.settings.default_namespace, "tests").secret


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def app(container: ApiContainer) -> FastAPI:
    return create_app(container)


@pytest.fixture
def client(app: FastAPI, api_key: str) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, headers=bearer(api_key)) as test_client:
        yield test_client


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    """A client that sends no key."""
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def lambda_api(app: FastAPI, api_key: str) -> LambdaApi:
    """The app behind Mangum, as ``service.entrypoints.lambda_api`` serves it."""
    return LambdaApi(Mangum(app, lifespan="off"), headers=bearer(api_key))
