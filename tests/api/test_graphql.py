"""GraphQL at /graphql: the same use cases as REST, typed failures, limits and masking."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.bootstrap.api import ApiContainer
from service.entrypoints.graphql.schema import build_schema
from tests.api.conftest import LambdaApi
from tests.conftest import Aws, Stage, received, table_items

UNKNOWN_ID = "00000000-0000-7000-8000-999999999999"

SCHEDULE_FIELDS = """
fragment S on Schedule {
  jobId payload recurring minute runAt timezone cron state version createdAt updatedAt target
  name description labels { key value } startAt endAt maxRuns remainingRuns interval catchUp pauseNote
  lastRun {
    occurrenceId scheduledFor status trigger recordedAt messageId latenessMs reason attempts lastError nextAttemptAt
  }
}
"""
RESULT = """
  __typename
  ... on Schedule { ...S }
  ... on Error { code message }
  ... on NotFoundError { jobId }
  ... on ValidationError { problems { field message } }
  ... on VersionConflictError { expectedVersion actualVersion }
"""
CREATE = SCHEDULE_FIELDS + f"mutation($input: ScheduleInput!) {{ createSchedule(input: $input) {{ {RESULT} }} }}"
UPDATE = (
    SCHEDULE_FIELDS
    + "mutation($id: ID!, $input: ScheduleInput!, $v: Int) {"
    + f" updateSchedule(jobId: $id, input: $input, expectedVersion: $v) {{ {RESULT} }} }}"
)
PAUSE = SCHEDULE_FIELDS + f"mutation($id: ID!) {{ pauseSchedule(jobId: $id) {{ {RESULT} }} }}"
RESUME = SCHEDULE_FIELDS + f"mutation($id: ID!) {{ resumeSchedule(jobId: $id) {{ {RESULT} }} }}"
RUN_NOW = SCHEDULE_FIELDS + f"mutation($id: ID!) {{ runScheduleNow(jobId: $id) {{ {RESULT} }} }}"
DELETE = (
    SCHEDULE_FIELDS + "mutation($id: ID!) { deleteSchedule(jobId: $id) { __typename"
    " ... on DeletedSchedule { jobId schedule { ...S } } ... on Error { code message } } }"
)
GET = (
    SCHEDULE_FIELDS
    + """
query($id: ID!) {
  schedule(jobId: $id) {
    ...S
    nextRuns(count: 3) { runAt minute local }
    runs(first: 10) {
      nodes {
        occurrenceId scheduledFor status trigger recordedAt messageId latenessMs reason attempts lastError nextAttemptAt
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""
)
LIST = (
    SCHEDULE_FIELDS
    + """
query($first: Int!, $after: String) {
  schedules(first: $first, after: $after) { nodes { ...S } pageInfo { hasNextPage endCursor } }
}"""
)


def gql(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def data(client: TestClient, query: str, **variables: Any) -> Any:
    body = gql(client, query, **variables)
    assert "errors" not in body, body["errors"]
    (value,) = body["data"].values()
    return value


def as_rest(schedule: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL Schedule in the REST JSON's terms (enums are upper-case names in GraphQL)."""
    converted = {k: v for k, v in schedule.items() if k not in ("__typename", "nextRuns", "runs")}
    converted["recurring"] = schedule["recurring"].lower()
    converted["state"] = schedule["state"].lower()
    converted["catchUp"] = schedule["catchUp"].lower()
    converted["labels"] = {label["key"]: label["value"] for label in schedule["labels"]}
    if schedule["lastRun"] is not None:
        run = dict(schedule["lastRun"])
        run["status"], run["trigger"] = run["status"].lower(), run["trigger"].lower()
        converted["lastRun"] = run
    return converted


def rest(client: TestClient, job_id: str) -> dict[str, Any]:
    response = client.get(f"/schedules/{job_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


DAILY = {"payload": "water the plants", "recurring": "DAILY", "timezone": "Europe/Berlin", "runAt": "2027-01-05T09:00"}


def test_a_graphql_session_agrees_with_rest_at_every_step(aws: Aws, client: TestClient, stage: Stage) -> None:
    created = data(client, CREATE, input=DAILY)
    assert created["__typename"] == "Schedule"
    job_id = created["jobId"]
    assert as_rest(created) == rest(client, job_id)
    assert created["runAt"] == "2027-01-05T08:00:00Z"  # 09:00 CET

    read = data(client, GET, id=job_id)
    assert as_rest(read) == rest(client, job_id)
    assert [r["runAt"] for r in read["nextRuns"]] == [
        r["runAt"] for r in client.get(f"/schedules/{job_id}/next?count=3").json()["runs"]
    ]
    listed = data(client, LIST, first=10)
    assert [as_rest(s) for s in listed["nodes"]] == client.get("/schedules?limit=10").json()

    updated = data(client, UPDATE, id=job_id, input={**DAILY, "payload": "water the cactus"}, v=1)
    assert updated["version"] == 2 and updated["payload"] == "water the cactus"
    assert as_rest(updated) == rest(client, job_id)

    paused = data(client, PAUSE, id=job_id)
    assert paused["state"] == "PAUSED"
    assert as_rest(paused) == rest(client, job_id)

    resumed = data(client, RESUME, id=job_id)
    assert resumed["state"] == "ACTIVE"
    assert as_rest(resumed) == rest(client, job_id)

    ran = data(client, RUN_NOW, id=job_id)
    assert (ran["lastRun"]["trigger"], ran["lastRun"]["status"]) == ("MANUAL", "QUEUED")
    assert as_rest(ran) == rest(client, job_id)
    stage.deliver()
    assert [m["Body"] for m in received(aws)] == ["water the cactus"]
    ran = data(client, GET, id=job_id)
    assert ran["lastRun"]["status"] == "DELIVERED"
    runs = data(client, GET, id=job_id)["runs"]["nodes"]
    assert [{**r, "status": r["status"].lower(), "trigger": r["trigger"].lower()} for r in runs] == client.get(
        f"/schedules/{job_id}/runs"
    ).json()

    deleted = data(client, DELETE, id=job_id)
    assert deleted["jobId"] == job_id
    assert as_rest(deleted["schedule"])["version"] == ran["version"]
    assert client.get(f"/schedules/{job_id}").status_code == 404
    assert data(client, GET, id=job_id) is None


def test_a_schedule_created_through_rest_reads_the_same_through_graphql(client: TestClient) -> None:
    created = client.post(
        "/schedules", json={"payload": "x", "recurring": "cron", "cron": "*/15 9-17 * * MON-FRI", "timezone": "UTC"}
    ).json()

    assert as_rest(data(client, GET, id=created["jobId"])) == created


def test_graphql_paging_returns_every_schedule_once(client: TestClient) -> None:
    ids = [client.post("/schedules", json={"payload": "x", "minute": 29_000_000}).json()["jobId"] for _ in range(7)]

    seen: list[str] = []
    after = None
    while True:
        page = data(client, LIST, first=3, after=after)
        seen.extend(s["jobId"] for s in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == ids


def test_validation_failures_come_back_as_validation_error_results_with_problems(aws: Aws, client: TestClient) -> None:
    result = data(client, CREATE, input={"payload": "", "recurring": "CRON", "cron": "0 9 * *", "timezone": "Mars"})

    assert result["__typename"] == "ValidationError"
    assert result["code"] == "validation_failed"
    assert {p["field"] for p in result["problems"]} == {"payload", "cron", "timezone"}
    assert "five" in next(p["message"] for p in result["problems"] if p["field"] == "cron")
    assert table_items(aws) == []


def test_a_payload_over_256_kib_is_a_validation_error_with_code_payload_too_large(client: TestClient) -> None:
    result = data(client, CREATE, input={"payload": "x" * (257 * 1024), "immediate": True})

    assert result["__typename"] == "ValidationError"
    assert result["code"] == "payload_too_large"
    assert "256 KiB" in result["problems"][0]["message"]


@pytest.mark.parametrize("mutation", [UPDATE, PAUSE, RESUME, RUN_NOW])
def test_unknown_ids_are_not_found_errors(aws: Aws, client: TestClient, mutation: str) -> None:
    variables: dict[str, Any] = {"id": UNKNOWN_ID}
    if mutation is UPDATE:
        variables["input"] = DAILY

    result = data(client, mutation, **variables)

    assert result["__typename"] == "NotFoundError"
    assert result["code"] == "not_found"
    assert result["jobId"] == UNKNOWN_ID
    assert table_items(aws) == []


def test_deleting_an_unknown_id_is_a_not_found_error(client: TestClient) -> None:
    result = data(client, DELETE, id=UNKNOWN_ID)

    assert result == {
        "__typename": "NotFoundError",
        "code": "not_found",
        "message": f"no schedule with jobId {UNKNOWN_ID!r}",
    }


def test_a_stale_expected_version_is_a_version_conflict_error(client: TestClient) -> None:
    job_id = data(client, CREATE, input=DAILY)["jobId"]

    result = data(client, UPDATE, id=job_id, input=DAILY, v=7)

    assert result["__typename"] == "VersionConflictError"
    assert (result["expectedVersion"], result["actualVersion"]) == (7, 1)


def test_preview_returns_local_times_or_a_validation_error(client: TestClient) -> None:
    query = """query($input: ScheduleInput!) { previewSchedule(input: $input, count: 3) {
      __typename ... on Preview { timezone runs { runAt local } } ... on ValidationError { problems { field } } } }"""
    spring = {"payload": "x", "recurring": "DAILY", "timezone": "Europe/Berlin", "runAt": "2027-03-27T02:30"}

    preview = data(client, query, input=spring)
    invalid = data(client, query, input={**spring, "timezone": "Nowhere"})

    assert [r["local"] for r in preview["runs"]] == [
        "2027-03-27T02:30:00+01:00",
        "2027-03-28T03:00:00+02:00",
        "2027-03-29T02:30:00+02:00",
    ]
    assert invalid == {"__typename": "ValidationError", "problems": [{"field": "timezone"}]}


def test_an_over_deep_query_is_refused_with_a_clear_message(client: TestClient) -> None:
    deep = "query Deep { schedules { nodes { lastRun { a { b { c { d { e { f { g } } } } } } } } } }"

    body = gql(client, deep)

    assert body.get("data") is None
    messages = [e["message"] for e in body["errors"]]
    assert "'Deep' exceeds maximum operation depth of 8" in messages


def test_too_many_aliases_are_refused(client: TestClient) -> None:
    aliases = " ".join(f"a{n}: __typename" for n in range(25))

    body = gql(client, f"query {{ {aliases} }}")

    assert any("aliases" in e["message"] for e in body["errors"])


def test_a_domain_failure_in_a_query_shows_its_message_and_code(client: TestClient) -> None:
    body = gql(client, "{ schedules(first: 0) { nodes { jobId } } }")

    (error,) = body["errors"]
    assert error["message"] == "limit: must be between 1 and 100, got 0"
    assert error["extensions"]["code"] == "validation_failed"


def test_an_unexpected_failure_in_a_resolver_is_masked(
    client: TestClient, container: ApiContainer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any) -> Any:
        raise RuntimeError("secret connection string in here")

    monkeypatch.setattr(container.schedules.repository, "list", broken)

    body = gql(client, "{ schedules { nodes { jobId } } }")

    assert [e["message"] for e in body["errors"]] == ["Internal error."]
    assert "secret" not in str(body)


def test_a_malformed_graphql_document_shows_the_syntax_error(client: TestClient) -> None:
    body = gql(client, "{ schedules { ")

    assert body["errors"][0]["message"].startswith("Syntax Error")


def test_graphql_works_through_the_lambda_handler(lambda_api: LambdaApi) -> None:
    response = lambda_api.post("/graphql", {"query": CREATE, "variables": {"input": DAILY}})

    assert response.status == 200
    assert response.json()["data"]["createSchedule"]["state"] == "ACTIVE"


def test_a_run_delivered_years_late_and_a_minute_past_2_pow_31_read_through_graphql(
    client: TestClient, stage: Stage
) -> None:
    # The seed's minute is from 2022: delivered at once, about four years late in milliseconds.
    late = data(client, CREATE, input={"payload": "cool stuff", "minute": 27789898})
    far = data(client, CREATE, input={"payload": "far", "minute": 2**31 + 5})
    stage.deliver()

    late = data(client, GET, id=late["jobId"])
    assert late["lastRun"]["latenessMs"] > 2**31
    assert far["minute"] == 2**31 + 5
    assert [as_rest(s) for s in data(client, LIST, first=10)["nodes"]] == client.get("/schedules").json()


def test_a_minute_that_is_not_a_whole_number_is_refused_by_graphql(client: TestClient) -> None:
    body = gql(client, CREATE, input={"payload": "x", "minute": 1.5})

    assert "Long cannot represent a non-integer value: 1.5" in body["errors"][0]["message"]


def test_introspection_can_be_turned_off_for_the_cloud() -> None:
    introspect = "{ __schema { queryType { name } } }"

    assert build_schema(introspection=True).execute_sync(introspect).errors is None
    refused = build_schema(introspection=False).execute_sync(introspect).errors

    assert refused is not None
    assert "introspection" in refused[0].message.lower()


def test_a_domain_failure_in_a_nested_field_carries_its_code_too(client: TestClient) -> None:
    job_id = data(client, CREATE, input=DAILY)["jobId"]

    body = gql(client, "query($id: ID!) { schedule(jobId: $id) { runs(first: 500) { nodes { status } } } }", id=job_id)

    (error,) = body["errors"]
    assert error["message"] == "limit: must be between 1 and 100, got 500"
    assert error["extensions"]["code"] == "validation_failed"
    assert error["path"] == ["schedule", "runs"]
