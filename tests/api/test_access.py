"""SPEC section 5: every route but /health needs a valid key, and a key opens one namespace only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse

from service.bootstrap.api import ApiContainer
from service.domain import runs as run_records
from service.domain.runs import RunTrigger, occurrence_id
from service.entrypoints.app import create_app
from service.entrypoints.graphql.schema import build_schema
from service.services.dispatch import Dispatcher
from service.services.webhook_targets import WebhookRegistration
from tests.api.conftest import LambdaApi, bearer
from tests.api.events import LambdaContext, LambdaResponse, json_event
from tests.conftest import Aws, table_items
from tests.fakes import FakeClock
from tests.target_setup import add_target

FUTURE = {"payload": "water the plants", "runAt": "2027-02-01T09:00:00Z"}
GRAPHQL_FUTURE = {"payload": "water the plants", "runAt": "2027-02-01T09:00"}
OTHER_NAMESPACE = "other-team"


@dataclass(frozen=True)
class RestCall:
    method: str
    path: str  # with {jobId} where the route has one
    body: dict[str, Any] | None = None
    query: str = ""


REST_CALLS = [
    RestCall("GET", "/schedules"),
    RestCall("POST", "/schedules", FUTURE),
    RestCall("POST", "/schedules/preview", FUTURE),
    RestCall("GET", "/schedules/{jobId}"),
    RestCall("PUT", "/schedules/{jobId}", FUTURE),
    RestCall("DELETE", "/schedules/{jobId}"),
    RestCall("POST", "/schedules/{jobId}/pause"),
    RestCall("POST", "/schedules/{jobId}/resume"),
    RestCall("POST", "/schedules/{jobId}/run"),
    RestCall("GET", "/schedules/{jobId}/runs"),
    RestCall("GET", "/schedules/{jobId}/next", query="count=3"),
    RestCall("POST", "/schedules/{jobId}/backfill", {"from": "2027-01-01T00:00:00Z", "to": "2027-01-02T00:00:00Z"}),
    RestCall("GET", "/targets"),
    RestCall("GET", "/stats/deliveries", query="hours=24"),
    RestCall("POST", "/targets", {"name": "billing", "kind": "webhook", "url": "https://hooks.example.com/billing"}),
    RestCall("DELETE", "/targets/{name}"),
    RestCall("POST", "/targets/{name}/rotate-secret"),
    RestCall("POST", "/schedules/{jobId}/runs/{occurrenceId}/redeliver"),
]
# What the walk's calls act on besides the schedule: a webhook of its namespace, and a failed run.
WEBHOOK = "walk"
FAILED_AT = datetime(2027, 1, 3, 9, 0, tzinfo=UTC)

SELECTION = "__typename ... on Schedule { jobId state } ... on Error { code message }"
GRAPHQL_CALLS: dict[str, tuple[str, Callable[[str], dict[str, Any]]]] = {
    "schedules": ("query { schedules(first: 5) { nodes { jobId } } }", lambda _: {}),
    "timeZones": ("query { timeZones { names } }", lambda _: {}),
    "targets": ("query { targets { name url } }", lambda _: {}),
    "deliveryStats": ("query { deliveryStats(hours: 24) { hours { start delivered } } }", lambda _: {}),
    "schedule": ("query($id: ID!) { schedule(jobId: $id) { jobId } }", lambda job: {"id": job}),
    "previewSchedule": (
        "query($input: ScheduleInput!) { previewSchedule(input: $input) { __typename } }",
        lambda _: {"input": GRAPHQL_FUTURE},
    ),
    "createSchedule": (
        f"mutation($input: ScheduleInput!) {{ createSchedule(input: $input) {{ {SELECTION} }} }}",
        lambda _: {"input": GRAPHQL_FUTURE},
    ),
    "updateSchedule": (
        f"mutation($id: ID!, $input: ScheduleInput!) {{ updateSchedule(jobId: $id, input: $input) {{ {SELECTION} }} }}",
        lambda job: {"id": job, "input": GRAPHQL_FUTURE},
    ),
    "deleteSchedule": (
        "mutation($id: ID!) { deleteSchedule(jobId: $id) { __typename } }",
        lambda job: {"id": job},
    ),
    "pauseSchedule": (f"mutation($id: ID!) {{ pauseSchedule(jobId: $id) {{ {SELECTION} }} }}", lambda job: {"id": job}),
    "resumeSchedule": (
        f"mutation($id: ID!) {{ resumeSchedule(jobId: $id) {{ {SELECTION} }} }}",
        lambda job: {"id": job},
    ),
    "runScheduleNow": (
        f"mutation($id: ID!) {{ runScheduleNow(jobId: $id) {{ {SELECTION} }} }}",
        lambda job: {"id": job},
    ),
    "backfillSchedule": (
        'mutation($id: ID!) { backfillSchedule(jobId: $id, from: "2027-01-01T00:00:00Z", '
        'to: "2027-01-02T00:00:00Z") { __typename ... on Error { code message } } }',
        lambda job: {"id": job},
    ),
    "createWebhookTarget": (
        "mutation($input: WebhookTargetInput!) { createWebhookTarget(input: $input) { __typename } }",
        lambda _: {"input": {"name": "billing", "url": "https://hooks.example.com/billing"}},
    ),
    "deleteTarget": (
        "mutation($name: String!) { deleteTarget(name: $name) { __typename } }",
        lambda _: {"name": WEBHOOK},
    ),
    "rotateTargetSecret": (
        "mutation($name: String!) { rotateTargetSecret(name: $name) { __typename } }",
        lambda _: {"name": WEBHOOK},
    ),
    "redeliverRun": (
        "mutation($id: ID!, $occurrence: String!) { redeliverRun(jobId: $id, occurrenceId: $occurrence) "
        "{ __typename } }",
        lambda job: {"id": job, "occurrence": occurrence_id(job, FAILED_AT)},
    ),
}


def _create(client: TestClient, headers: dict[str, str] | None = None, **overrides: Any) -> str:
    response = client.post("/schedules", json={**FUTURE, **overrides}, headers=headers)
    assert response.status_code == 201, response.text
    job_id: str = response.json()["jobId"]
    return job_id


def _with_webhook_and_failed_run(container: ApiContainer, job_id: str) -> None:
    """The walk's webhook in the default namespace, and a failed run of ``job_id``."""
    container.webhooks.create("default", WebhookRegistration(WEBHOOK, "https://hooks.example.com/walk"))
    failed = run_records.failed("default", job_id, FAILED_AT, RunTrigger.SCHEDULE, FAILED_AT, "HTTP 500", attempts=8)
    container.schedules.repository.add_run(failed)


def _rest(client: TestClient, call: RestCall, job_id: str, headers: dict[str, str]) -> Any:
    path = (
        call.path.replace("{jobId}", job_id)
        .replace("{name}", WEBHOOK)
        .replace("{occurrenceId}", occurrence_id(job_id, FAILED_AT))
    ) + (f"?{call.query}" if call.query else "")
    return client.request(call.method, path, json=call.body, headers=headers)


def _graphql(client: TestClient, operation: str, job_id: str, headers: dict[str, str]) -> Any:
    document, variables = GRAPHQL_CALLS[operation]
    return client.post("/graphql", json={"query": document, "variables": variables(job_id)}, headers=headers)


@pytest.fixture
def revoked_key(container: ApiContainer) -> str:
    issued = container.keys.create("default", "revoked before use")
    container.keys.revoke(issued.key.key_id)
    return issued.secret


@pytest.fixture
def other_key(aws: Aws, container: ApiContainer) -> str:
    """A key of another namespace, which an operator gave a default target of its own."""
    add_target(aws, container, OTHER_NAMESPACE, "theirs", default=True)
    return container.keys.create(OTHER_NAMESPACE, "another team").secret


BAD_CREDENTIALS: dict[str, Callable[[str], dict[str, str]]] = {
    "no key": lambda _: {},
    "malformed header": lambda _: {"Authorization": "Basic dXNlcjpwYXNz"},
    "unknown key": lambda _: bearer("sk_live_" + "x" * 43),
    "revoked key": bearer,
}
EXPECTED_CHALLENGE = {
    "no key": 'Bearer realm="scheduler"',
    "malformed header": 'Bearer realm="scheduler", error="invalid_request"',
    "unknown key": 'Bearer realm="scheduler", error="invalid_token"',
    "revoked key": 'Bearer realm="scheduler", error="invalid_token"',
}


def test_the_walk_covers_every_rest_route_and_every_graphql_operation(app: FastAPI) -> None:
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if not path.startswith("/graphql")
        for method in operations
    }
    schema = build_schema()._schema
    operations = set(schema.query_type.fields) | set(schema.mutation_type.fields)  # type: ignore[union-attr]

    assert routes - {("GET", "/health")} == {(c.method, c.path) for c in REST_CALLS}
    assert operations == set(GRAPHQL_CALLS)


@pytest.mark.parametrize("credentials", sorted(BAD_CREDENTIALS))
@pytest.mark.parametrize("call", REST_CALLS, ids=lambda c: f"{c.method} {c.path}")
def test_every_rest_route_refuses_a_request_without_a_valid_key(
    aws: Aws, anonymous: TestClient, client: TestClient, revoked_key: str, call: RestCall, credentials: str
) -> None:
    job_id = _create(client)
    before = table_items(aws)

    response = _rest(anonymous, call, job_id, BAD_CREDENTIALS[credentials](revoked_key))

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith(EXPECTED_CHALLENGE[credentials])
    assert response.json()["error"] == "unauthorized"
    assert "Bearer" in response.json()["message"] or "key" in response.json()["message"]
    assert table_items(aws) == before


@pytest.mark.parametrize("call", REST_CALLS, ids=lambda c: f"{c.method} {c.path}")
def test_every_rest_route_answers_a_valid_key(client: TestClient, container: ApiContainer, call: RestCall) -> None:
    job_id = _create(client)
    _with_webhook_and_failed_run(container, job_id)
    if call.path.endswith("/resume"):
        client.post(f"/schedules/{job_id}/pause")

    response = _rest(client, call, job_id, {})

    assert 200 <= response.status_code < 300, response.text


@pytest.mark.parametrize("credentials", sorted(BAD_CREDENTIALS))
@pytest.mark.parametrize("operation", sorted(GRAPHQL_CALLS))
def test_every_graphql_operation_is_refused_with_http_401_without_a_valid_key(
    aws: Aws, anonymous: TestClient, client: TestClient, revoked_key: str, operation: str, credentials: str
) -> None:
    job_id = _create(client)
    before = table_items(aws)

    response = _graphql(anonymous, operation, job_id, BAD_CREDENTIALS[credentials](revoked_key))

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith(EXPECTED_CHALLENGE[credentials])
    assert response.json()["error"] == "unauthorized"
    assert table_items(aws) == before


@pytest.mark.parametrize("operation", sorted(GRAPHQL_CALLS))
def test_every_graphql_operation_answers_a_valid_key(
    client: TestClient, container: ApiContainer, operation: str
) -> None:
    job_id = _create(client)
    _with_webhook_and_failed_run(container, job_id)
    if operation == "resumeSchedule":
        client.post(f"/schedules/{job_id}/pause")

    response = _graphql(client, operation, job_id, {})

    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body
    result = body["data"][operation]
    assert result is not None
    if isinstance(result, dict) and "__typename" in result:
        answers = (
            "Schedule",
            "DeletedSchedule",
            "Preview",
            "Backfill",
            "WebhookTargetWithSecret",
            "DeletedTarget",
            "Run",
        )
        assert result["__typename"] in answers, result


def test_health_and_the_api_description_need_no_key(anonymous: TestClient) -> None:
    assert anonymous.get("/health").json() == {"status": "ok"}
    assert anonymous.get("/openapi.json").status_code == 200
    assert anonymous.get("/docs").status_code == 200


def test_the_openapi_document_declares_the_bearer_scheme(anonymous: TestClient) -> None:
    document = anonymous.get("/openapi.json").json()

    assert document["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key: `Authorization: Bearer <key>`",
    }
    assert document["paths"]["/schedules"]["get"]["security"] == [{"apiKey": []}]


def test_a_revocation_takes_effect_within_10_seconds_by_default(
    client: TestClient, lambda_api: LambdaApi, container: ApiContainer, clock: FakeClock
) -> None:
    issued = container.keys.create("default", "to revoke")
    assert client.get("/schedules", headers=bearer(issued.secret)).status_code == 200

    container.keys.revoke(issued.key.key_id)
    within = client.get("/schedules", headers=bearer(issued.secret))
    clock.advance(seconds=10)
    after = client.get("/schedules", headers=bearer(issued.secret))
    through_lambda = lambda_api.post("/schedules", FUTURE, headers=bearer(issued.secret))

    assert within.status_code == 200  # the verification this instance cached, for at most 10 s
    assert after.status_code == 401
    assert after.json()["message"] == "the API key has been revoked"
    assert through_lambda.status == 401


def test_a_key_of_the_lambda_handler_arrives_in_the_api_gateway_event(lambda_api: LambdaApi, api_key: str) -> None:
    created = LambdaResponse.of(
        lambda_api.handler(json_event("POST", "/schedules", FUTURE, headers=bearer(api_key)), LambdaContext())
    )
    refused = LambdaResponse.of(lambda_api.handler(json_event("POST", "/schedules", FUTURE), LambdaContext()))
    graphql = LambdaResponse.of(
        lambda_api.handler(
            json_event("POST", "/graphql", {"query": "{ schedules { nodes { jobId } } }"}), LambdaContext()
        )
    )

    assert created.status == 201
    assert refused.status == 401 and refused.headers["www-authenticate"] == 'Bearer realm="scheduler"'
    assert graphql.status == 401 and graphql.json()["error"] == "unauthorized"


# -- namespaces ---------------------------------------------------------------------------


@pytest.fixture
def foreign_job(client: TestClient, container: ApiContainer) -> str:
    """A schedule of the default namespace with a large payload (an item of its own), a run
    and a failed run; and a webhook of that namespace."""
    job_id = _create(client, payload="p" * 2000)
    assert client.post(f"/schedules/{job_id}/run").status_code == 200
    _with_webhook_and_failed_run(container, job_id)
    return job_id


CROSS_NAMESPACE = [c for c in REST_CALLS if "{jobId}" in c.path or "{name}" in c.path]


@pytest.mark.parametrize("call", CROSS_NAMESPACE, ids=lambda c: f"{c.method} {c.path}")
def test_another_namespaces_schedule_is_not_found_and_left_unchanged(
    aws: Aws, client: TestClient, other_key: str, foreign_job: str, call: RestCall
) -> None:
    before = table_items(aws)

    response = _rest(client, call, foreign_job, bearer(other_key))

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert table_items(aws) == before


@pytest.mark.parametrize(
    "operation",
    sorted(
        set(GRAPHQL_CALLS)
        - {
            "schedules",
            "createSchedule",
            "previewSchedule",
            "timeZones",
            "targets",
            "deliveryStats",
            "createWebhookTarget",
        }
    ),
)
def test_another_namespaces_schedule_is_not_found_through_graphql_either(
    aws: Aws, client: TestClient, other_key: str, foreign_job: str, operation: str
) -> None:
    before = table_items(aws)

    result = _graphql(client, operation, foreign_job, bearer(other_key)).json()["data"][operation]

    assert result is None or result["__typename"] in ("NotFoundError", "TargetNotFoundError")
    assert table_items(aws) == before


def test_lists_never_mix_namespaces_even_with_another_namespaces_cursor(
    client: TestClient, other_key: str, foreign_job: str
) -> None:
    mine = _create(client, headers=bearer(other_key), payload="theirs")
    _create(client)
    first_page = client.get("/schedules", params={"limit": 1})
    link = first_page.headers["link"]
    cursor = link[link.index("cursor=") + len("cursor=") : link.index(">")]

    listed = client.get("/schedules", headers=bearer(other_key)).json()
    with_foreign_cursor = client.get("/schedules", params={"cursor": cursor}, headers=bearer(other_key))
    graphql = _graphql(client, "schedules", "", bearer(other_key)).json()["data"]["schedules"]["nodes"]

    assert [s["jobId"] for s in listed] == [mine]
    assert foreign_job not in {s["jobId"] for s in with_foreign_cursor.json()}
    assert [s["jobId"] for s in graphql] == [mine]
    assert foreign_job in {s["jobId"] for s in client.get("/schedules").json()}
    assert mine not in {s["jobId"] for s in client.get("/schedules").json()}


def test_targets_never_show_another_namespaces(
    aws: Aws, client: TestClient, container: ApiContainer, other_key: str
) -> None:
    ours = add_target(aws, container, "default", "reports")

    their_rest = client.get("/targets", headers=bearer(other_key)).json()
    their_graphql = _graphql(client, "targets", "", bearer(other_key)).json()["data"]["targets"]
    our_rest = client.get("/targets").json()

    assert [t["name"] for t in their_rest] == [t["name"] for t in their_graphql] == ["theirs"]
    assert ours not in {t["url"] for t in [*their_rest, *their_graphql]}
    assert container.settings.queue_url not in {t["url"] for t in [*their_rest, *their_graphql]}
    assert [t["name"] for t in our_rest] == ["default", "reports"]


def test_the_dispatcher_keeps_each_namespaces_runs_in_its_own_history(
    client: TestClient, dispatcher: Dispatcher, clock: FakeClock, other_key: str
) -> None:
    soon = {"payload": "tick", "runAt": "2027-01-04T12:01:00Z"}
    ours = _create(client, **soon)
    theirs = _create(client, headers=bearer(other_key), **soon)

    clock.advance(minutes=1)
    dispatcher.tick(clock(), clock().replace(second=50))

    our_runs = client.get(f"/schedules/{ours}/runs").json()
    their_runs = client.get(f"/schedules/{theirs}/runs", headers=bearer(other_key)).json()
    assert [r["occurrenceId"].split("/")[0] for r in our_runs] == [ours]
    assert [r["occurrenceId"].split("/")[0] for r in their_runs] == [theirs]
    assert client.get(f"/schedules/{theirs}/runs").status_code == 404
    assert client.get(f"/schedules/{ours}/runs", headers=bearer(other_key)).status_code == 404


def test_the_graphql_ide_page_needs_no_key_but_no_operation_runs_without_one(container: ApiContainer) -> None:
    app = create_app(replace(container, settings=container.settings.model_copy(update={"graphql_ide": True})))
    client = TestClient(app, raise_server_exceptions=False)

    page = client.get("/graphql", headers={"Accept": "text/html"})
    over_get = client.get("/graphql", params={"query": "{ schedules { nodes { jobId } } }"})

    assert page.status_code == 200 and "<html" in page.text.lower()
    assert over_get.status_code == 405 and "data" not in over_get.text  # operations are sent with POST


def test_a_graphql_websocket_without_a_key_is_refused_with_401(anonymous: TestClient) -> None:
    with (
        pytest.raises(WebSocketDenialResponse) as denied,
        anonymous.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]),
    ):
        pass

    assert denied.value.status_code == 401
    assert denied.value.json()["error"] == "unauthorized"
