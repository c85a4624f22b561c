"""The built web UI is served at / beside the API; the API's paths never fall back to the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient

from service.entrypoints.local.web import mount_web

PAGE = "<!doctype html><title>Scheduler</title>"


def api() -> FastAPI:
    """Routes at the API's paths, as the real app has them."""
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/schedules/{job_id}")
    def schedule(job_id: str) -> dict[str, str]:
        raise HTTPException(status_code=404, detail=f"no schedule {job_id}")

    return app


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(PAGE)
    (tmp_path / "assets" / "app.js").write_text("console.log('ui')")
    return tmp_path


@pytest.fixture
def client(dist: Path) -> TestClient:
    app = api()
    assert mount_web(app, dist)
    return TestClient(app)


def test_the_root_serves_the_page(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.text == PAGE


def test_assets_are_served_as_files(client: TestClient) -> None:
    response = client.get("/assets/app.js")

    assert response.status_code == 200
    assert "console.log" in response.text


def test_a_route_of_the_single_page_app_gets_the_page(client: TestClient) -> None:
    response = client.get("/schedules-view/0e8bcf60/history")

    assert response.status_code == 200
    assert response.text == PAGE


def test_a_missing_asset_is_a_404_not_the_page(client: TestClient) -> None:
    assert client.get("/assets/gone.js").status_code == 404


def test_the_api_routes_still_answer_with_json(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    response = client.get("/schedules/unknown")
    assert response.status_code == 404
    assert response.json() == {"detail": "no schedule unknown"}


@pytest.mark.parametrize("path", ["/schedules/x/y/z", "/graphql/nothing", "/docs/extra", "/health/deep"])
def test_an_unknown_api_path_is_a_404_never_the_page(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert PAGE not in response.text


def test_without_a_build_nothing_is_mounted(tmp_path: Path) -> None:
    app = api()

    assert not mount_web(app, tmp_path / "missing")
    assert TestClient(app).get("/").status_code == 404
