"""/graphql requests that never reach an operation get the API's JSON error body (and are in
/openapi.json); a document of several operations needs an operationName."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import LambdaApi
from tests.api.events import LambdaContext, LambdaResponse, http_api_event

JSON = {"content-type": "application/json"}
TWO_OPERATIONS = "query First { __typename } mutation Second { __typename }"

TRANSPORT = [
    # (method, body, headers, status, error code, words of the message)
    ("POST", b'{"query": "{ __typename }"}', {}, 415, "unsupported_media_type", "application/json"),
    ("POST", b'{"query": "{ __typename }"}', {"content-type": "text/plain"}, 415, "unsupported_media_type", "JSON"),
    ("POST", b'{"query": ', JSON, 400, "malformed_json", "not valid JSON"),
    ("POST", b"", JSON, 400, "malformed_json", "not valid JSON"),
    ("POST", b'{"query": "\xff"}', JSON, 400, "malformed_json", "not UTF-8"),
    ("POST", b"[" * 5000 + b"]" * 5000, JSON, 400, "malformed_json", "nest too deeply"),
    ("POST", b"{}", JSON, 400, "invalid_graphql_request", "No GraphQL query"),
    ("POST", b'{"query": 5}', JSON, 400, "invalid_graphql_request", "query"),
    ("POST", b'{"query": "{ __typename }", "variables": 5}', JSON, 400, "invalid_graphql_request", "variables"),
    ("POST", b"[]", JSON, 400, "invalid_graphql_request", "Batching"),
    ("POST", b'{"query": "{ __typename }", "operationName": "Other"}', JSON, 400, "invalid_graphql_request", "'Other'"),
]
IDS = [
    "no-content-type",
    "text-plain",
    "truncated-json",
    "empty-body",
    "invalid-utf8",
    "nested-5000",
    "no-query",
    "query-not-a-string",
    "variables-not-an-object",
    "batch",
    "unknown-operation-name",
]


def _assert_error(status: int, headers: Any, body: dict[str, Any], want: int, code: str, words: str) -> None:
    assert status == want, body
    assert headers["content-type"] == "application/json"
    assert body["error"] == code
    assert words in body["message"]


@pytest.mark.parametrize(("method", "body", "headers", "status", "code", "words"), TRANSPORT, ids=IDS)
def test_a_request_graphql_cannot_take_gets_the_json_error_body(
    client: TestClient, method: str, body: bytes, headers: dict[str, str], status: int, code: str, words: str
) -> None:
    response = client.request(method, "/graphql", content=body, headers=headers)

    _assert_error(response.status_code, response.headers, response.json(), status, code, words)


@pytest.mark.parametrize(("method", "body", "headers", "status", "code", "words"), TRANSPORT, ids=IDS)
def test_through_the_lambda_handler_the_same_requests_get_the_same_answers(
    lambda_api: LambdaApi, method: str, body: bytes, headers: dict[str, str], status: int, code: str, words: str
) -> None:
    event = http_api_event(method, "/graphql", body=body or None, headers={**headers, **lambda_api.headers})
    if not body:
        event["headers"]["content-length"] = "0"

    response = LambdaResponse.of(lambda_api.handler(event, LambdaContext()))

    _assert_error(response.status, response.headers, response.json(), status, code, words)


def test_an_operation_sent_with_get_is_405_allowing_post(client: TestClient) -> None:
    response = client.get("/graphql", params={"query": "{ __typename }"})

    _assert_error(response.status_code, response.headers, response.json(), 405, "method_not_allowed", "POST")
    assert response.headers["allow"] == "POST"


def test_get_without_the_ide_is_a_json_404_naming_the_setting(client: TestClient) -> None:
    response = client.get("/graphql", headers={"accept": "text/html"})

    _assert_error(response.status_code, response.headers, response.json(), 404, "not_found", "SCHEDULER_GRAPHQL_IDE")


def test_several_operations_without_an_operation_name_are_refused_naming_them(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": TWO_OPERATIONS})

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert "2 operations ('First', 'Second')" in error["message"]
    assert "operationName" in error["message"]
    assert error["extensions"]["code"] == "operation_name_required"


def test_several_operations_with_an_operation_name_run_the_one_named(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "Second"})

    assert response.json() == {"data": {"__typename": "Mutation"}}


def test_one_operation_needs_no_operation_name(client: TestClient) -> None:
    assert client.post("/graphql", json={"query": "query Only { __typename }"}).json() == {
        "data": {"__typename": "Query"}
    }


def test_openapi_lists_the_transport_errors_of_graphql_with_the_error_body(client: TestClient) -> None:
    responses = client.get("/openapi.json").json()["paths"]["/graphql"]["post"]["responses"]

    for status in ("400", "401", "405", "413", "415", "429"):
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/ErrorBody"), status
