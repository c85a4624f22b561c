"""Who is calling: the API key of each request (SPEC section 5), and its rate limit.

``require_principal`` is a dependency of every route of the app (attached where the
routers are included), so a new route is closed unless it is listed in ``OPEN_ROUTES``.
"""

from __future__ import annotations

from fastapi import Depends
from fastapi.params import Depends as DependsParam
from fastapi.security import HTTPBearer
from starlette.requests import HTTPConnection

from service.bootstrap.api import ApiContainer
from service.domain.keys import Principal, Unauthorized
from service.entrypoints.client import client_address

# Routes that hold no data. /docs, /redoc and /openapi.json are not routes of the
# routers and are open too: they describe the API, they serve nothing stored.
OPEN_ROUTES = frozenset({"/health"})
REALM = 'Bearer realm="scheduler"'

# Declares the scheme in /openapi.json (and the docs' Authorize button); the header is
# parsed below, so that each failure gets its own message.
_bearer = HTTPBearer(auto_error=False, scheme_name="apiKey", description="An API key: `Authorization: Bearer <key>`")


def _container(connection: HTTPConnection) -> ApiContainer:
    container: ApiContainer = connection.app.state.container
    return container


def bearer_token(header: str | None) -> str:
    if header is None or not header.strip():
        raise Unauthorized.missing()
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized.malformed()
    return token.strip()


def _is_open(connection: HTTPConnection) -> bool:
    if connection.scope["type"] != "http":
        return False  # a WebSocket carries a key like any request
    route = connection.scope.get("route")
    if getattr(route, "path", None) in OPEN_ROUTES:
        return True
    # GraphQL over GET only serves the IDE's page: operations are refused on GET, so
    # nothing stored is ever read without a key.
    return connection.scope["method"] == "GET" and connection.url.path.rstrip("/") == "/graphql"


def require_principal(connection: HTTPConnection) -> Principal | None:
    """The caller's key, checked and counted against its rate limit; None on open routes.

    A key that is not accepted counts against the client's address (``FailedCheckLimiter``);
    a request that sends no key at all is no guess, and does not.
    """
    if _is_open(connection):
        return None
    container = _container(connection)
    address = client_address(connection, container.settings.origin_secret)
    container.failed_checks.check(address)
    try:
        principal = container.keys.authenticate(bearer_token(connection.headers.get("authorization")))
    except Unauthorized as exc:
        if exc.reason != "missing":
            container.failed_checks.record_failure(address)
        raise
    container.rate_limiter.check(principal)
    return principal


# Every REST route: the key, and the scheme's declaration in /openapi.json.
REST_GUARD: list[DependsParam] = [Depends(_bearer), Depends(require_principal)]
GRAPHQL_GUARD: list[DependsParam] = [Depends(require_principal)]


def www_authenticate(error: Unauthorized) -> str:
    """The challenge of a 401 (RFC 6750 section 3): no error code when no key was sent."""
    if error.reason == "missing":
        return REALM
    code = "invalid_request" if error.reason == "malformed" else "invalid_token"
    return f'{REALM}, error="{code}", error_description="{error.message}"'
