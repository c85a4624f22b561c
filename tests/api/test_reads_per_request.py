"""What a request costs in DynamoDB calls, counted on the service's own client (moto): GraphQL
fields resolve from the schedule their parent read, the history through a per-request
loader, and a page's large payloads come in one batched read, through REST and GraphQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.conftest import CallLog

LARGE = "x" * 1000  # over 512 bytes: kept in an item of its own


@pytest.fixture
def calls(dynamodb: Any) -> Iterator[CallLog]:
    """The calls of the service's own client (the API's container is wired with it)."""
    log = CallLog()
    dynamodb.meta.events.register("before-parameter-build.dynamodb.*", log)
    yield log
    dynamodb.meta.events.unregister("before-parameter-build.dynamodb.*", log)


def create(client: TestClient, payload: str = "report", **fields: Any) -> str:
    body = {"payload": payload, "recurring": "daily", "runAt": "2030-01-06T09:00:00", "timezone": "Europe/Berlin"}
    response = client.post("/schedules", json={**body, **fields})
    assert response.status_code == 201, response.text
    job_id: str = response.json()["jobId"]
    return job_id


def graphql(client: TestClient, query: str, **variables: Any) -> Any:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_a_schedule_with_its_next_runs_and_its_history_costs_two_calls(client: TestClient, calls: CallLog) -> None:
    job_id = create(client)
    for _ in range(3):
        client.post(f"/schedules/{job_id}/run")
    calls.clear()

    read = graphql(
        client,
        "query($id: ID!) { schedule(jobId: $id) { nextRuns { runAt } runs { nodes { status } } } }",
        id=job_id,
    )

    assert calls.names() == ["GetItem", "Query"]
    assert len(read["schedule"]["nextRuns"]) == 5
    assert len(read["schedule"]["runs"]["nodes"]) == 3


def test_the_same_history_asked_for_twice_in_one_document_is_read_once(client: TestClient, calls: CallLog) -> None:
    job_id = create(client)
    client.post(f"/schedules/{job_id}/run")
    calls.clear()

    read = graphql(
        client,
        "query($id: ID!) { schedule(jobId: $id) {"
        " a: runs(first: 5) { nodes { status } } b: runs(first: 5) { nodes { trigger } } } }",
        id=job_id,
    )

    assert calls.names() == ["GetItem", "Query"]
    assert read["schedule"]["a"]["nodes"] == [{"status": "QUEUED"}]
    assert read["schedule"]["b"]["nodes"] == [{"trigger": "MANUAL"}]


def test_fifty_schedules_with_their_next_runs_cost_one_call(client: TestClient, calls: CallLog) -> None:
    for _ in range(50):
        create(client)
    calls.clear()

    listed = graphql(client, "{ schedules(first: 50) { nodes { nextRuns(count: 3) { runAt } } } }")

    assert calls.names() == ["Query"]
    assert [len(node["nextRuns"]) for node in listed["schedules"]["nodes"]] == [3] * 50


def test_each_schedule_of_a_page_reads_its_history_once_through_the_loader(client: TestClient, calls: CallLog) -> None:
    ids = [create(client) for _ in range(4)]
    client.post(f"/schedules/{ids[2]}/run")
    calls.clear()

    listed = graphql(client, "{ schedules(first: 10) { nodes { jobId runs(first: 5) { nodes { trigger } } } } }")

    histories = {node["jobId"]: node["runs"]["nodes"] for node in listed["schedules"]["nodes"]}
    assert histories == {job_id: [{"trigger": "MANUAL"}] if job_id == ids[2] else [] for job_id in ids}
    assert calls.names() == ["Query"] * 5  # the page, then one history each


@pytest.mark.parametrize("api", ["rest", "graphql"])
def test_fifty_large_payloads_of_one_page_come_in_one_batched_read(
    client: TestClient, calls: CallLog, api: str
) -> None:
    ids = [create(client, payload=f"{n:02d}{LARGE}") for n in range(50)]
    calls.clear()

    if api == "rest":
        response = client.get("/schedules?limit=50")
        payloads = [s["payload"] for s in response.json()]
    else:
        nodes = graphql(client, "{ schedules(first: 50) { nodes { payload } } }")["schedules"]["nodes"]
        payloads = [node["payload"] for node in nodes]

    assert payloads == [f"{n:02d}{LARGE}" for n in range(len(ids))]
    assert calls.names() == ["Query", "BatchGetItem"]
    (batch,) = [params for name, params in calls.calls if name == "BatchGetItem"]
    (keys,) = batch["RequestItems"].values()
    assert len(keys["Keys"]) == 50
