"""The app as clients meet it: through the ASGI interface, and through the Lambda handler."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mangum import Mangum

from service.bootstrap import Container
from service.entrypoints.app import create_app
from tests.api.events import LambdaContext, LambdaResponse, http_api_event


class LambdaApi:
    """Sends requests as API Gateway HTTP API v2 events through a Mangum handler."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler

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
        sent_headers = dict(headers or {})
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
def app(container: Container) -> FastAPI:
    return create_app(container)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def lambda_api(app: FastAPI) -> LambdaApi:
    """The app behind Mangum, as ``service.entrypoints.lambda_api`` serves it."""
    return LambdaApi(Mangum(app, lifespan="off"))
