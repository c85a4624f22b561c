"""Starts asynchronous invocations of the dispatcher itself: fan-out children, each given a
group of a tick's busy shards, and continuations, given the shards a tick left at its deadline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from service.services.invocations import InvocationError, Invocations

FANOUT_SOURCE = "scheduler.fanout"


def fanout_event(now: datetime, shards: Sequence[str], continuation: int = 0) -> dict[str, Any]:
    """The event a started invocation receives: the tick time, its shards, and how many
    continuations led to it (0 for a fan-out child)."""
    return {
        "source": FANOUT_SOURCE,
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "shards": list(shards),
        "continuation": continuation,
    }


class LambdaFanout(Invocations):
    def __init__(self, client: Any, function_name: str) -> None:
        self._client = client
        self._function_name = function_name

    def start(self, now: datetime, shards: Sequence[str], continuation: int = 0) -> None:
        # "Event": asynchronous, so the caller does not wait. A failed invocation is not
        # retried (the function's async settings park it in the failed-ticks queue); its
        # shards stay due, and the ticks that follow take them as soon as no lease holds them.
        try:
            self._client.invoke(
                FunctionName=self._function_name,
                InvocationType="Event",
                Payload=json.dumps(fanout_event(now, shards, continuation)).encode(),
            )
        except (ClientError, BotoCoreError) as exc:
            raise InvocationError(str(exc)) from exc
