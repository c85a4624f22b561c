"""/openapi.json documents every REST route with its request and response models."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

ROUTES = {
    ("get", "/health"): ("200", "Health"),
    ("get", "/schedules"): ("200", "SchedulePublic[]"),
    ("post", "/schedules"): ("201", "SchedulePublic"),
    ("post", "/schedules/preview"): ("200", "RunTimes"),
    ("get", "/schedules/{jobId}"): ("200", "SchedulePublic"),
    ("put", "/schedules/{jobId}"): ("200", "SchedulePublic"),
    ("delete", "/schedules/{jobId}"): ("200", "SchedulePublic"),
    ("post", "/schedules/{jobId}/pause"): ("200", "SchedulePublic"),
    ("post", "/schedules/{jobId}/resume"): ("200", "SchedulePublic"),
    ("post", "/schedules/{jobId}/run"): ("200", "SchedulePublic"),
    ("get", "/schedules/{jobId}/runs"): ("200", "RunPublic[]"),
    ("get", "/schedules/{jobId}/next"): ("200", "RunTimes"),
    ("post", "/schedules/{jobId}/backfill"): ("201", "BackfillPublic"),
    ("get", "/targets"): ("200", "TargetPublic[]"),
    ("get", "/stats/deliveries"): ("200", "DeliveryStatsPublic"),
    ("post", "/targets"): ("201", "TargetWithSecret"),
    ("delete", "/targets/{name}"): ("200", "TargetPublic"),
    ("post", "/targets/{name}/rotate-secret"): ("200", "TargetWithSecret"),
    ("post", "/schedules/{jobId}/runs/{occurrenceId}/redeliver"): ("200", "RunPublic"),
}


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _model(schema: dict[str, Any]) -> str:
    if schema.get("type") == "array":
        return _model(schema["items"]) + "[]"
    return str(schema["$ref"]).rsplit("/", 1)[-1]


def test_every_rest_route_is_documented_and_nothing_else_is(document: dict[str, Any]) -> None:
    documented = {
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if not path.startswith("/graphql")
    }

    assert documented == set(ROUTES)


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES))
def test_each_route_names_its_success_model(document: dict[str, Any], method: str, path: str) -> None:
    status, model = ROUTES[(method, path)]

    responses = document["paths"][path][method]["responses"]

    assert _model(responses[status]["content"]["application/json"]["schema"]) == model


# A redelivery names no version and takes no body: its errors are 404 and 409 (its own test).
@pytest.mark.parametrize(
    ("method", "path"), sorted(r for r in ROUTES if r[1].startswith("/schedules") and not r[1].endswith("/redeliver"))
)
def test_each_schedule_route_documents_its_errors_with_the_error_body(
    document: dict[str, Any], method: str, path: str
) -> None:
    operation = document["paths"][path][method]
    takes_if_match = any(p["name"] == "If-Match" for p in operation.get("parameters", []))

    for status in ("404", "422", *(["412"] if takes_if_match else [])):
        assert _model(operation["responses"][status]["content"]["application/json"]["schema"]) == "ErrorBody"


def test_create_and_update_take_the_schedule_definition(document: dict[str, Any]) -> None:
    for method, path in (("post", "/schedules"), ("put", "/schedules/{jobId}"), ("post", "/schedules/preview")):
        body = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
        assert _model(body) == "ScheduleCreate"
    fields = document["components"]["schemas"]["ScheduleCreate"]["properties"]
    assert set(fields) == {
        *("payload", "minute", "runAt", "recurring", "timezone", "cron", "immediate", "target"),
        *("name", "description", "labels", "startAt", "endAt", "maxRuns", "interval", "catchUp"),
    }
    recurring = document["components"]["schemas"][_model(fields["recurring"])]
    assert recurring["enum"] == ["none", "daily", "weekly", "cron", "interval"]


def test_the_public_schedule_has_the_seed_fields_and_the_new_ones(document: dict[str, Any]) -> None:
    schema = document["components"]["schemas"]["SchedulePublic"]

    assert set(schema["required"]) >= {"jobId", "payload", "minute", "recurring", "state", "version", "runAt"}


def test_paging_and_if_match_parameters_are_documented(document: dict[str, Any]) -> None:
    listing = {p["name"]: p for p in document["paths"]["/schedules"]["get"]["parameters"]}
    update = {p["name"] for p in document["paths"]["/schedules/{jobId}"]["put"]["parameters"]}

    assert set(listing) == {"limit", "cursor", "state", "label", "name"}
    assert (listing["limit"]["schema"]["minimum"], listing["limit"]["schema"]["maximum"]) == (1, 100)
    assert update == {"jobId", "If-Match"}


def test_create_documents_its_idempotency_key_header(document: dict[str, Any]) -> None:
    create = {p["name"]: p for p in document["paths"]["/schedules"]["post"]["parameters"]}

    assert create["Idempotency-Key"]["in"] == "header"
    assert "24 h" in create["Idempotency-Key"]["description"]


def _refs(node: object) -> set[str]:
    if isinstance(node, dict):
        return {node["$ref"]} if "$ref" in node else set().union(*map(_refs, node.values()))
    if isinstance(node, list):
        return set().union(*map(_refs, node))
    return set()


def test_every_schema_the_document_refers_to_is_in_its_components(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    assert {ref.removeprefix("#/components/schemas/") for ref in _refs(document)} <= set(schemas)
    # The error answers refer to the error body and its problems, described as FastAPI would.
    assert schemas["ErrorBody"]["required"] == ["error", "message"]
    assert schemas["ErrorBody"]["properties"]["problems"] == {
        "anyOf": [{"items": {"$ref": "#/components/schemas/ErrorProblem"}, "type": "array"}, {"type": "null"}],
        "title": "Problems",
    }
    assert set(schemas["ErrorProblem"]["required"]) == {"field", "message"}
    assert list(schemas) == sorted(schemas)
