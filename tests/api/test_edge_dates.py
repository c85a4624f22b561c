"""Dates at the edges of the calendar through every route that takes a definition: 422
naming ``runAt``, never a 500 (REST) or "Internal error." (GraphQL), and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import LambdaApi
from tests.conftest import Aws, received, table_items

EDGES = [
    {"payload": "x", "runAt": "9999-12-31T23:59:00", "timezone": "America/Los_Angeles"},
    {"payload": "x", "runAt": "0001-01-01T00:00:00", "timezone": "Asia/Tokyo"},
    {"payload": "x", "runAt": "9999-12-31T23:59:59", "timezone": "Etc/GMT+12"},
    {"payload": "x", "runAt": "0001-01-01T00:00:00+14:00", "recurring": "daily"},
]
IDS = ["la-9999", "tokyo-0001", "gmt+12-9999", "offset-0001-daily"]
RESULT = "__typename ... on ValidationError { code message problems { field message } }"
CREATE = f"mutation($input: ScheduleInput!) {{ createSchedule(input: $input) {{ {RESULT} }} }}"
UPDATE = f"mutation($id: ID!, $input: ScheduleInput!) {{ updateSchedule(jobId: $id, input: $input) {{ {RESULT} }} }}"
PREVIEW = f"query($input: ScheduleInput!) {{ previewSchedule(input: $input, count: 5) {{ {RESULT} }} }}"


def _assert_run_at_422(status: int, body: dict[str, Any]) -> None:
    assert status == 422, body
    assert body["error"] == "validation_failed"
    assert [p["field"] for p in body["problems"]] == ["runAt"]
    assert "between 1970-01-01 and 9000-01-01" in body["message"]


def _graphql_input(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "recurring": body.get("recurring", "none").upper()}


@pytest.fixture
def job_id(client: TestClient) -> str:
    created = client.post("/schedules", json={"payload": "kept", "runAt": "2027-06-01T09:30:00Z"})
    assert created.status_code == 201
    job: str = created.json()["jobId"]
    return job


@pytest.mark.parametrize("body", EDGES, ids=IDS)
def test_rest_create_update_and_preview_refuse_an_edge_date_naming_run_at(
    aws: Aws, client: TestClient, job_id: str, body: dict[str, Any]
) -> None:
    before = table_items(aws)

    for response in (
        client.post("/schedules", json=body),
        client.put(f"/schedules/{job_id}", json=body),
        client.post("/schedules/preview", json=body),
    ):
        _assert_run_at_422(response.status_code, response.json())

    assert table_items(aws) == before
    assert received(aws) == []


@pytest.mark.parametrize("body", EDGES, ids=IDS)
def test_graphql_create_update_and_preview_answer_a_validation_error_naming_run_at(
    client: TestClient, job_id: str, body: dict[str, Any]
) -> None:
    variables = {"input": _graphql_input(body), "id": job_id}

    for query in (CREATE, UPDATE, PREVIEW):
        response = client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200
        answer = response.json()
        assert "errors" not in answer, answer["errors"]
        (result,) = answer["data"].values()
        assert result["__typename"] == "ValidationError"
        assert [p["field"] for p in result["problems"]] == ["runAt"]


def test_through_the_lambda_handler_an_edge_date_is_422_too(lambda_api: LambdaApi, job_id: str) -> None:
    for response in (
        lambda_api.post("/schedules", EDGES[0]),
        lambda_api.put(f"/schedules/{job_id}", EDGES[1]),
        lambda_api.post("/schedules/preview", EDGES[2]),
    ):
        _assert_run_at_422(response.status, response.json())
    graphql = lambda_api.post("/graphql", {"query": CREATE, "variables": {"input": _graphql_input(EDGES[0])}})
    assert graphql.json()["data"]["createSchedule"]["__typename"] == "ValidationError"


def test_a_preview_of_a_cron_rule_that_runs_out_of_calendar_lists_what_there_is(client: TestClient) -> None:
    body = {"payload": "x", "recurring": "cron", "cron": "0 0 * 2 MON#5", "runAt": "8999-06-01T00:00:00Z"}

    response = client.post("/schedules/preview?count=100", json=body)

    assert response.status_code == 200, response.text
    assert 0 < len(response.json()["runs"]) < 100


@pytest.mark.parametrize("minute", [-1, 10**30, 3697423200])
def test_a_minute_outside_the_range_is_422_naming_minute_in_rest_and_graphql(client: TestClient, minute: int) -> None:
    rest = client.post("/schedules", json={"payload": "x", "minute": minute})
    graphql = client.post(
        "/graphql", json={"query": CREATE, "variables": {"input": {"payload": "x", "minute": minute}}}
    ).json()

    assert rest.status_code == 422 and [p["field"] for p in rest.json()["problems"]] == ["minute"]
    result = graphql["data"]["createSchedule"]
    assert result["__typename"] == "ValidationError" and [p["field"] for p in result["problems"]] == ["minute"]
