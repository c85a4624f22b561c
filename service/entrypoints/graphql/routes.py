"""/graphql in the app, with the GraphQL router built at the first request to /graphql.

Strawberry, graphql-core and the schema are the largest part of the API's start-up after
FastAPI and boto3 (``python -m benchmarks.cold_start``), and most requests are REST ones. So
the app declares /graphql's routes at start-up as the GraphQL router declares them (their
names, methods and answers), for /openapi.json and for every look at the app's routes; the
first request to /graphql builds the router (``graphql.schema.graphql_router``), included
as it would have been at start-up, and from then on it answers every request to /graphql.

Nothing in this module imports Strawberry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.responses import Response
from starlette.routing import WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from service.config import Settings
from service.entrypoints.auth import GRAPHQL_GUARD
from service.entrypoints.error_responses import error_responses

PATH = "/graphql"
# The answers a request to /graphql can get besides the GraphQL response itself, for
# /openapi.json: the transport's own (``graphql.transport``), then the app's.
TRANSPORT_ERRORS = {
    400: "`malformed_json`: the body is not JSON; `invalid_graphql_request`: no `query`, a `variables` "
    "that is not an object, an unknown `operationName`, a batch",
    405: "`method_not_allowed`: an operation sent with GET (operations are sent with POST)",
    415: "`unsupported_media_type`: a body that is not `Content-Type: application/json`",
}
_DESCRIPTIONS = {
    **TRANSPORT_ERRORS,
    401: "`unauthorized`: no valid API key",
    413: "`request_too_large`: a body over 1 MiB",
    429: "`rate_limited`: over the key's request rate",
}
GRAPHQL_ERRORS = error_responses(*sorted(_DESCRIPTIONS), descriptions=_DESCRIPTIONS)
# How the GraphQL router is included in the app (the stand-ins below, the same way).
INCLUDE: dict[str, Any] = {
    "prefix": PATH,
    "tags": ["graphql"],
    "dependencies": GRAPHQL_GUARD,
    "responses": GRAPHQL_ERRORS,
}


def include_graphql(app: FastAPI, settings: Settings) -> DeferredRouter:
    """Serve /graphql: the stand-ins now, the GraphQL router from the first request on (or
    from a call of the answer's ``router``)."""
    router = DeferredRouter(app, lambda: _graphql_router(settings))
    app.include_router(stand_ins(router, ide=settings.graphql_ide), **INCLUDE)
    # A WebSocket route of an included router is rebuilt with the router's dependencies
    # (the key check, which the GraphQL router's own route makes): this one is the app's.
    app.router.routes.append(WebSocketRoute(PATH, router, name="websocket_endpoint"))
    return router


def _graphql_router(settings: Settings) -> APIRouter:
    from service.entrypoints.graphql.schema import graphql_router

    return graphql_router(settings)


def stand_ins(forward: ASGIApp, *, ide: bool) -> APIRouter:
    """The HTTP routes of ``graphql.schema.graphql_router``, as Strawberry's router declares
    them for that router's settings (the IDE's GET is documented only when the IDE is on,
    operations on GET being off), each handing its requests to ``forward``."""
    stand_in = APIRouter()
    get_responses: dict[int | str, dict[str, Any]] = {
        200: {"description": "The GraphiQL integrated development environment."},
        404: {"description": "Not found if GraphiQL or query via GET are not enabled."},
    }
    stand_in.routes += [
        StandInRoute(
            "", forward, name="handle_http_get", methods=["GET"], responses=get_responses, include_in_schema=ide
        ),
        StandInRoute("", forward, name="handle_http_post", methods=["POST"]),
    ]
    return stand_in


def _never_called() -> Response:  # no docstring: it would be the operation's description
    raise AssertionError("a stand-in route hands its requests on; its endpoint never runs")


class StandInRoute(APIRoute):
    """A route as /openapi.json and the app's routing see it, whose requests ``forward`` answers
    (its dependencies, the key check among them, are the answering route's to run)."""

    def __init__(self, path: str, forward: ASGIApp, **options: Any) -> None:
        super().__init__(path, _never_called, **options)
        self.forward = forward

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.forward(scope, receive, send)


class DeferredRouter:
    """An ASGI app that routes a request as ``app`` would with the router ``build`` makes
    included there (``INCLUDE``); ``build`` runs at the first request, once."""

    def __init__(self, app: FastAPI, build: Callable[[], APIRouter]) -> None:
        self._app = app
        self._build = build
        self._router: APIRouter | None = None
        self._lock = threading.Lock()  # two event loops (two test clients) may ask at once

    def router(self) -> APIRouter:
        with self._lock:
            if self._router is None:
                # Dependency overrides are the app's, as for the routers it includes itself.
                router = APIRouter(dependency_overrides_provider=self._app)
                router.include_router(self._build(), **INCLUDE)
                self._router = router
            return self._router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        router = self._router if self._router is not None else self.router()
        await router(scope, receive, send)
