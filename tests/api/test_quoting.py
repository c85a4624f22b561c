"""Error messages quote at most 100 characters of what a client sent, wherever it was sent."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.domain.errors import MAX_QUOTED, quoted
from tests.api.conftest import LambdaApi

LONG = "Europe/" + "x" * 9993  # 10,000 characters
SHOWN = repr(LONG[:MAX_QUOTED]) + "… (10000 characters)"
ANSWER_LIMIT = 2000  # bytes: the sentence, the quote, the JSON around them


def test_quoted_keeps_short_input_and_cuts_long_input_saying_how_long_it_was() -> None:
    assert quoted("Mars/Base") == "'Mars/Base'"
    assert quoted("x" * MAX_QUOTED) == repr("x" * MAX_QUOTED)
    assert quoted("x" * 101) == repr("x" * 100) + "… (101 characters)"
    assert quoted(10**200) == "1" + "0" * 99 + "… (201 characters)"
    assert quoted(42) == "42"


@pytest.mark.parametrize(
    "body",
    [
        {"payload": "x", "runAt": "2027-06-01T09:30:00", "timezone": LONG},
        {"payload": "x", "runAt": LONG},
        {"payload": "x", "recurring": "cron", "cron": LONG},
        {"payload": "x", "recurring": "cron", "cron": "0 " + LONG},
    ],
    ids=["timezone", "runAt", "cron-fields", "cron-value"],
)
def test_a_long_value_in_a_definition_is_quoted_in_100_characters(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post("/schedules", json=body)

    assert response.status_code == 422
    assert len(response.content) < ANSWER_LIMIT
    assert "characters)" in response.json()["message"]


def test_a_long_zone_is_quoted_in_100_characters_through_the_lambda_handler(lambda_api: LambdaApi) -> None:
    response = lambda_api.post("/schedules", {"payload": "x", "runAt": "2027-06-01T09:30:00", "timezone": LONG})

    assert response.status == 422
    assert len(response.body) < ANSWER_LIMIT
    assert SHOWN in response.json()["message"]


def test_a_long_job_id_or_if_match_is_quoted_in_100_characters(client: TestClient) -> None:
    job_id = client.post("/schedules", json={"payload": "x", "runAt": "2027-06-01T09:30:00Z"}).json()["jobId"]

    segment = "x" * 10000
    body = {"payload": "x", "runAt": "2027-06-01T09:30:00Z"}

    for response in (
        client.get(f"/schedules/{segment}"),
        client.post(f"/schedules/{segment}/pause"),
        client.put(f"/schedules/{job_id}", json=body, headers={"If-Match": segment}),
    ):
        assert 400 <= response.status_code < 500
        assert len(response.content) < ANSWER_LIMIT, response.text[:200]
        assert "… (10000 characters)" in response.json()["message"]


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("{ %s }" % ("x" * 10000), {}),
        ('{ schedules(first: "%s") { nodes { jobId } } }' % ("x" * 10000), {}),
        (
            "query($i: ScheduleInput!) { previewSchedule(input: $i) { __typename } }",
            {"i": {"payload": "x", "recurring": "x" * 10000}},
        ),
        (
            "query($i: ScheduleInput!) { previewSchedule(input: $i) { ... on ValidationError { message } } }",
            {"i": {"payload": "x", "runAt": "2027-06-01T09:30:00", "timezone": LONG}},
        ),
    ],
    ids=["unknown-field", "literal", "enum-value", "timezone"],
)
def test_graphql_messages_quote_at_most_100_characters_of_the_document(
    client: TestClient, document: str, variables: dict[str, Any]
) -> None:
    response = client.post("/graphql", json={"query": document, "variables": variables})

    assert response.status_code == 200
    assert len(response.content) < ANSWER_LIMIT, response.text[:300]
    assert "characters)" in response.text


def test_a_long_operation_name_is_quoted_in_100_characters(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ __typename }", "operationName": "x" * 10000})

    assert response.status_code == 400
    assert len(response.content) < ANSWER_LIMIT
    assert "… (10000 characters)" in response.json()["message"]
