"""Methods a path allows: ``HEAD`` wherever ``GET`` is, and the full ``Allow`` of a 405.

Starlette answers a known path with a wrong method from the first route whose path
matches, so ``PATCH /schedules/{jobId}`` said ``Allow: GET`` although ``PUT`` and ``DELETE``
exist too; ``allowed_methods`` asks every route. FastAPI's routes, unlike Starlette's own
(``/openapi.json``, the web UI), do not answer ``HEAD``: ``HeadAsGet`` serves it as the
``GET`` it stands for (RFC 9110 section 9.3.2), without the body, so that every path
answers ``HEAD`` alike.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The methods a 405's Allow can name: the ones the API's routes use, HEAD aside.
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(routes: list[BaseRoute], scope: Scope) -> list[str]:
    """The methods some route serves at ``scope``'s path, ``HEAD`` with ``GET``; sorted.

    Each method is asked of every route (FastAPI keeps included routers as routes of their
    own, so a route's ``methods`` are not all in view): the ones a route matches fully.
    """
    methods = {
        method
        for method in _METHODS
        for route in routes
        # The web UI's catch-all at "/" matches every path, and says nothing of it.
        if not isinstance(route, Mount) and route.matches({**scope, "method": method})[0] is Match.FULL
    }
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


class HeadAsGet:
    """A ``HEAD`` request runs as ``GET``; the answer keeps its status and headers, not its body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
