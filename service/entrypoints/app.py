"""The ASGI app: REST and GraphQL on one FastAPI application, the same locally and on Lambda."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware

from service.bootstrap import Container
from service.entrypoints.errors import error_body, install_error_handlers
from service.entrypoints.graphql.schema import graphql_router
from service.entrypoints.rest.routes import router as rest_router

logger = logging.getLogger("service.access")

MAX_BODY_BYTES = 1024 * 1024  # a 256 KiB payload, JSON-escaped, fits with room to spare


def create_app(container: Container) -> FastAPI:
    app = FastAPI(
        title="Scheduler",
        version="1.0.0",
        description="Schedules that deliver their payload to SQS: now, at a time, or on a "
        "recurring rule in any time zone.",
    )
    app.state.container = container
    install_error_handlers(app)
    app.include_router(rest_router)
    app.include_router(graphql_router(container.settings), prefix="/graphql", tags=["graphql"])
    if container.settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(container.settings.cors_origins),
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match"],
            expose_headers=["ETag", "Link", "Location"],
        )

    @app.middleware("http")
    async def limit_and_log(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            from fastapi.responses import JSONResponse

            response: Response = JSONResponse(
                error_body("request_too_large", f"the request body is limited to {MAX_BODY_BYTES} bytes"),
                status_code=413,
            )
        else:
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

    return app
