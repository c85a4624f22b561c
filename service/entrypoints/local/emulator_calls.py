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

Each service's calls run one at a time: moto's backends are not safe for concurrent use.
Two threads' conditional writes to one item could both pass their condition (the stage and
the dispatcher each moving one schedule on), where DynamoDB checks and writes at once; a
read that meets a write midway fails (a Query's ``KeyError`` on a half-written item), which
costs the stage its batch: delivered, then offered again after its visibility time-out; and
two receives from one queue could both take the same message (the consumer's pollers: one
run printed twice), where SQS hides it from every other receive at once. A receive that
waits for messages (``WaitTimeSeconds`` above 0) is the exception: it would hold the
service's calls for up to 20 s, so it runs beside them, unguarded (the stack's own receives
never wait).

A session may be given a ``before_call``, run before each of its calls: the dispatcher's
gives way to the delivery stage (``GiveWay``), which shares this interpreter with it. And
``arrivals``, told of each message its calls send (``Arrivals``): the local consumer waits
for the next one instead of polling on a timer, and reads a run the moment the stage has
delivered it.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
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
_ONE_AT_A_TIME = {service: threading.Lock() for service in SERVICES}


class _Body(BytesIO):
    def stream(self, **_: Any) -> Any:
        yield self.read()


@cache
def _routes(service: str) -> list[tuple[re.Pattern[str], Any]]:
    backend = backends.get_backend(service)[DEFAULT_ACCOUNT_ID][ROUTING_REGION]  # type: ignore[call-overload]
    return [(re.compile(url), method) for url, method in backend.urls.items()]


SENDS = (".SendMessage", ".SendMessageBatch")


class Arrivals:
    """How many sends of messages there have been, and a wait for the next one. Each send
    wakes one waiter (a batch of 10 is one receive's worth: the consumer's other pollers
    would find nothing and only take the emulator's turns from the stage)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._sends = 0

    @property
    def sends(self) -> int:
        with self._changed:
            return self._sends

    def notify(self, everyone: bool = False) -> None:
        with self._changed:
            self._sends += 1
            if everyone:
                self._changed.notify_all()
            else:
                self._changed.notify()

    def wait(self, seen: int, timeout: float) -> None:
        """Until there are more sends than ``seen``, for ``timeout`` seconds at most."""
        with self._changed:
            self._changed.wait_for(lambda: self._sends != seen, timeout)


class EmulatorCalls:
    """A botocore ``before-send`` handler: answers the requests to ``endpoint_url``."""

    def __init__(
        self,
        endpoint_url: str,
        before_call: Callable[[], None] | None = None,
        arrivals: Arrivals | None = None,
    ) -> None:
        self._netloc = urlsplit(endpoint_url).netloc
        self._before_call = before_call
        self._arrivals = arrivals

    def __call__(self, event_name: str, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        service = event_name.split(".")[1] if event_name.count(".") >= 2 else ""
        url = urlsplit(request.url)
        if service not in SERVICES or url.netloc != self._netloc:
            return None
        routed = f"https://{service}.{ROUTING_REGION}.amazonaws.com{url.path or '/'}"
        for pattern, method in _routes(service):
            if pattern.match(routed):
                if self._before_call is not None:
                    self._before_call()
                normalized = normalize_request(request)
                try:
                    with nullcontext() if _waits(event_name, request) else _ONE_AT_A_TIME[service]:
                        status, headers, body = method(normalized, normalized.raw_url, normalized.headers)
                except HTTPException as exc:
                    status, headers, body = exc.code, exc.get_headers(), exc.get_body()
                except Exception:  # as the server answers a fault of moto's: a 500, retried
                    logger.exception("the embedded emulator failed on %s", event_name)
                    status, headers, body = 500, {}, b""
                if self._arrivals is not None and status == 200 and event_name.endswith(SENDS):
                    self._arrivals.notify()
                content = body.encode("utf-8") if isinstance(body, str) else body
                return AWSResponse(request.url, status, dict(headers), _Body(content))  # type: ignore[arg-type]
        return None


def _waits(event_name: str, request: AWSPreparedRequest) -> bool:
    """Whether the call is a receive that waits for messages (SQS's JSON protocol)."""
    if not event_name.endswith(".ReceiveMessage"):
        return False
    raw = request.body
    if not isinstance(raw, (str, bytes, bytearray)):
        return False  # a stream: not a request botocore's JSON protocol builds
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return False
    return isinstance(body, dict) and bool(body.get("WaitTimeSeconds"))


def call_directly(
    session: Any,
    endpoint_url: str,
    before_call: Callable[[], None] | None = None,
    arrivals: Arrivals | None = None,
) -> None:
    """Route ``session``'s calls to the embedded emulator at ``endpoint_url`` in-process;
    only clients the session creates afterwards are affected."""
    session.events.register("before-send", EmulatorCalls(endpoint_url, before_call, arrivals))


class GiveWay:
    """Before each call, wait while ``busy()`` (the delivery stage has runs due), for at most
    ``max_wait`` seconds: a tick's calls, which hand off runs a minute ahead, go in the
    stage's pauses, and the runs due now are not made late by a tick that shares the
    interpreter with them. A tick that the stage keeps waiting still ends: each call waits
    its ``max_wait`` at most."""

    def __init__(
        self,
        busy: Callable[[], bool],
        max_wait: float = 0.2,
        poll: float = 0.005,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._busy = busy
        self._max_wait = max_wait
        self._poll = poll
        self._clock = clock
        self._sleep = sleep

    def __call__(self) -> None:
        deadline = self._clock() + self._max_wait
        while self._busy() and self._clock() < deadline:
            self._sleep(self._poll)
