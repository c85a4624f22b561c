"""Zones through the API: canonical IANA names only, an alias refused with the name to send, the
accepted names listed for clients (GraphQL ``timeZones``), and schedules stored earlier with an
alias still served."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from service.bootstrap.api import ApiContainer
from tests.api.conftest import LambdaApi

AT = "2027-06-01T09:30:00"
CREATE = (
    "mutation($input: ScheduleInput!) { createSchedule(input: $input) {"
    " __typename ... on ValidationError { problems { field message } } } }"
)


@pytest.mark.parametrize(
    ("zone", "words"),
    [
        ("localtime", "is not an IANA time zone name"),
        ("Factory", "is not an IANA time zone name"),
        ("US/Eastern", "send its canonical name 'America/New_York'"),
        ("Asia/Calcutta", "send its canonical name 'Asia/Kolkata'"),
    ],
)
def test_rest_graphql_and_lambda_refuse_a_name_that_is_not_canonical_naming_timezone(
    client: TestClient, lambda_api: LambdaApi, zone: str, words: str
) -> None:
    body = {"payload": "x", "runAt": AT, "timezone": zone}

    rest = client.post("/schedules", json=body)
    through_lambda = lambda_api.post("/schedules/preview", body)
    graphql = client.post("/graphql", json={"query": CREATE, "variables": {"input": body}}).json()

    for status, answer in ((rest.status_code, rest.json()), (through_lambda.status, through_lambda.json())):
        assert status == 422
        assert [p["field"] for p in answer["problems"]] == ["timezone"]
        assert words in answer["message"]
    (problem,) = graphql["data"]["createSchedule"]["problems"]
    assert problem["field"] == "timezone" and words in problem["message"]


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC", "America/New_York", "Asia/Kolkata"])
def test_a_canonical_name_is_accepted_and_kept_as_sent(client: TestClient, zone: str) -> None:
    response = client.post("/schedules", json={"payload": "x", "runAt": AT, "timezone": zone})

    assert response.status_code == 201, response.text
    assert response.json()["timezone"] == zone


def test_graphql_lists_the_accepted_names_and_the_aliases_with_their_canonical_names(client: TestClient) -> None:
    query = "{ timeZones { names aliases { name canonical } } }"

    zones = client.post("/graphql", json={"query": query}).json()["data"]["timeZones"]

    names = set(zones["names"])
    aliases = {a["name"]: a["canonical"] for a in zones["aliases"]}
    assert {"UTC", "Etc/UTC", "Europe/Berlin", "Asia/Kolkata"} <= names
    assert not {"localtime", "Factory", "US/Eastern"} & names
    assert aliases["US/Eastern"] == "America/New_York"
    assert set(aliases.values()) <= names


def test_a_schedule_stored_with_an_alias_before_is_still_read_and_listed(
    client: TestClient, container: ApiContainer
) -> None:
    created = client.post("/schedules", json={"payload": "x", "recurring": "daily", "runAt": AT}).json()
    stored = container.schedules.get("default", created["jobId"])
    container.schedules.repository.replace(replace(stored, timezone="US/Eastern"), stored.version)

    one = client.get(f"/schedules/{created['jobId']}")
    upcoming = client.get(f"/schedules/{created['jobId']}/next?count=2")

    assert one.status_code == 200 and one.json()["timezone"] == "US/Eastern"
    assert upcoming.status_code == 200 and len(upcoming.json()["runs"]) == 2
