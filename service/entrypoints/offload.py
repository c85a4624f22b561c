"""Blocking work off the event loop.

The use cases call boto3, which blocks; run on the event loop, one slow call would hold
every other request (``/health`` included) until it returns. Each REST route and each
GraphQL operation therefore does its work in a worker thread, and the event loop only
accepts, routes and answers.

The threads are limited apart from anyio's default pool (40), which FastAPI uses for
sync dependencies such as the key check: heavy requests queue for their own tokens and
never take the ones a ``/health`` or a key check needs. Ten is botocore's connection
pool per client: more threads would only wait for a connection (or open and throw away
extra ones). On Lambda an instance serves one request at a time, so the limit never
binds there; the local stack serves many requests on one event loop, and it does.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ParamSpec, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar

REQUEST_THREADS = 10

P = ParamSpec("P")
T = TypeVar("T")

# One limiter per event loop (as anyio keeps its own default limiter): a limiter is
# bound to the loop that first waits on it, and tests and Mangum may run several loops.
_limiter: RunVar[CapacityLimiter] = RunVar("scheduler_request_threads")


def request_threads() -> CapacityLimiter:
    try:
        return _limiter.get()
    except LookupError:
        limiter = CapacityLimiter(REQUEST_THREADS)
        _limiter.set(limiter)
        return limiter


async def in_thread(call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``call(*args, **kwargs)`` in a worker thread; the event loop goes on meanwhile."""
    return await anyio.to_thread.run_sync(partial(call, *args, **kwargs), limiter=request_threads())
