"""Bad requests get a clear 4xx whose JSON names the problem, never a 5xx, and write nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import LambdaApi
from tests.conftest import Aws, Stage, received, table_items

UNKNOWN_ID = "00000000-0000-7000-8000-999999999999"
FUTURE = {"payload": "hello", "runAt": "2027-06-01T09:30:00Z"}


def _create(client: TestClient, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post("/schedules", json=body or FUTURE)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _assert_error(response: Any, status: int, code: str, *names: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    for name in names:
        assert name in body["message"], (name, body["message"])
    return body


@pytest.fixture
def unchanged(aws: Aws) -> Any:
    """Call it at the end of a test: the table holds exactly what it held at the start."""
    before = sorted(map(repr, table_items(aws)))

    def check() -> None:
        assert sorted(map(repr, table_items(aws))) == before
        assert received(aws) == []

    return check


# -- unknown ids and stale versions ------------------------------------------------------


@pytest.mark.parametrize("job_id", [UNKNOWN_ID, "not-a-uuid"])
def test_put_of_an_unknown_id_is_404_and_creates_nothing(
    client: TestClient, unchanged: Callable[[], None], job_id: str
) -> None:
    response = client.put(f"/schedules/{job_id}", json=FUTURE)

    body = _assert_error(response, 404, "not_found", job_id)
    assert "jobId" in body["message"]
    unchanged()


def test_delete_of_an_unknown_id_is_404_and_changes_nothing(client: TestClient, unchanged: Callable[[], None]) -> None:
    _assert_error(client.delete(f"/schedules/{UNKNOWN_ID}"), 404, "not_found")
    unchanged()


@pytest.mark.parametrize("action", ["pause", "resume", "run", "runs", "next"])
def test_actions_on_an_unknown_id_are_404(client: TestClient, action: str) -> None:
    method = client.get if action in ("runs", "next") else client.post

    _assert_error(method(f"/schedules/{UNKNOWN_ID}/{action}"), 404, "not_found")


def test_put_with_a_stale_if_match_is_412_and_changes_nothing(aws: Aws, client: TestClient) -> None:
    job_id = _create(client)["jobId"]
    client.post(f"/schedules/{job_id}/pause")
    before = client.get(f"/schedules/{job_id}").json()

    response = client.put(f"/schedules/{job_id}", json={**FUTURE, "payload": "stale"}, headers={"If-Match": '"1"'})

    body = _assert_error(response, 412, "version_conflict", "version 1", "version 2")
    assert "read it again" in body["message"]
    assert client.get(f"/schedules/{job_id}").json() == before


def test_put_with_the_current_if_match_succeeds_and_returns_the_new_etag(client: TestClient) -> None:
    created = client.post("/schedules", json=FUTURE)
    etag = created.headers["etag"]

    response = client.put(f"/schedules/{created.json()['jobId']}", json=FUTURE, headers={"If-Match": etag})

    assert response.status_code == 200
    assert response.headers["etag"] == '"2"'


def test_delete_with_a_stale_if_match_is_412_and_keeps_the_schedule(client: TestClient) -> None:
    job_id = _create(client)["jobId"]

    _assert_error(client.delete(f"/schedules/{job_id}", headers={"If-Match": '"5"'}), 412, "version_conflict")
    assert client.get(f"/schedules/{job_id}").status_code == 200


def test_an_if_match_that_is_not_a_version_is_422(client: TestClient) -> None:
    job_id = _create(client)["jobId"]

    response = client.put(f"/schedules/{job_id}", json=FUTURE, headers={"If-Match": "abc"})

    _assert_error(response, 422, "validation_failed", "If-Match")


def test_pausing_a_completed_schedule_is_409(client: TestClient, stage: Stage) -> None:
    job_id = _create(client, {"payload": "x", "immediate": True})["jobId"]
    stage.deliver()  # delivered: the one-time schedule is completed

    _assert_error(client.post(f"/schedules/{job_id}/pause"), 409, "invalid_state", "completed")


# -- bodies that are not a schedule -----------------------------------------------------


def test_malformed_json_is_400_naming_json(client: TestClient, unchanged: Callable[[], None]) -> None:
    response = client.post("/schedules", content=b'{"payload": "x",', headers={"content-type": "application/json"})

    _assert_error(response, 400, "malformed_json", "not valid JSON")
    unchanged()


def test_a_body_that_is_not_an_object_is_422(client: TestClient, unchanged: Callable[[], None]) -> None:
    _assert_error(client.post("/schedules", json=["payload"]), 422, "validation_failed")
    unchanged()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"payload": 42, "runAt": "2027-06-01T09:30:00Z"}, "payload"),
        ({"payload": "x", "minute": "27789898"}, "minute"),
        ({"payload": "x", "minute": 27789898.5}, "minute"),
        ({"payload": "x", "immediate": "yes"}, "immediate"),
        ({"payload": "x", "runAt": "2027-06-01T09:30:00Z", "recurring": "hourly"}, "recurring"),
        ({"runAt": "2027-06-01T09:30:00Z"}, "payload"),
        ({"payload": None, "runAt": "2027-06-01T09:30:00Z"}, "payload"),
    ],
    ids=["payload-number", "minute-string", "minute-float", "immediate-yes", "recurring-hourly", "no-payload", "null"],
)
def test_wrong_types_are_422_naming_the_field(
    client: TestClient, unchanged: Callable[[], None], body: dict[str, Any], field: str
) -> None:
    response = client.post("/schedules", json=body)

    error = _assert_error(response, 422, "validation_failed", field)
    assert [p["field"] for p in error["problems"]] == [field]
    unchanged()


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"payload": "x", "runAt": "2027-06-01T09:30:00", "timezone": "Mars/Base"}, "timezone", "IANA"),
        ({"payload": "x", "recurring": "cron", "cron": "0 9 * *"}, "cron", "five"),
        ({"payload": "x", "recurring": "cron", "cron": "0 25 * * *"}, "cron", "not a valid cron"),
        ({"payload": "x", "minute": 1, "runAt": "2027-06-01T09:30:00Z"}, "minute", "different times"),
        ({"payload": "x"}, "runAt", "required"),
        ({"payload": "", "immediate": True}, "payload", "empty"),
        ({"payload": "x", "runAt": "soon"}, "runAt", "ISO-8601"),
        ({"payload": "x", "minute": -5}, "minute", "between"),
    ],
    ids=["zone", "cron-4-fields", "cron-hour-25", "minute-vs-runAt", "no-time", "empty", "runAt-text", "minute-neg"],
)
def test_broken_rules_are_422_naming_the_field_and_the_rule(
    client: TestClient, unchanged: Callable[[], None], body: dict[str, Any], field: str, words: str
) -> None:
    error = _assert_error(client.post("/schedules", json=body), 422, "validation_failed", words)

    assert [p["field"] for p in error["problems"]] == [field]
    unchanged()


def test_a_300_kib_payload_is_413_naming_the_limit(client: TestClient, unchanged: Callable[[], None]) -> None:
    response = client.post("/schedules", json={"payload": "x" * (300 * 1024), "immediate": True})

    _assert_error(response, 413, "payload_too_large", "262144 bytes (256 KiB)")
    unchanged()


def test_a_300_kib_payload_on_update_is_413_and_keeps_the_old_payload(client: TestClient) -> None:
    job_id = _create(client)["jobId"]

    response = client.put(f"/schedules/{job_id}", json={"payload": "x" * (300 * 1024), "runAt": FUTURE["runAt"]})

    _assert_error(response, 413, "payload_too_large")
    assert client.get(f"/schedules/{job_id}").json()["payload"] == "hello"


def test_a_body_over_one_mib_is_refused_before_it_is_read(client: TestClient, unchanged: Callable[[], None]) -> None:
    response = client.post("/schedules", json={"payload": "x" * (2 * 1024 * 1024)})

    _assert_error(response, 413, "request_too_large", "limited to")
    unchanged()


# -- query parameters --------------------------------------------------------------------


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=ten", "state=gone"])
def test_bad_list_parameters_are_422_naming_the_parameter(client: TestClient, query: str) -> None:
    name = query.split("=")[0]

    error = _assert_error(client.get(f"/schedules?{query}"), 422, "validation_failed", name)
    assert [p["field"] for p in error["problems"]] == [name]


@pytest.mark.parametrize("cursor", ["garbage", "eyJrIjogMX0", "%00", "x" * 600])
def test_a_garbage_cursor_is_a_clear_4xx(client: TestClient, cursor: str) -> None:
    response = client.get("/schedules", params={"cursor": cursor})

    assert 400 <= response.status_code < 500, response.text
    assert "cursor" in response.json()["message"]


def test_a_garbage_runs_cursor_is_400(client: TestClient) -> None:
    job_id = _create(client)["jobId"]

    _assert_error(client.get(f"/schedules/{job_id}/runs?cursor=nonsense"), 400, "invalid_cursor", "cursor")


@pytest.mark.parametrize("count", ["0", "101", "many"])
def test_next_and_preview_counts_out_of_range_are_422(client: TestClient, count: str) -> None:
    job_id = _create(client)["jobId"]

    _assert_error(client.get(f"/schedules/{job_id}/next?count={count}"), 422, "validation_failed", "count")
    _assert_error(client.post(f"/schedules/preview?count={count}", json=FUTURE), 422, "validation_failed", "count")


def test_an_unknown_route_is_a_json_404_and_a_wrong_method_a_json_405(client: TestClient) -> None:
    _assert_error(client.get("/nothing-here"), 404, "not_found")
    _assert_error(client.patch("/schedules"), 405, "method_not_allowed")


# -- the same through the Lambda handler -------------------------------------------------


def test_through_the_lambda_handler_bad_requests_are_4xx_json_too(
    lambda_api: LambdaApi, unchanged: Callable[[], None]
) -> None:
    responses = [
        lambda_api("POST", "/schedules", body="{not json", headers={"content-type": "application/json"}),
        lambda_api.post("/schedules", {"payload": 1}),
        lambda_api.post("/schedules", {"payload": "x", "runAt": "2027-06-01T09:30:00", "timezone": "Nowhere"}),
        lambda_api.post("/schedules", {"payload": "x" * (300 * 1024), "immediate": True}),
        lambda_api.put(f"/schedules/{UNKNOWN_ID}", FUTURE),
        lambda_api.delete(f"/schedules/{UNKNOWN_ID}"),
        lambda_api.get("/schedules", query="limit=0"),
        lambda_api.get("/schedules", query="cursor=garbage"),
    ]

    assert [r.status for r in responses] == [400, 422, 422, 413, 404, 404, 422, 400]
    assert all(r.headers["content-type"] == "application/json" and r.json()["message"] for r in responses)
    unchanged()


# -- paging ------------------------------------------------------------------------------


def test_250_schedules_page_through_the_link_header_as_100_100_and_50(client: TestClient) -> None:
    created = {_create(client)["jobId"] for _ in range(250)}

    sizes: list[int] = []
    seen: list[str] = []
    url: str | None = "/schedules?limit=100"
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        page = response.json()
        sizes.append(len(page))
        seen.extend(s["jobId"] for s in page)
        link = response.headers.get("link")
        match = re.fullmatch(r'<(/schedules\?[^>]+)>; rel="next"', link) if link else None
        assert (match is None) == (link is None)
        url = match.group(1) if match else None

    assert sizes == [100, 100, 50]
    assert len(seen) == len(set(seen)) == 250
    assert set(seen) == created


def test_the_link_header_keeps_the_state_filter(client: TestClient) -> None:
    ids = [_create(client)["jobId"] for _ in range(5)]
    for job_id in ids[1:4]:
        client.post(f"/schedules/{job_id}/pause")

    first = client.get("/schedules?state=paused&limit=2")
    link = first.headers["link"]
    second = client.get(link[1 : link.index(">")])

    assert "state=paused" in link
    assert [s["jobId"] for s in first.json() + second.json()] == ids[1:4]
    assert "link" not in second.headers
