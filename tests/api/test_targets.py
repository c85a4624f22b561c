"""Targets through the API: a key sees its namespace's, and a schedule names one of them or none
for the namespace's default (SPEC section 4), through REST, GraphQL and the Lambda handler."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.bootstrap.api import ApiContainer
from tests.api.conftest import LambdaApi, bearer
from tests.conftest import Aws, table_items
from tests.target_setup import add_target

LATER = {"payload": "report", "runAt": "2027-02-01T09:00:00Z"}
TARGETS = (
    "query { targets { name kind url default builtIn createdAt timeoutSeconds contentType "
    "retry { maxAttempts maxAgeSeconds } } }"
)
RESULT = (
    "__typename ... on Schedule { jobId target } ... on ValidationError { code message problems { field message } }"
)
CREATE = f"mutation($input: ScheduleInput!) {{ createSchedule(input: $input) {{ {RESULT} }} }}"
UPDATE = f"mutation($id: ID!, $input: ScheduleInput!) {{ updateSchedule(jobId: $id, input: $input) {{ {RESULT} }} }}"


@pytest.fixture
def team_a(container: ApiContainer) -> str:
    return container.keys.create("team-a", "team a").secret


@pytest.fixture
def team_b(container: ApiContainer) -> str:
    return container.keys.create("team-b", "team b").secret


@pytest.fixture
def targets(aws: Aws, container: ApiContainer) -> None:
    """team-a: orders (its default) and audit; team-b: billing, and no default; default: reports."""
    add_target(aws, container, "team-a", "orders", default=True)
    add_target(aws, container, "team-a", "audit")
    add_target(aws, container, "team-b", "billing")
    add_target(aws, container, "default", "reports")


def graphql(client: TestClient, key: str | None, query: str, **variables: Any) -> Any:
    headers = bearer(key) if key else None
    body = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers).json()
    assert "errors" not in body, body
    return body["data"]


# -- listing ------------------------------------------------------------------------


def test_the_default_namespace_has_the_stacks_queue_as_its_built_in_default(client: TestClient, aws: Aws) -> None:
    response = client.get("/targets")

    assert response.status_code == 200
    webhook_settings = {"timeoutSeconds": None, "contentType": None, "retry": None}  # a queue has none
    assert response.json() == [
        {
            "name": "default",
            "kind": "sqs",
            "url": aws.queue_url,
            "default": True,
            "builtIn": True,
            "createdAt": None,
            **webhook_settings,
        }
    ]


def test_a_key_lists_its_namespaces_targets_and_never_another_namespaces(
    client: TestClient, targets: None, team_a: str, team_b: str
) -> None:
    mine = client.get("/targets", headers=bearer(team_a)).json()
    theirs = client.get("/targets", headers=bearer(team_b)).json()
    default = client.get("/targets").json()

    assert [(t["name"], t["default"], t["builtIn"]) for t in mine] == [("audit", False, False), ("orders", True, False)]
    assert mine[1]["url"] == "https://sqs.us-east-1.amazonaws.com/123456789012/team-a-orders"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", mine[1]["createdAt"])
    assert [(t["name"], t["default"]) for t in theirs] == [("billing", False)]
    assert [(t["name"], t["default"]) for t in default] == [("default", True), ("reports", False)]


def test_graphql_lists_the_same_targets(client: TestClient, targets: None, team_a: str, team_b: str) -> None:
    rest = client.get("/targets", headers=bearer(team_a)).json()

    listed = graphql(client, team_a, TARGETS)["targets"]
    theirs = graphql(client, team_b, TARGETS)["targets"]

    assert listed == [{**t, "kind": "SQS"} for t in rest]
    assert [t["name"] for t in theirs] == ["billing"]


def test_the_lambda_handler_lists_targets_too(lambda_api: LambdaApi, targets: None, team_a: str) -> None:
    response = lambda_api.get("/targets", headers=bearer(team_a))

    assert response.status == 200
    assert [t["name"] for t in response.json()] == ["audit", "orders"]


def test_the_openapi_document_describes_the_targets(anonymous: TestClient) -> None:
    document = anonymous.get("/openapi.json").json()

    listed = document["paths"]["/targets"]["get"]
    assert listed["security"] == [{"apiKey": []}]
    assert listed["responses"]["200"]["content"]["application/json"]["schema"]["items"] == {
        "$ref": "#/components/schemas/TargetPublic"
    }
    schema = document["components"]["schemas"]["TargetPublic"]
    shown = {"name", "kind", "url", "default", "builtIn", "createdAt", "timeoutSeconds", "contentType", "retry"}
    assert set(schema["properties"]) == shown  # never a secret


# -- choosing one on a schedule ---------------------------------------------------------


def test_the_default_namespace_needs_no_target_as_before(client: TestClient) -> None:
    response = client.post("/schedules", json=LATER)

    assert response.status_code == 201
    assert response.json()["target"] is None


def test_a_schedule_names_a_target_of_its_namespace_or_none_for_its_default(
    client: TestClient, targets: None, team_a: str
) -> None:
    named = client.post("/schedules", json={**LATER, "target": "audit"}, headers=bearer(team_a))
    unnamed = client.post("/schedules", json=LATER, headers=bearer(team_a))
    through_graphql = graphql(client, team_a, CREATE, input={**LATER, "target": "orders"})["createSchedule"]

    assert (named.status_code, named.json()["target"]) == (201, "audit")
    assert (unnamed.status_code, unnamed.json()["target"]) == (201, None)
    assert through_graphql["target"] == "orders"
    job_id = named.json()["jobId"]
    assert client.get(f"/schedules/{job_id}", headers=bearer(team_a)).json()["target"] == "audit"


REFUSALS = [
    pytest.param("team-a", "shipping", "namespace 'team-a' has no target 'shipping'", id="unknown target"),
    pytest.param("team-a", "billing", "namespace 'team-a' has no target 'billing'", id="another namespace's"),
    pytest.param("team-b", None, "scheduler targets add --namespace team-b", id="no default"),
]


@pytest.fixture
def keys(team_a: str, team_b: str) -> dict[str, str]:
    return {"team-a": team_a, "team-b": team_b}


def assert_refused_naming_target(rest: Any, result: dict[str, Any], message: str) -> None:
    """A 422 through REST and a ValidationError through GraphQL, each with one problem: ``target``."""
    assert rest.status_code == 422
    assert rest.json()["error"] == "validation_failed"
    (problem,) = rest.json()["problems"]
    assert problem["field"] == "target" and message in problem["message"]
    assert result["__typename"] == "ValidationError"
    assert [p["field"] for p in result["problems"]] == ["target"] and message in result["problems"][0]["message"]


@pytest.mark.parametrize(("namespace", "target", "message"), REFUSALS)
def test_a_create_naming_a_target_the_namespace_lacks_is_a_422_naming_target(
    aws: Aws, client: TestClient, targets: None, keys: dict[str, str], namespace: str, target: str | None, message: str
) -> None:
    before = table_items(aws)

    rest = client.post("/schedules", json={**LATER, "target": target}, headers=bearer(keys[namespace]))
    result = graphql(client, keys[namespace], CREATE, input={**LATER, "target": target})["createSchedule"]

    assert_refused_naming_target(rest, result, message)
    assert table_items(aws) == before


@pytest.mark.parametrize(("namespace", "target", "message"), REFUSALS)
def test_an_update_naming_a_target_the_namespace_lacks_is_a_422_and_changes_nothing(
    aws: Aws, client: TestClient, targets: None, keys: dict[str, str], namespace: str, target: str | None, message: str
) -> None:
    key = keys[namespace]
    first = {**LATER, "target": "billing" if namespace == "team-b" else None}
    job_id = client.post("/schedules", json=first, headers=bearer(key)).json()["jobId"]
    before = table_items(aws)

    rest = client.put(f"/schedules/{job_id}", json={**LATER, "target": target}, headers=bearer(key))
    result = graphql(client, key, UPDATE, id=job_id, input={**LATER, "target": target})["updateSchedule"]

    assert_refused_naming_target(rest, result, message)
    assert table_items(aws) == before


def test_an_update_moves_a_schedule_to_another_target_of_its_namespace(
    client: TestClient, targets: None, team_a: str
) -> None:
    job_id = client.post("/schedules", json=LATER, headers=bearer(team_a)).json()["jobId"]

    rest = client.put(f"/schedules/{job_id}", json={**LATER, "target": "audit"}, headers=bearer(team_a))
    back = graphql(client, team_a, UPDATE, id=job_id, input={**LATER, "target": None})["updateSchedule"]

    assert (rest.status_code, rest.json()["target"]) == (200, "audit")
    assert back == {"__typename": "Schedule", "jobId": job_id, "target": None}


def test_a_default_added_by_an_operator_lets_a_namespace_create_schedules_naming_none(
    aws: Aws, client: TestClient, container: ApiContainer, team_b: str
) -> None:
    refused = client.post("/schedules", json=LATER, headers=bearer(team_b))

    add_target(aws, container, "team-b", "billing", default=True)
    accepted = client.post("/schedules", json=LATER, headers=bearer(team_b))

    assert refused.status_code == 422
    assert accepted.status_code == 201
