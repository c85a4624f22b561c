"""``POST /schedules/{jobId}/backfill`` and GraphQL ``backfillSchedule``: a past range replayed
through the delivery stage, each run with the occurrenceId it would have had on time."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Aws, Stage, received

HOURLY = {"payload": "hourly report", "recurring": "cron", "cron": "0 * * * *", "timezone": "UTC"}
BACKFILL = """mutation($id: ID!, $from: String!, $to: String!) {
  backfillSchedule(jobId: $id, from: $from, to: $to) {
    __typename
    ... on Backfill { jobId runs { occurrenceId trigger status } }
    ... on Error { code message }
    ... on ValidationError { problems { field } }
  }
}"""


def _range(start: str, end: str) -> dict[str, str]:
    return {"from": f"2027-01-{start}Z", "to": f"2027-01-{end}Z"}


def _backfill(client: TestClient, job_id: str, start: str, end: str) -> dict[str, Any]:
    variables = {"id": job_id, **_range(start, end)}
    body: dict[str, Any] = client.post("/graphql", json={"query": BACKFILL, "variables": variables}).json()
    return body


def _ids(messages: list[dict[str, Any]]) -> list[str]:
    return sorted(m["MessageAttributes"]["occurrenceId"]["StringValue"] for m in messages)


def test_a_backfill_delivers_each_past_occurrence_with_its_on_time_id_and_leaves_the_schedule_as_it_was(
    aws: Aws, client: TestClient, stage: Stage
) -> None:
    created = client.post("/schedules", json=HOURLY).json()
    job_id = created["jobId"]
    stage.deliver()  # the 12:00 run, due at once when it was created
    before = client.get(f"/schedules/{job_id}").json()
    received(aws)  # drained

    answer = client.post(
        f"/schedules/{job_id}/backfill", json={"from": "2027-01-03T09:00:00Z", "to": "2027-01-03T11:30:00Z"}
    )
    queued = client.get(f"/schedules/{job_id}/runs").json()
    stage.deliver()

    assert answer.status_code == 201
    expected = [f"{job_id}/2027-01-03T{h}:00:00Z" for h in ("09", "10", "11")]
    assert sorted(r["occurrenceId"] for r in answer.json()["runs"]) == expected
    assert {(r["trigger"], r["status"]) for r in answer.json()["runs"]} == {("backfill", "queued")}
    assert {r["status"] for r in queued if r["trigger"] == "backfill"} == {"queued"}
    assert _ids(received(aws)) == expected
    runs = client.get(f"/schedules/{job_id}/runs?limit=100").json()
    assert {r["status"] for r in runs if r["trigger"] == "backfill"} == {"delivered"}
    after = client.get(f"/schedules/{job_id}").json()
    assert (after["runAt"], after["state"], after["lastRun"]) == (before["runAt"], before["state"], before["lastRun"])


def test_a_range_in_the_future_is_422_naming_to_and_an_unknown_schedule_is_404(client: TestClient) -> None:
    job_id = client.post("/schedules", json=HOURLY).json()["jobId"]

    future = client.post(
        f"/schedules/{job_id}/backfill", json={"from": "2027-01-04T00:00:00Z", "to": "2030-01-01T00:00:00Z"}
    )
    missing = client.post(
        "/schedules/00000000-0000-7000-8000-999999999999/backfill",
        json={"from": "2027-01-01T00:00:00Z", "to": "2027-01-02T00:00:00Z"},
    )
    no_body = client.post(f"/schedules/{job_id}/backfill", json={"to": "2027-01-02T00:00:00Z"})

    assert future.status_code == 422 and [p["field"] for p in future.json()["problems"]] == ["to"]
    assert missing.status_code == 404
    assert no_body.status_code == 422 and "from" in no_body.json()["message"]


def test_graphql_backfills_the_same_way(aws: Aws, client: TestClient, stage: Stage) -> None:
    job_id = client.post("/schedules", json=HOURLY).json()["jobId"]
    stage.deliver()
    received(aws)

    body = client.post(
        "/graphql",
        json={
            "query": BACKFILL,
            "variables": {"id": job_id, "from": "2027-01-04T10:00:00Z", "to": "2027-01-04T11:00:00Z"},
        },
    ).json()
    refused = client.post(
        "/graphql",
        json={
            "query": BACKFILL,
            "variables": {"id": job_id, "from": "2027-01-04T11:00:00Z", "to": "2027-01-04T10:00:00Z"},
        },
    ).json()
    stage.deliver()

    result = body["data"]["backfillSchedule"]
    assert result["__typename"] == "Backfill"
    assert [(r["trigger"], r["status"]) for r in result["runs"]] == [("BACKFILL", "QUEUED")] * 2
    assert _ids(received(aws)) == [f"{job_id}/2027-01-04T{h}:00:00Z" for h in ("10", "11")]
    assert refused["data"]["backfillSchedule"]["__typename"] == "ValidationError"
