"""The stack's own calls to its embedded emulator, answered in this process by moto's
backends rather than through moto's HTTP server.

moto's server (werkzeug's) closes the connection after every response, so each call of
the stack paid a TCP connection, a server thread and HTTP on both sides: about 3 ms of
this interpreter's time per call, three times what moto's own work costs. A stack at
thousands of runs a minute makes a dozen calls a second per hundred runs, so that was most
of its time. The server stays, and serves whoever uses the endpoint from outside (a shell,
another process, the data keeper's restore): both see the same backends, as one emulator.

Each request to the embedded endpoint is routed as moto's own in-process mock routes it
(the service's URL patterns, by the service's AWS address), and executed on the request as
it was made, so what moto builds from its host (a queue's URL) is the endpoint's, as the
server would build it. A request to anywhere else goes out as usual.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

import moto.backends as backends
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.core.request import normalize_request
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)

SERVICES = ("dynamodb", "sqs")  # what the stack calls; anything else goes through the server
ROUTING_REGION = "us-east-1"  # any region: it only picks the service's routes


class _Body(BytesIO):
    def stream(self, **_: Any) -> Any:
        yield self.read()


@cache
def _routes(service: str) -> list[tuple[re.Pattern[str], Any]]:
    backend = backends.get_backend(service)[DEFAULT_ACCOUNT_ID][ROUTING_REGION]  # type: ignore[call-overload]
    return [(re.compile(url), method) for url, method in backend.urls.items()]


class EmulatorCalls:
    """A botocore ``before-send`` handler: answers the requests to ``endpoint_url``."""

    def __init__(self, endpoint_url: str) -> None:
        self._netloc = urlsplit(endpoint_url).netloc

    def __call__(self, event_name: str, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        service = event_name.split(".")[1] if event_name.count(".") >= 2 else ""
        url = urlsplit(request.url)
        if service not in SERVICES or url.netloc != self._netloc:
            return None
        routed = f"https://{service}.{ROUTING_REGION}.amazonaws.com{url.path or '/'}"
        for pattern, method in _routes(service):
            if pattern.match(routed):
                normalized = normalize_request(request)
                try:
                    status, headers, body = method(normalized, normalized.raw_url, normalized.headers)
                except HTTPException as exc:
                    status, headers, body = exc.code, exc.get_headers(), exc.get_body()
                except Exception:  # as the server answers a fault of moto's: a 500, retried
                    logger.exception("the embedded emulator failed on %s", event_name)
                    status, headers, body = 500, {}, b""
                content = body.encode("utf-8") if isinstance(body, str) else body
                return AWSResponse(request.url, status, dict(headers), _Body(content))  # type: ignore[arg-type]
        return None


def call_directly(session: Any, endpoint_url: str) -> None:
    """Route ``session``'s calls to the embedded emulator at ``endpoint_url`` in-process;
    only clients the session creates afterwards are affected."""
    session.events.register("before-send", EmulatorCalls(endpoint_url))
