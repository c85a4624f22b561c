"""Fails a share of a boto3 client's calls after botocore's own retries: the call raises to
the caller, as it does once botocore has used up its attempts (throttling that lasts, a
network that is gone). Used by the fault tests and ``benchmarks.dispatch_faults``."""

from __future__ import annotations

import random
import threading
from collections import Counter
from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError


class ClientFaults:
    """Half of the failed calls raise a throttling error, half a lost connection."""

    def __init__(self, rate: float, seed: int) -> None:
        self.rate = rate
        self.on = True
        self.injected = Counter[str]()
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def attach(self, *clients: Any) -> None:
        for client in clients:
            # before-call comes after parameter validation and before botocore's retry loop:
            # what it raises reaches the caller as is.
            client.meta.events.register("before-call", self._maybe_fail)

    def _maybe_fail(self, model: Any, **_: Any) -> None:
        with self._lock:
            roll = self._random.random()
            if not self.on or roll >= self.rate:
                return
            self.injected[model.name] += 1
        if roll < self.rate / 2:
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, model.name)
        raise EndpointConnectionError(endpoint_url="https://aws.example/")
