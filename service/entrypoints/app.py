"""The ASGI app: REST and GraphQL on one FastAPI application, the same locally and on Lambda."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware

from service.bootstrap.api import ApiContainer
from service.entrypoints.auth import REST_GUARD
from service.entrypoints.docs import install_docs
from service.entrypoints.error_responses import install_error_schemas
from service.entrypoints.errors import install_error_handlers
from service.entrypoints.graphql.routes import include_graphql
from service.entrypoints.graphql_ide import mount_graphql_ide
from service.entrypoints.limits import BodyLimit, UnexpectedErrors
from service.entrypoints.methods import HeadAsGet
from service.entrypoints.rest.backfill import router as backfill_router
from service.entrypoints.rest.redelivery import router as redelivery_router
from service.entrypoints.rest.routes import router as rest_router
from service.entrypoints.rest.stats import router as stats_router
from service.entrypoints.rest.targets import router as targets_router
from service.entrypoints.security_headers import SecurityHeaders

logger = logging.getLogger("service.access")

MAX_BODY_BYTES = 1024 * 1024  # a 256 KiB payload, JSON-escaped, fits with room to spare


def create_app(container: ApiContainer) -> FastAPI:
    app = FastAPI(
        title="Scheduler",
        version="1.0.0",
        description="Schedules that deliver their payload to SQS: now, at a time, or on a "
        "recurring rule in any time zone.",
        docs_url=None,  # served from packaged assets instead of a CDN: install_docs
        redoc_url=None,
    )
    app.state.container = container
    page_policies = install_docs(app)
    install_error_handlers(app)
    install_error_schemas(app)
    # Every route needs a key unless auth.OPEN_ROUTES lists it: a new route is closed.
    app.include_router(rest_router, dependencies=REST_GUARD)
    app.include_router(targets_router, dependencies=REST_GUARD)
    app.include_router(backfill_router, dependencies=REST_GUARD)
    app.include_router(stats_router, dependencies=REST_GUARD)
    app.include_router(redelivery_router, dependencies=REST_GUARD)
    if container.settings.graphql_ide:
        mount_graphql_ide(app)
    # The GraphQL schema is built at the first request to /graphql, or by app.state.graphql.router().
    app.state.graphql = include_graphql(app, container.settings)

    app.add_middleware(HeadAsGet)  # innermost: the log below still shows HEAD

    @app.middleware("http")
    async def log_request(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.url.path,
                "status": response.status_code,
                "durationMs": round((time.perf_counter() - started) * 1000, 2),
            },
        )
        return response

    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(UnexpectedErrors)
    # Added last, so outermost of the app's middleware: every answer, a 401, 413, 429 or
    # 500 included, carries the CORS headers an allowed origin needs to read it.
    if container.settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(container.settings.cors_origins),
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key"],
            expose_headers=["ETag", "Idempotent-Replayed", "Link", "Location", "Retry-After", "WWW-Authenticate"],
        )
    # Outermost: every answer, the CORS preflight's and the 500's included.
    app.add_middleware(SecurityHeaders, policies=page_policies)
    return app
