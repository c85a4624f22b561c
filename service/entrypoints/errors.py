"""Errors to HTTP: the handlers that answer each failure (a domain error with the status of
its row in ``presenters.errors``), in the JSON error body every 4xx uses.

Body: ``{"error": "<code>", "message": "<human sentence>", "problems": [{"field", "message"}]}``.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.domain.errors import DomainError, ValidationFailed, quoted
from service.entrypoints.methods import allowed_methods
from service.entrypoints.presenters.errors import headers_for, status_for

logger = logging.getLogger(__name__)


def error_body(code: str, message: str, problems: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": code, "message": message}
    if problems:
        body["problems"] = problems
    return body


def unparsable_json(cause: BaseException) -> str | None:
    """The message for a body the JSON parser failed on with ``cause``; None for any other failure."""
    if isinstance(cause, json.JSONDecodeError):
        return f"the request body is not valid JSON: {cause.msg} at position {cause.pos}"
    if isinstance(cause, UnicodeDecodeError):
        return f"the request body is not UTF-8 JSON: byte 0x{cause.object[cause.start]:02x} at position {cause.start}"
    if isinstance(cause, RecursionError):
        return "the request body cannot be read as JSON: its arrays and objects nest too deeply"
    if isinstance(cause, ValueError) and "integer string conversion" in str(cause):
        return f"the request body cannot be read as JSON: a number has more than {sys.get_int_max_str_digits()} digits"
    return None


def _body_parse_problem(exc: StarletteHTTPException) -> str | None:
    # FastAPI answers a JSONDecodeError as a validation error, but any other failure of the
    # parser (bytes that are not UTF-8, nesting past Python's recursion limit, a number past
    # its 4,300 digits) as a bare 400 whose cause is the parser's exception.
    if exc.status_code != 400 or exc.__cause__ is None:
        return None
    return unparsable_json(exc.__cause__)


def _field_path(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        problems = None
        if isinstance(exc, ValidationFailed):
            problems = [{"field": p.field, "message": p.message} for p in exc.problems]
        return JSONResponse(
            error_body(exc.code, exc.message, problems), status_code=status_for(exc), headers=headers_for(exc)
        )

    @app.exception_handler(RequestValidationError)
    async def request_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(error.get("type") == "json_invalid" for error in errors):
            message = unparsable_json(exc.__cause__) if exc.__cause__ else None
            return JSONResponse(
                error_body("malformed_json", message or "the request body is not valid JSON"), status_code=400
            )
        problems = [{"field": _field_path(tuple(e.get("loc", ()))), "message": str(e.get("msg"))} for e in errors]
        message = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        return JSONResponse(error_body("validation_failed", message, problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        unparsable = _body_parse_problem(exc)
        if unparsable is not None:
            return JSONResponse(error_body("malformed_json", unparsable), status_code=400)
        if exc.status_code == 405:
            allowed = allowed_methods(request.app.routes, request.scope)
            message = f"{request.method} is not allowed on {quoted(request.url.path)}: it allows {', '.join(allowed)}"
            return JSONResponse(
                error_body("method_not_allowed", message), status_code=405, headers={"Allow": ", ".join(allowed)}
            )
        code = {404: "not_found", 405: "method_not_allowed", 413: "request_too_large"}.get(exc.status_code, "error")
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal_error", "the service failed to handle this request"), status_code=500)
