"""Names, labels, bounds, intervals, catch-up, pause notes and idempotent creates, as REST
and GraphQL clients meet them (the real app on moto, and the Lambda handler)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.bootstrap.api import ApiContainer
from service.entrypoints.app import create_app
from tests.api.conftest import LambdaApi, bearer
from tests.conftest import Aws, table_items
from tests.target_setup import add_target

REPORT = {
    "payload": "send the report",
    "recurring": "daily",
    "runAt": "2027-01-05T09:00:00",
    "timezone": "Europe/Berlin",
    "name": "Cool stuff",
    "description": "The weekly numbers, for the team.",
    "labels": {"team": "payments", "example.com/tier": "gold"},
    "startAt": "2027-01-06T00:00:00",
    "endAt": "2027-03-01T00:00:00",
    "maxRuns": 10,
    "catchUp": "all",
}


def create(client: TestClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/schedules", json={**REPORT, **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_schedule_shows_every_new_field_as_it_was_sent(client: TestClient) -> None:
    created = create(client)

    assert created["name"] == "Cool stuff"
    assert created["description"] == "The weekly numbers, for the team."
    assert created["labels"] == {"example.com/tier": "gold", "team": "payments"}
    assert (created["startAt"], created["endAt"]) == ("2027-01-05T23:00:00Z", "2027-02-28T23:00:00Z")
    assert created["runAt"] == "2027-01-06T08:00:00Z"  # the first run on or after startAt
    assert (created["maxRuns"], created["remainingRuns"], created["catchUp"]) == (10, 10, "all")
    assert (created["interval"], created["pauseNote"]) == (None, None)
    assert client.get(f"/schedules/{created['jobId']}").json() == created


def test_an_interval_schedule_runs_every_interval_in_absolute_time(client: TestClient) -> None:
    created = create(client, recurring="interval", interval="PT15M", runAt="2027-03-28T00:50:00Z", name=None,
                     startAt=None, endAt=None, maxRuns=None)  # fmt: skip

    runs = client.get(f"/schedules/{created['jobId']}/next?count=4").json()["runs"]

    assert created["interval"] == "PT15M"
    assert [r["local"] for r in runs] == [  # Berlin springs forward at 01:00 UTC: 15 minutes all the same
        "2027-03-28T01:50:00+01:00",
        "2027-03-28T03:05:00+02:00",
        "2027-03-28T03:20:00+02:00",
        "2027-03-28T03:35:00+02:00",
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"description": "d" * 2001}, "description"),
        ({"labels": {"bad key": "x"}}, "labels"),
        ({"labels": {"team": 3}}, "labels.team"),
        ({"labels": {f"k{n}": "v" for n in range(21)}}, "labels"),
        ({"startAt": "tomorrow"}, "startAt"),
        ({"endAt": "2026-01-01T00:00:00Z"}, "endAt"),
        ({"maxRuns": 0}, "maxRuns"),
        ({"maxRuns": "10"}, "maxRuns"),
        ({"recurring": "interval", "interval": "P1M"}, "interval"),
        ({"catchUp": "sometimes"}, "catchUp"),
    ],
)
def test_each_new_field_is_refused_with_a_422_naming_it(client: TestClient, fields: dict[str, Any], field: str) -> None:
    response = client.post("/schedules", json={**REPORT, **fields})

    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "validation_failed"
    assert field in {p["field"] for p in body["problems"]}, body


def test_lists_filter_by_labels_and_by_name_prefix(client: TestClient) -> None:
    a = create(client, labels={"team": "payments", "env": "prod"}, name="Cool stuff")
    b = create(client, labels={"team": "payments"}, name="cool things")
    create(client, labels={"team": "web"}, name="Warm")

    def ids(query: str) -> list[str]:
        response = client.get(f"/schedules?{query}")
        assert response.status_code == 200, response.text
        return [s["jobId"] for s in response.json()]

    assert ids("label=team=payments") == [a["jobId"], b["jobId"]]
    assert ids("label=team=payments&label=env=prod") == [a["jobId"]]
    assert ids("name=COOL") == [a["jobId"], b["jobId"]]
    assert ids("name=cool&label=env=prod") == [a["jobId"]]
    assert ids("label=team=nobody") == []


def test_a_filtered_list_links_to_its_next_page(client: TestClient) -> None:
    made = [create(client, labels={"team": "ops"})["jobId"] for _ in range(3)]

    first = client.get("/schedules?label=team=ops&limit=2")
    rest = client.get(first.headers["link"].split(";")[0].strip("<>"))

    assert [s["jobId"] for s in first.json() + rest.json()] == made
    assert "link" not in rest.headers


@pytest.mark.parametrize(
    ("query", "field"), [("label=team", "label"), ("label=Bad%20Key=x", "label"), ("name=", "name")]
)
def test_a_bad_filter_is_a_422_naming_it(client: TestClient, query: str, field: str) -> None:
    response = client.get(f"/schedules?{query}")

    assert response.status_code == 422, response.text
    assert response.json()["problems"][0]["field"] == field


def test_a_pause_note_is_shown_with_the_state_until_resume(client: TestClient) -> None:
    job_id = create(client)["jobId"]

    paused = client.post(f"/schedules/{job_id}/pause", json={"note": "holiday until Monday"})
    plain = client.post(f"/schedules/{create(client)['jobId']}/pause")  # no body, as before
    resumed = client.post(f"/schedules/{job_id}/resume")

    assert paused.status_code == 200 and paused.json()["pauseNote"] == "holiday until Monday"
    assert plain.status_code == 200 and plain.json()["pauseNote"] is None
    assert resumed.json()["pauseNote"] is None and resumed.json()["state"] == "active"
    too_long = client.post(f"/schedules/{job_id}/pause", json={"note": "n" * 501})
    assert too_long.status_code == 422 and too_long.json()["problems"][0]["field"] == "note"


def test_a_retried_post_with_its_idempotency_key_creates_nothing_and_answers_the_same(
    aws: Aws, client: TestClient
) -> None:
    headers = {"Idempotency-Key": "3f1c9b2e-retry"}

    first = client.post("/schedules", json=REPORT, headers=headers)
    again = client.post("/schedules", json=dict(reversed(list(REPORT.items()))), headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert len([i for i in table_items(aws) if i["sk"]["S"].startswith("JOB#")]) == 1


def test_the_same_key_with_another_body_is_a_422_idempotency_key_reused(client: TestClient) -> None:
    client.post("/schedules", json=REPORT, headers={"Idempotency-Key": "k-1"})

    response = client.post("/schedules", json={**REPORT, "payload": "other"}, headers={"Idempotency-Key": "k-1"})

    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
    bad = client.post("/schedules", json=REPORT, headers={"Idempotency-Key": "has space"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "Idempotency-Key"


def test_keys_are_per_namespace(aws: Aws, client: TestClient, container: ApiContainer) -> None:
    other = container.keys.create("team-b", "tests").secret
    add_target(aws, container, "team-b", "main", default=True)
    headers = {"Idempotency-Key": "k-1"}

    mine = client.post("/schedules", json=REPORT, headers=headers).json()
    theirs = client.post("/schedules", json=REPORT, headers={**headers, "Authorization": f"Bearer {other}"}).json()

    assert mine["jobId"] != theirs["jobId"]


def test_the_idempotency_key_works_through_the_lambda_handler(lambda_api: LambdaApi) -> None:
    first = lambda_api.post("/schedules", REPORT, headers={"idempotency-key": "k-lambda"})
    again = lambda_api.post("/schedules", REPORT, headers={"idempotency-key": "k-lambda"})

    assert first.status == again.status == 201
    assert again.json()["jobId"] == first.json()["jobId"]


# -- GraphQL ---------------------------------------------------------------------------

FIELDS = "jobId name description labels { key value } startAt endAt maxRuns remainingRuns interval catchUp pauseNote"
CREATE = (
    "mutation($input: ScheduleInput!, $key: String) { createSchedule(input: $input, idempotencyKey: $key) {"
    f" __typename ... on Schedule {{ {FIELDS} }} ... on Error {{ code message }}"
    " ... on ValidationError { problems { field } } } }"
)
GQL_INPUT = {
    "payload": "send the report",
    "recurring": "INTERVAL",
    "interval": "PT15M",
    "runAt": "2030-01-01T09:00:00Z",
    "name": "Cool stuff",
    "labels": [{"key": "team", "value": "payments"}],
    "maxRuns": 3,
    "catchUp": "NONE",
}


def gql(client: TestClient, query: str, **variables: Any) -> Any:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    (value,) = body["data"].values()
    return value


def test_graphql_creates_with_every_new_field_and_agrees_with_rest(client: TestClient) -> None:
    created = gql(client, CREATE, input=GQL_INPUT)

    assert created["__typename"] == "Schedule"
    assert created["labels"] == [{"key": "team", "value": "payments"}]
    assert (created["interval"], created["catchUp"], created["remainingRuns"]) == ("PT15M", "NONE", 3)
    rest = client.get(f"/schedules/{created['jobId']}").json()
    assert (rest["labels"], rest["catchUp"], rest["name"]) == ({"team": "payments"}, "none", "Cool stuff")


def test_graphql_create_with_an_idempotency_key_answers_the_first_result(client: TestClient) -> None:
    first = gql(client, CREATE, input=GQL_INPUT, key="g-1")
    again = gql(client, CREATE, input=GQL_INPUT, key="g-1")
    other = gql(client, CREATE, input={**GQL_INPUT, "payload": "other"}, key="g-1")

    assert again == first
    assert (other["__typename"], other["code"]) == ("IdempotencyError", "idempotency_key_reused")


def test_graphql_refuses_a_repeated_label_key_naming_it(client: TestClient) -> None:
    labels = [{"key": "team", "value": "a"}, {"key": "team", "value": "b"}]

    refused = gql(client, CREATE, input={**GQL_INPUT, "labels": labels})

    assert refused["__typename"] == "ValidationError"
    assert {"field": "labels.team"} in refused["problems"]


def test_graphql_lists_by_labels_and_name_prefix(client: TestClient) -> None:
    a = gql(client, CREATE, input=GQL_INPUT)
    gql(client, CREATE, input={**GQL_INPUT, "name": "Other", "labels": [{"key": "team", "value": "web"}]})

    by_label = gql(client, '{ schedules(labels: [{key: "team", value: "payments"}]) { nodes { jobId } } }')
    by_name = gql(client, '{ schedules(namePrefix: "cool") { nodes { jobId name } } }')

    assert by_label["nodes"] == [{"jobId": a["jobId"]}]
    assert by_name["nodes"] == [{"jobId": a["jobId"], "name": "Cool stuff"}]
    bad = client.post(
        "/graphql", json={"query": '{ schedules(labels: [{key: "bad key", value: "x"}]) { nodes { jobId } } }'}
    )
    assert bad.json()["errors"][0]["extensions"]["code"] == "validation_failed"


def test_graphql_pauses_with_a_note(client: TestClient) -> None:
    job_id = gql(client, CREATE, input=GQL_INPUT)["jobId"]

    paused = gql(
        client,
        'mutation($id: ID!) { pauseSchedule(jobId: $id, note: "migrating") { ... on Schedule { state pauseNote } } }',
        id=job_id,
    )

    assert paused == {"state": "PAUSED", "pauseNote": "migrating"}


def test_graphql_counts_a_list_argument_against_the_cost_limit(client: TestClient) -> None:
    labels = [{"key": f"k{n}", "value": "v"} for n in range(30_000)]

    response = client.post(
        "/graphql",
        json={
            "query": "query($l: [LabelInput!]) { schedules(labels: $l) { nodes { jobId } } }",
            "variables": {"l": labels},
        },
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "query_too_costly"


def test_a_page_on_another_origin_may_send_an_idempotency_key_and_read_the_replay_header(
    container: ApiContainer, api_key: str
) -> None:
    origin = "https://ui.example.com"
    wired = replace(container, settings=container.settings.model_copy(update={"cors_origins": (origin,)}))
    with TestClient(create_app(wired), raise_server_exceptions=False, headers=bearer(api_key)) as client:
        preflight = client.options(
            "/schedules",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "idempotency-key, content-type",
            },
        )
        created = client.post("/schedules", json=REPORT, headers={"Origin": origin, "Idempotency-Key": "c-1"})

    assert preflight.status_code == 200
    assert "idempotency-key" in preflight.headers["access-control-allow-headers"].lower()
    assert "idempotent-replayed" in created.headers["access-control-expose-headers"].lower()
