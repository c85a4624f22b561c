"""Every answer carries the security headers, whatever it is: JSON, an error of any layer, the
API documents (served from packaged assets, under a policy that allows exactly their inline
scripts), the web UI as the local stack serves it; through the ASGI app and the Lambda handler."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.bootstrap.api import ApiContainer
from service.entrypoints import graphql_ide
from service.entrypoints.app import create_app
from service.entrypoints.local.web import mount_web
from service.entrypoints.security_headers import CSP
from tests.api.conftest import LambdaApi, bearer

UNKNOWN_ID = "00000000-0000-7000-8000-999999999999"
BASICS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


def _assert_secured(headers: Any) -> None:
    for name, value in BASICS.items():
        assert headers.get(name) == value, (name, dict(headers))
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "camera=()" in headers["permissions-policy"]


@pytest.fixture
def served(app: FastAPI, api_key: str, tmp_path: Path) -> Iterator[TestClient]:
    """The app as `make run` serves it: with the web UI at "/", over plain HTTP."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><script type="module" src="/assets/app.js"></script>')
    (tmp_path / "assets" / "app.js").write_text("console.log('ui')")
    assert mount_web(app, tmp_path)
    with TestClient(app, raise_server_exceptions=False, headers=bearer(api_key)) as client:
        yield client


def test_every_kind_of_answer_carries_the_security_headers(
    served: TestClient, container: ApiContainer, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {
        "json": served.get("/schedules"),
        "created": served.post("/schedules", json={"payload": "x", "runAt": "2027-06-01T09:30:00Z"}),
        "not found": served.get(f"/schedules/{UNKNOWN_ID}"),
        "no key": served.get("/schedules", headers={"Authorization": ""}),
        "wrong method": served.patch("/health"),
        "invalid": served.post("/schedules", json={"payload": 1}),
        "too large": served.post("/schedules", content=b"x" * (2 * 1024 * 1024)),
        "graphql": served.post("/graphql", json={"query": "{ __typename }"}),
        "graphql transport": served.post("/graphql", content=b"{"),
        "openapi": served.get("/openapi.json"),
        "health": served.get("/health"),
        "ui page": served.get("/"),
        "ui route": served.get("/some/client/route"),
        "ui asset": served.get("/assets/app.js"),
        "docs": served.get("/docs"),
        "docs asset": served.get("/docs/assets/swagger-ui-bundle.js"),
    }
    monkeypatch.setattr(container.schedules, "list", lambda *_: 1 / 0)
    answers["internal error"] = served.get("/schedules")

    assert answers["internal error"].status_code == 500
    assert answers["too large"].status_code == 413
    for name, response in answers.items():
        assert response.status_code < 600, name
        _assert_secured(response.headers)


def test_hsts_is_sent_over_https_only(app: FastAPI, api_key: str) -> None:
    with TestClient(app, base_url="https://scheduler.example.com", headers=bearer(api_key)) as secure:
        over_https = secure.get("/schedules")
    with TestClient(app, headers=bearer(api_key)) as plain:
        over_http = plain.get("/schedules")

    assert over_https.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    assert "strict-transport-security" not in over_http.headers


def test_json_answers_are_not_stored_by_caches_and_the_ui_keeps_its_own_caching(served: TestClient) -> None:
    assert served.get("/schedules").headers["cache-control"] == "no-store"
    assert served.get(f"/schedules/{UNKNOWN_ID}").headers["cache-control"] == "no-store"
    assert served.get("/assets/app.js").headers.get("cache-control") != "no-store"


def test_through_the_lambda_handler_answers_carry_them_and_hsts(lambda_api: LambdaApi) -> None:
    for response in (lambda_api.get("/schedules"), lambda_api.get("/nothing"), lambda_api.get("/docs")):
        _assert_secured(response.headers)
        assert response.headers["strict-transport-security"].startswith("max-age=")


def _inline_script_hashes(html: str) -> set[str]:
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    }


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_the_documents_load_only_packaged_assets_and_their_own_inline_scripts(served: TestClient, path: str) -> None:
    page = served.get(path)

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "https://" not in html and "//cdn" not in html  # nothing from another site
    policy = {
        name: sources
        for name, _, sources in (d.partition(" ") for d in page.headers["content-security-policy"].split("; "))
    }
    assert _inline_script_hashes(html) <= set(policy["script-src"].split())
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    for asset in re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', html):
        assert served.get(asset).status_code == 200, asset


def test_the_ui_policy_allows_no_inline_script_and_no_framing(served: TestClient) -> None:
    policy = served.get("/").headers["content-security-policy"]

    assert "script-src 'self';" in policy
    assert "style-src 'self' 'unsafe-inline'" in policy  # Mantine's <style> elements


def test_the_graphql_ide_page_runs_under_the_apps_own_policy_from_files_the_app_serves(
    container: ApiContainer, api_key: str
) -> None:
    if not (graphql_ide.BUILD / "index.html").is_file():
        pytest.fail("the GraphQL IDE is not built; run `make web-build` first")
    with_ide = create_app(replace(container, settings=container.settings.model_copy(update={"graphql_ide": True})))
    with TestClient(with_ide, headers=bearer(api_key)) as client:
        page = client.get("/graphql", headers={"Accept": "text/html"})
        named = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        files = {path: client.get(path) for path in named if not path.startswith("data:")}

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    # Its own origin only: the app's policy, no inline script, nothing from another host.
    assert page.headers["content-security-policy"] == CSP
    assert "<script>" not in page.text and "//" not in "".join(named)
    assert files and all(path.startswith("/docs/graphiql/assets/") for path in files)
    assert {path: answer.status_code for path, answer in files.items()} == dict.fromkeys(files, 200)
    kinds = {answer.headers["content-type"].split(";")[0] for answer in files.values()}
    assert kinds == {"text/javascript", "text/css"}
