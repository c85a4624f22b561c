"""Serves the built web UI (``web/dist``) at ``/`` beside the API, without touching the app.

The UI is a single-page app: a GET of one of its own routes (``/schedules-view/42``, say)
that names no file gets ``index.html``, and the UI's router takes it from there. Paths of
the API never fall back to the page, so an unknown API path is still a JSON 404.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.routing import Match, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

API_PREFIXES = ("/schedules", "/graphql", "/health", "/docs", "/openapi.json", "/redoc")
INDEX = "index.html"


def is_api_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in API_PREFIXES)


class SinglePageApp(StaticFiles):
    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, html=True)
        self._index = directory / INDEX

    async def get_response(self, path: str, scope: Scope) -> Response:
        if is_api_path(scope["path"]):
            raise HTTPException(status_code=404)
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            # A missing asset (a name with an extension) stays a 404; a route gets the page.
            if exc.status_code != 404 or PurePosixPath(path).suffix or scope["method"] not in ("GET", "HEAD"):
                raise
            return FileResponse(self._index)


class WebMount(Mount):
    """The UI at "/", for every path but the API's.

    A mount at "/" matches every path fully, and the router takes a full match over a route
    whose path matches with another method: ``PATCH /schedules/{jobId}`` would reach the UI
    (a 404) instead of the API's 405. Not matching API paths leaves them to the API alone.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and is_api_path(scope["path"]):
            return Match.NONE, {}
        return super().matches(scope)


def mount_web(app: FastAPI, dist_dir: Path) -> bool:
    """Serve ``dist_dir`` at ``/`` when it holds a build; whether it did."""
    if not (dist_dir / INDEX).is_file():
        return False
    # Mounted last: every route of the API is matched before it.
    app.router.routes.append(WebMount("/", app=SinglePageApp(dist_dir), name="web"))
    return True
