"""A Strawberry schema whose operations run in a worker thread, on an event loop of their own."""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry
from strawberry.types import ExecutionResult

from service.entrypoints.offload import in_thread


class ThreadedSchema(strawberry.Schema):
    """Runs each operation in a worker thread, as a REST route does its work.

    Resolvers call boto3, which blocks: run on the server's event loop, one slow call would
    hold every other request. Yet DataLoaders (``loaders``) batch only under asynchronous
    execution. So an operation executes asynchronously on an event loop of its own, in a
    worker thread: its resolvers and its loaders' batch functions block that thread alone,
    and the server's loop only accepts, routes and answers. ``execute_sync`` runs the same
    way in the calling thread (for callers without an event loop, as tests are).
    """

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        return await in_thread(self.execute_sync, *args, **kwargs)

    def execute_sync(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        return asyncio.run(super().execute(*args, **kwargs))
