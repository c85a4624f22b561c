"""Without the web build, the GraphQL IDE's page says how to build it, and nothing is mounted."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from service.entrypoints.graphql_ide import ASSETS, mount_graphql_ide, page_in


def test_an_unbuilt_ide_page_names_the_build_and_points_at_post_graphql(tmp_path: Path) -> None:
    page = page_in(tmp_path / "not-built")

    assert "make web-build" in page and "POST /graphql" in page
    assert "<script" not in page


def test_an_unbuilt_ide_mounts_no_files(tmp_path: Path) -> None:
    app = FastAPI()

    assert not mount_graphql_ide(app, tmp_path / "not-built")
    assert not [route for route in app.routes if getattr(route, "path", "") == ASSETS]


def test_a_built_ide_page_is_served_as_the_build_wrote_it_and_its_files_are_mounted(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><script type="module" src="/docs/graphiql/assets/a.js">')
    app = FastAPI()

    assert mount_graphql_ide(app, tmp_path)
    assert page_in(tmp_path) == (tmp_path / "index.html").read_text()
    assert [route for route in app.routes if getattr(route, "path", "") == ASSETS]
