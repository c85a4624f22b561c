"""A namespace registers its own webhooks through its key (REST, GraphQL, the Lambda handler):
the secret answered once and kept in the target item only, the URL refused by the SSRF rules
at registration, and an SQS target, which only operators change, never touched by a key."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.bootstrap.api import ApiContainer
from service.domain.webhooks import ROTATION_OVERLAP, SECRET_PREFIX
from tests.api.conftest import LambdaApi, bearer
from tests.conftest import NOW, Aws, table_items
from tests.target_setup import add_target

HOOK = {"name": "billing", "kind": "webhook", "url": "https://hooks.example.com/billing"}
CREATE = (
    "mutation($input: WebhookTargetInput!) { createWebhookTarget(input: $input) { __typename "
    "... on WebhookTargetWithSecret { secret target { name kind url timeoutSeconds retry { maxAttempts } } } "
    "... on ValidationError { code problems { field message } } } }"
)
DELETE = (
    "mutation($name: String!) { deleteTarget(name: $name) { __typename ... on DeletedTarget { name } "
    "... on Error { code message } } }"
)
ROTATE = (
    "mutation($name: String!) { rotateTargetSecret(name: $name) { __typename "
    "... on WebhookTargetWithSecret { secret } ... on Error { code message } } }"
)


@pytest.fixture
def team_a(container: ApiContainer) -> str:
    return container.keys.create("team-a", "team a").secret


def _graphql(client: TestClient, key: str, query: str, **variables: Any) -> Any:
    body = client.post("/graphql", json={"query": query, "variables": variables}, headers=bearer(key)).json()
    assert "errors" not in body, body
    return body["data"]


def _items_of(aws: Aws, partition: str) -> list[dict[str, Any]]:
    return [item for item in table_items(aws) if item["pk"]["S"] == partition]


# -- registering ------------------------------------------------------------------------


def test_a_key_registers_a_webhook_and_is_shown_its_secret_once(client: TestClient, aws: Aws, team_a: str) -> None:
    created = client.post("/targets", json=HOOK, headers=bearer(team_a))
    listed = client.get("/targets", headers=bearer(team_a))

    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/targets/billing"
    secret = created.json()["secret"]
    assert secret.startswith(SECRET_PREFIX)
    target = created.json()["target"]
    assert (target["name"], target["kind"], target["url"], target["default"]) == (
        "billing",
        "webhook",
        HOOK["url"],
        False,
    )
    assert target["timeoutSeconds"] == 10 and target["retry"] == {"maxAttempts": 8, "maxAgeSeconds": 115_200}
    assert listed.json() == [target]
    assert secret not in listed.text


def test_the_secret_is_kept_in_the_target_item_and_never_in_the_operators_listing_record(
    client: TestClient, aws: Aws, team_a: str
) -> None:
    secret = client.post("/targets", json=HOOK, headers=bearer(team_a)).json()["secret"]

    (target_item,) = _items_of(aws, "TARGETS#team-a")
    (record,) = _items_of(aws, "TARGETS")

    assert target_item["webhook"]["M"]["secret"]["S"] == secret
    assert secret not in json.dumps(record) and "secret" not in record["webhook"]["M"]
    assert record["webhook"]["M"]["retry"] == target_item["webhook"]["M"]["retry"]


def test_a_webhook_s_own_timeout_content_type_and_retry_policy_are_kept_and_shown(
    client: TestClient, team_a: str
) -> None:
    settings = {
        "timeoutSeconds": 3,
        "contentType": "application/json",
        "retry": {"maxAttempts": 3, "maxAgeSeconds": 600},
    }

    created = client.post("/targets", json={**HOOK, **settings}, headers=bearer(team_a))

    shown = created.json()["target"]
    assert (shown["timeoutSeconds"], shown["contentType"], shown["retry"]) == (
        3,
        "application/json",
        {"maxAttempts": 3, "maxAgeSeconds": 600},
    )


def test_bad_settings_are_refused_naming_each_field_and_nothing_is_stored(
    client: TestClient, aws: Aws, team_a: str
) -> None:
    body = {**HOOK, "name": "Billing!", "timeoutSeconds": 0, "retry": {"maxAttempts": 11}}

    response = client.post("/targets", json=body, headers=bearer(team_a))

    assert response.status_code == 422
    assert {p["field"] for p in response.json()["problems"]} == {"name", "timeoutSeconds", "retry.maxAttempts"}
    assert _items_of(aws, "TARGETS#team-a") == []


def test_a_key_never_registers_an_sqs_target(client: TestClient, aws: Aws, team_a: str) -> None:
    sqs = {"name": "mine", "kind": "sqs", "url": "https://sqs.us-east-1.amazonaws.com/123456789012/theirs"}

    response = client.post("/targets", json=sqs, headers=bearer(team_a))

    assert response.status_code == 422
    assert [p["field"] for p in response.json()["problems"]] == ["kind"]
    assert "operators" in response.json()["message"]
    assert _items_of(aws, "TARGETS#team-a") == []


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://hooks.example.com/billing", "https"),
        ("https://127.0.0.1/hook", "loopback"),
        ("https://10.1.2.3/hook", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://intranet.example.com/hook", "10.0.0.7"),
        ("https://rebinding.example.com/hook", "127.0.0.1"),
    ],
)
def test_a_url_the_ssrf_rules_refuse_is_refused_at_registration(
    client: TestClient, aws: Aws, team_a: str, url: str, says: str
) -> None:
    response = client.post("/targets", json={**HOOK, "url": url}, headers=bearer(team_a))

    assert response.status_code == 422, response.text
    (problem,) = response.json()["problems"]
    assert problem["field"] == "url" and says in problem["message"]
    assert _items_of(aws, "TARGETS#team-a") == []


def test_a_name_taken_is_refused_and_the_first_webhook_kept(client: TestClient, team_a: str) -> None:
    first = client.post("/targets", json=HOOK, headers=bearer(team_a)).json()

    again = client.post("/targets", json={**HOOK, "url": "https://other.example.com/"}, headers=bearer(team_a))

    assert again.status_code == 409
    assert client.get("/targets", headers=bearer(team_a)).json() == [first["target"]]


def test_a_webhook_made_the_default_takes_the_schedules_that_name_none(client: TestClient, team_a: str) -> None:
    client.post("/targets", json={**HOOK, "default": True}, headers=bearer(team_a))

    created = client.post("/schedules", json={"payload": "p", "runAt": "2027-02-01T09:00:00Z"}, headers=bearer(team_a))

    assert created.status_code == 201, created.text
    assert [t["default"] for t in client.get("/targets", headers=bearer(team_a)).json()] == [True]


# -- removing, rotating -------------------------------------------------------------------


def test_a_key_removes_its_namespace_s_webhook(client: TestClient, team_a: str) -> None:
    client.post("/targets", json=HOOK, headers=bearer(team_a))

    removed = client.delete("/targets/billing", headers=bearer(team_a))

    assert removed.status_code == 200 and removed.json()["name"] == "billing"
    assert client.get("/targets", headers=bearer(team_a)).json() == []


def test_a_key_never_removes_an_sqs_target_nor_the_stack_s_own_queue(
    aws: Aws, client: TestClient, container: ApiContainer, team_a: str
) -> None:
    add_target(aws, container, "team-a", "orders", default=True)

    operators = client.delete("/targets/orders", headers=bearer(team_a))
    built_in = client.delete("/targets/default")

    assert (operators.status_code, operators.json()["error"]) == (403, "forbidden")
    assert (built_in.status_code, built_in.json()["error"]) == (403, "forbidden")
    assert [t["name"] for t in client.get("/targets", headers=bearer(team_a)).json()] == ["orders"]
    assert [t["name"] for t in client.get("/targets").json()] == ["default"]


def test_another_namespace_s_webhook_is_not_found(client: TestClient, team_a: str) -> None:
    client.post("/targets", json=HOOK, headers=bearer(team_a))

    response = client.delete("/targets/billing")  # the default namespace's key

    assert (response.status_code, response.json()["error"]) == (404, "not_found")
    assert [t["name"] for t in client.get("/targets", headers=bearer(team_a)).json()] == ["billing"]


def test_a_rotation_answers_a_new_secret_and_keeps_the_old_one_for_24_hours(
    client: TestClient, aws: Aws, team_a: str
) -> None:
    old = client.post("/targets", json=HOOK, headers=bearer(team_a)).json()["secret"]

    rotated = client.post("/targets/billing/rotate-secret", headers=bearer(team_a))

    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new.startswith(SECRET_PREFIX) and new != old
    (item,) = _items_of(aws, "TARGETS#team-a")
    webhook = item["webhook"]["M"]
    assert (webhook["secret"]["S"], webhook["previousSecret"]["S"]) == (new, old)
    assert webhook["previousSecretExpiresAt"]["S"] == (NOW + ROTATION_OVERLAP).isoformat()
    assert new not in client.get("/targets", headers=bearer(team_a)).text


def test_an_sqs_target_has_no_secret_to_rotate(aws: Aws, client: TestClient, container: ApiContainer) -> None:
    add_target(aws, container, "default", "reports")

    response = client.post("/targets/reports/rotate-secret")

    assert (response.status_code, response.json()["error"]) == (403, "forbidden")


# -- GraphQL and the Lambda handler ------------------------------------------------------------


def test_graphql_registers_rotates_and_removes_a_webhook(client: TestClient, team_a: str) -> None:
    created = _graphql(client, team_a, CREATE, input={"name": "billing", "url": HOOK["url"], "timeoutSeconds": 5})
    rotated = _graphql(client, team_a, ROTATE, name="billing")
    deleted = _graphql(client, team_a, DELETE, name="billing")

    result = created["createWebhookTarget"]
    assert result["__typename"] == "WebhookTargetWithSecret" and result["secret"].startswith(SECRET_PREFIX)
    assert result["target"] == {
        "name": "billing",
        "kind": "WEBHOOK",
        "url": HOOK["url"],
        "timeoutSeconds": 5.0,
        "retry": {"maxAttempts": 8},
    }
    assert rotated["rotateTargetSecret"]["secret"] not in ("", result["secret"])
    assert deleted["deleteTarget"] == {"__typename": "DeletedTarget", "name": "billing"}


def test_graphql_answers_expected_failures_as_typed_results(
    aws: Aws, client: TestClient, container: ApiContainer, team_a: str
) -> None:
    add_target(aws, container, "team-a", "orders")

    refused = _graphql(client, team_a, CREATE, input={"name": "billing", "url": "https://10.0.0.1/"})
    forbidden = _graphql(client, team_a, DELETE, name="orders")
    missing = _graphql(client, team_a, ROTATE, name="nothing")

    assert refused["createWebhookTarget"]["__typename"] == "ValidationError"
    assert [p["field"] for p in refused["createWebhookTarget"]["problems"]] == ["url"]
    assert (forbidden["deleteTarget"]["__typename"], forbidden["deleteTarget"]["code"]) == (
        "ForbiddenError",
        "forbidden",
    )
    assert missing["rotateTargetSecret"]["__typename"] == "TargetNotFoundError"


def test_the_lambda_handler_registers_a_webhook(lambda_api: LambdaApi, team_a: str) -> None:
    response = lambda_api.post("/targets", HOOK, headers=bearer(team_a))

    assert response.status == 201
    assert response.json()["secret"].startswith(SECRET_PREFIX)


def test_a_registration_changes_what_this_instance_resolves_at_once(
    client: TestClient, container: ApiContainer, team_a: str
) -> None:
    assert container.targets.targets("team-a") == []  # remembered for seconds

    client.post("/targets", json=HOOK, headers=bearer(team_a))

    (target,) = container.targets.targets("team-a")
    assert target.name == "billing" and target.webhook is not None
