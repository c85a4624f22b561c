"""The port through which a dispatcher starts other invocations of itself."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from datetime import datetime


class InvocationError(Exception):
    """The invocation could not be started (throttled, refused, unreachable)."""


class Invocations(abc.ABC):
    @abc.abstractmethod
    def start(self, now: datetime, shards: Sequence[str], continuation: int = 0) -> None:
        """Start one invocation, at once and without waiting for it, that works ``shards``
        for the tick at ``now``: a fan-out child (``continuation`` 0), or the continuation
        of an invocation that left them (how many continuations led to it). Raises
        ``InvocationError``."""
