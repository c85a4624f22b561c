"""Failed runs listed by status and delivered again, now, with their own occurrenceId
(REST and GraphQL): only a failed run, only the namespace's own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.bootstrap.api import ApiContainer
from service.domain import runs as run_records
from service.domain.runs import RunTrigger, occurrence_id
from service.entrypoints.local.stage_queue import LocalStageQueue
from tests.api.conftest import bearer

FAILED_AT = datetime(2027, 1, 3, 9, 0, tzinfo=UTC)
DELIVERED_AT = datetime(2027, 1, 3, 10, 0, tzinfo=UTC)
REDELIVER = (
    "mutation($id: ID!, $occurrence: String!) { redeliverRun(jobId: $id, occurrenceId: $occurrence) { __typename "
    "... on Run { occurrenceId status trigger attempts } ... on Error { code message } } }"
)
FAILED_RUNS = "query($id: ID!) { schedule(jobId: $id) { runs(status: FAILED) { nodes { occurrenceId status } } } }"


@pytest.fixture
def job(client: TestClient, container: ApiContainer) -> str:
    """A daily schedule with a run failed after eight attempts, and a delivered one."""
    created = client.post(
        "/schedules", json={"payload": "invoice", "runAt": "2027-01-05T09:00:00Z", "recurring": "daily"}
    )
    job_id: str = created.json()["jobId"]
    repository = container.schedules.repository
    failed = run_records.failed("default", job_id, FAILED_AT, RunTrigger.SCHEDULE, FAILED_AT, "HTTP 500", attempts=8)
    repository.add_run(failed)
    repository.add_run(run_records.delivered("default", job_id, DELIVERED_AT, RunTrigger.SCHEDULE, DELIVERED_AT, "m-1"))
    return job_id


def _path(job_id: str, at: datetime = FAILED_AT) -> str:
    return f"/schedules/{job_id}/runs/{occurrence_id(job_id, at)}/redeliver"


def _graphql(client: TestClient, query: str, **variables: Any) -> Any:
    body = client.post("/graphql", json={"query": query, "variables": variables}).json()
    assert "errors" not in body, body
    return body["data"]


def test_the_runs_of_a_status_are_listed_without_the_others(client: TestClient, job: str) -> None:
    failed = client.get(f"/schedules/{job}/runs", params={"status": "failed"})
    every = client.get(f"/schedules/{job}/runs")
    through_graphql = _graphql(client, FAILED_RUNS, id=job)["schedule"]["runs"]["nodes"]

    assert [(r["occurrenceId"], r["status"], r["attempts"]) for r in failed.json()] == [
        (occurrence_id(job, FAILED_AT), "failed", 8)
    ]
    assert {r["status"] for r in every.json()} == {"failed", "delivered"}
    assert through_graphql == [{"occurrenceId": occurrence_id(job, FAILED_AT), "status": "FAILED"}]


def test_an_unknown_status_is_refused_naming_it(client: TestClient, job: str) -> None:
    response = client.get(f"/schedules/{job}/runs", params={"status": "lost"})

    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "status"


def test_a_failed_run_is_redelivered_now_with_its_own_occurrence_id_and_shown_queued(
    client: TestClient, job: str, stage_queue: LocalStageQueue
) -> None:
    before = len(stage_queue)

    response = client.post(_path(job))

    assert response.status_code == 200, response.text
    run = response.json()
    assert (run["occurrenceId"], run["status"], run["trigger"], run["attempts"]) == (
        occurrence_id(job, FAILED_AT),
        "queued",
        "schedule",
        None,
    )
    assert len(stage_queue) == before + 1
    assert client.get(f"/schedules/{job}/runs", params={"status": "failed"}).json() == []
    queued = client.get(f"/schedules/{job}/runs", params={"status": "queued"}).json()
    assert occurrence_id(job, FAILED_AT) in {r["occurrenceId"] for r in queued}


def test_the_redelivered_run_is_a_first_attempt_due_now_that_moves_nothing(
    client: TestClient, job: str, stage_queue: LocalStageQueue, container: ApiContainer
) -> None:
    before = container.schedules.get("default", job)
    client.post(_path(job))

    (message,) = [
        m for m in stage_queue.snapshot()["messages"] if m["attributes"]["scheduledFor"] == "2027-01-03T09:00:00Z"
    ]

    assert (
        '"attempt":1' in message["attributes"]["handoff"]
        and '"notBefore":"2027-01-04T12:00:00.000Z"' in (message["attributes"]["handoff"])
    )
    assert message["body"] == "invoice"
    assert container.schedules.get("default", job).run_at == before.run_at


def test_only_a_failed_run_is_redelivered(client: TestClient, job: str) -> None:
    delivered = client.post(_path(job, DELIVERED_AT))
    twice = [client.post(_path(job)).status_code, client.post(_path(job)).status_code]

    assert (delivered.status_code, delivered.json()["error"]) == (409, "invalid_state")
    assert twice == [200, 409]


def test_a_run_the_schedule_never_had_is_not_found(client: TestClient, job: str) -> None:
    unknown = client.post(_path(job, datetime(2027, 1, 1, tzinfo=UTC)))
    malformed = client.post(f"/schedules/{job}/runs/not-an-occurrence/redeliver")

    assert (unknown.status_code, unknown.json()["error"]) == (404, "not_found")
    assert malformed.status_code == 404


def test_another_namespace_s_failed_run_is_not_found(client: TestClient, container: ApiContainer, job: str) -> None:
    theirs = container.keys.create("team-b", "team b").secret

    response = client.post(_path(job), headers=bearer(theirs))

    assert response.status_code == 404
    assert client.get(f"/schedules/{job}/runs", params={"status": "failed"}).json() != []


def test_graphql_redelivers_a_failed_run_and_refuses_another(client: TestClient, job: str) -> None:
    first = _graphql(client, REDELIVER, id=job, occurrence=occurrence_id(job, FAILED_AT))["redeliverRun"]
    again = _graphql(client, REDELIVER, id=job, occurrence=occurrence_id(job, FAILED_AT))["redeliverRun"]

    assert first == {
        "__typename": "Run",
        "occurrenceId": occurrence_id(job, FAILED_AT),
        "status": "QUEUED",
        "trigger": "SCHEDULE",
        "attempts": None,
    }
    assert (again["__typename"], again["code"]) == ("InvalidStateError", "invalid_state")


def test_an_occurrence_id_sent_encoded_is_the_same_run(client: TestClient, job: str) -> None:
    encoded = occurrence_id(job, FAILED_AT).replace("/", "%2F").replace(":", "%3A")

    response = client.post(f"/schedules/{job}/runs/{encoded}/redeliver")

    assert response.status_code == 200, response.text
