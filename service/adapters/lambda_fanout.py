"""Hands groups of due-index shards to concurrent invocations of the dispatcher itself."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

FANOUT_SOURCE = "scheduler.fanout"


def fanout_event(now: datetime, shards: Sequence[str]) -> dict[str, Any]:
    """The event a child invocation receives: the root's tick time and its shards."""
    return {"source": FANOUT_SOURCE, "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "shards": list(shards)}


class LambdaFanout:
    def __init__(self, client: Any, function_name: str) -> None:
        self._client = client
        self._function_name = function_name

    def start(self, now: datetime, shards: Sequence[str]) -> None:
        # "Event": asynchronous, so the root does not wait. A failed child is not retried
        # (the function's async settings park it in the failed-ticks queue); its shards stay
        # due, and the next tick takes them once the child's leases lapse.
        self._client.invoke(
            FunctionName=self._function_name,
            InvocationType="Event",
            Payload=json.dumps(fanout_event(now, shards)).encode(),
        )
