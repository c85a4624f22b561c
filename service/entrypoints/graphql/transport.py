"""GraphQL over HTTP with the API's own error answers.

Strawberry answers a request it cannot take (no JSON content type, a body that is not
JSON, no query, an operation on GET...) with a plain-text 400, and fails with a 500 on a
body its JSON parser raises anything but ``JSONDecodeError`` for (bytes that are not
UTF-8, nesting past the recursion limit). Here every such answer is the API's JSON error
body (``service.entrypoints.errors``) with a stable code, as REST answers; /openapi.json lists
them (``graphql.routes.TRANSPORT_ERRORS``).
"""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.fastapi import GraphQLRouter
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.unset import UNSET

from service.domain.errors import quoted
from service.entrypoints.errors import error_body, unparsable_json
from service.entrypoints.graphql_ide import graphql_ide_page


class _MalformedJson(HTTPException):
    def __init__(self, message: str) -> None:
        super().__init__(400, message)


class JsonErrorsGraphQLRouter(GraphQLRouter[Any, None]):
    @property
    def graphql_ide_html(self) -> str:
        # The project's own GraphiQL build; Strawberry's page loads GraphiQL from a CDN.
        return graphql_ide_page()

    def decode_json(self, data: str | bytes) -> object:
        try:
            return json.loads(data)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise _MalformedJson(unparsable_json(exc) or "the request body is not valid JSON") from exc

    async def run(  # type: ignore[override]
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Response | WebSocket:
        try:
            return await super().run(request, context, root_value)
        except HTTPException as exc:
            return _error_response(exc)


def _error_response(exc: HTTPException) -> JSONResponse:
    cause = exc.__cause__
    if isinstance(exc, _MalformedJson):
        return JSONResponse(error_body("malformed_json", exc.reason), status_code=400)
    if exc.reason == "Unsupported content type":
        message = "POST /graphql takes a JSON body: send 'Content-Type: application/json'"
        return JSONResponse(error_body("unsupported_media_type", message), status_code=415)
    if isinstance(cause, InvalidOperationTypeError) and exc.reason.endswith("when using GET"):
        message = "GET /graphql serves only the IDE: send operations with POST /graphql"
        return JSONResponse(error_body("method_not_allowed", message), status_code=405, headers={"Allow": "POST"})
    if exc.status_code == 404:
        message = "the GraphQL IDE is off on this stack (SCHEDULER_GRAPHQL_IDE); send operations with POST /graphql"
        return JSONResponse(error_body("not_found", message), status_code=404)
    message = exc.reason
    if isinstance(cause, CannotGetOperationTypeError) and cause.operation_name is not None:
        message = f"the document has no operation named {quoted(cause.operation_name)} (operationName)"
    return JSONResponse(error_body("invalid_graphql_request", message), status_code=exc.status_code)
