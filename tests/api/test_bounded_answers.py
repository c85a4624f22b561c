"""Every answer fits in a Lambda response (6 MB), and GraphQL documents that could cost
more than their limits are refused before they run (SPEC section 5).

The data is the hostile case: schedules holding 256 KiB payloads, half of them quotes,
which take four bytes each once JSON-escaped twice (the answer, then Lambda's envelope).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.bootstrap.api import ApiContainer
from service.domain.schedule import MAX_PAYLOAD_BYTES, ScheduleInput
from tests.api.conftest import LambdaApi
from tests.api.events import LambdaResponse
from tests.web_documents import web_documents

LAMBDA_ANSWER_BYTES = 6 * 1000 * 1000
LARGE_SCHEDULES = 24


def envelope_bytes(response: LambdaResponse) -> int:
    """The size of the handler's answer as the python3.13 runtime sends it to Lambda."""
    return len(json.dumps(response.raw, ensure_ascii=False).encode())


@pytest.fixture
def large(container: ApiContainer) -> list[str]:
    ids = []
    for n in range(LARGE_SCHEDULES):
        payload = ('"' if n % 2 else "x") * MAX_PAYLOAD_BYTES
        created = container.schedules.create("default", ScheduleInput(payload=payload, run_at="2030-01-01T00:00:00Z"))
        ids.append(created.job_id)
    return sorted(ids)


def test_a_rest_list_of_large_payloads_fits_in_each_lambda_answer_and_its_links_reach_every_schedule(
    lambda_api: LambdaApi, large: list[str]
) -> None:
    seen: list[str] = []
    pages = 0
    path, query = "/schedules", "limit=100"
    while True:
        response = lambda_api.get(path, query=query)
        pages += 1
        assert response.status == 200
        assert envelope_bytes(response) < LAMBDA_ANSWER_BYTES
        seen += [schedule["jobId"] for schedule in response.json()]
        if "link" not in response.headers:
            break
        link = response.headers["link"]
        path, _, query = link[1 : link.index(">")].partition("?")

    assert seen == large
    assert pages > 1


def graphql_pages(lambda_api: LambdaApi, document: str, **variables: Any) -> list[LambdaResponse]:
    responses, after = [], None
    while True:
        response = lambda_api.post("/graphql", {"query": document, "variables": {**variables, "after": after}})
        responses.append(response)
        page_info = response.json()["data"]["schedules"]["pageInfo"]
        if not page_info["hasNextPage"]:
            return responses
        after = page_info["endCursor"]


def test_a_graphql_page_of_large_payloads_fits_and_paging_on_reaches_every_schedule(
    lambda_api: LambdaApi, large: list[str]
) -> None:
    document = (
        "query($after: String) { schedules(first: 100, after: $after) {"
        " nodes { jobId payload } pageInfo { hasNextPage endCursor } } }"
    )

    responses = graphql_pages(lambda_api, document)

    seen = [node["jobId"] for r in responses for node in r.json()["data"]["schedules"]["nodes"]]
    assert seen == large
    assert all(envelope_bytes(r) < 1_200_000 for r in responses)


def test_the_web_uis_list_query_runs_over_large_payloads_and_fits(lambda_api: LambdaApi, large: list[str]) -> None:
    responses = graphql_pages(lambda_api, web_documents()["SCHEDULES_QUERY"], first=50)

    assert all("errors" not in r.json() for r in responses)
    assert [n["jobId"] for r in responses for n in r.json()["data"]["schedules"]["nodes"]] == large
    assert max(envelope_bytes(r) for r in responses) < 1_200_000


def test_as_many_payload_pages_as_the_answer_holds_run_and_fit(lambda_api: LambdaApi, large: list[str]) -> None:
    four = " ".join(f"a{n}: schedules(first: 100) {{ nodes {{ payload }} }}" for n in range(4))

    response = lambda_api.post("/graphql", {"query": f"{{ {four} }}"})

    assert "errors" not in response.json()
    assert envelope_bytes(response) < LAMBDA_ANSWER_BYTES


@pytest.mark.parametrize(
    ("selection", "code"),
    [
        ("schedules(first: 100) { nodes { payload } }", "answer_too_large"),
        ("schedules(first: 100) { nodes { nextRuns(count: 100) { runAt } } }", "query_too_costly"),
    ],
)
def test_the_hostile_documents_under_20_aliases_are_refused_before_anything_runs(
    client: TestClient, container: ApiContainer, monkeypatch: pytest.MonkeyPatch, selection: str, code: str
) -> None:
    def must_not_run(*_: Any, **__: Any) -> Any:
        pytest.fail("a refused document must not reach the repository")

    monkeypatch.setattr(container.schedules.repository, "list", must_not_run)
    aliases = " ".join(f"a{n}: {selection}" for n in range(20))

    response = client.post("/graphql", json={"query": f"{{ {aliases} }}"})

    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == code
    assert error["extensions"]["cost"] > error["extensions"]["limit"]
    assert f"{error['extensions']['cost']:,}" in error["message"]
    assert f"{error['extensions']['limit']:,}" in error["message"]
