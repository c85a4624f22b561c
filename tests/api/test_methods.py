"""A known path with a wrong method is 405 with the path's whole ``Allow`` and the JSON error
body, also with the web UI mounted at "/" (the local stack); ``HEAD`` is answered wherever
``GET`` is, as that ``GET`` without its body."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.entrypoints.local.web import mount_web
from tests.api.conftest import LambdaApi, bearer

JOB = "00000000-0000-7000-8000-000000000001"
WRONG = [
    ("PATCH", f"/schedules/{JOB}", "DELETE, GET, HEAD, PUT"),
    ("POST", f"/schedules/{JOB}", "DELETE, GET, HEAD, PUT"),
    ("PATCH", "/schedules", "GET, HEAD, POST"),
    ("DELETE", "/health", "GET, HEAD"),
    ("POST", "/health", "GET, HEAD"),
    ("PUT", "/graphql", "GET, HEAD, POST"),
    ("GET", f"/schedules/{JOB}/pause", "POST"),
]


@pytest.fixture(params=["api", "api-and-web-ui"])
def any_client(request: pytest.FixtureRequest, app: FastAPI, api_key: str, tmp_path: Path) -> Iterator[TestClient]:
    if request.param == "api-and-web-ui":
        (tmp_path / "index.html").write_text("<!doctype html><title>Scheduler</title>")
        assert mount_web(app, tmp_path)
    with TestClient(app, raise_server_exceptions=False, headers=bearer(api_key)) as client:
        yield client


@pytest.mark.parametrize(("method", "path", "allow"), WRONG)
def test_a_wrong_method_on_a_known_path_is_405_with_every_method_the_path_allows(
    any_client: TestClient, method: str, path: str, allow: str
) -> None:
    response = any_client.request(method, path)

    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allow
    body = response.json()
    assert body["error"] == "method_not_allowed"
    assert method in body["message"] and allow in body["message"]


@pytest.mark.parametrize(("method", "path", "allow"), WRONG[:4])
def test_through_the_lambda_handler_a_wrong_method_is_405_with_allow(
    lambda_api: LambdaApi, method: str, path: str, allow: str
) -> None:
    response = lambda_api(method, path)

    assert response.status == 405
    assert response.headers["allow"] == allow
    assert response.json()["error"] == "method_not_allowed"


def test_head_answers_as_get_without_the_body(any_client: TestClient) -> None:
    created = any_client.post("/schedules", json={"payload": "x", "runAt": "2027-06-01T09:30:00Z"})
    path = f"/schedules/{created.json()['jobId']}"

    got, head = any_client.get(path), any_client.head(path)

    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"] == '"1"'
    assert head.headers["content-length"] == got.headers["content-length"]
    assert any_client.head(f"/schedules/{JOB}").status_code == 404
    assert any_client.head("/health").status_code == 200


def test_head_needs_a_key_as_get_does(app: FastAPI) -> None:
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        assert anonymous.head("/schedules").status_code == 401


def test_head_through_the_lambda_handler_answers_with_no_body(lambda_api: LambdaApi) -> None:
    response = lambda_api("HEAD", "/health")

    assert response.status == 200
    assert response.body == ""


def test_an_unknown_path_is_still_a_json_404(any_client: TestClient) -> None:
    response = any_client.patch("/nothing-here/at-all")

    assert response.status_code in (404, 405)  # the web UI's files allow GET and HEAD only
    assert response.headers["content-type"] == "application/json"
