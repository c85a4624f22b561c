"""One invocation's part of a tick: which shards it works, and who takes what it leaves.

An invocation that EventBridge starts works every shard, unless the tick's due work is
more than one invocation sends (``capacity``) and more invocations are allowed: then it
keeps one group of the busy shards and starts one invocation for each other group (a
fan-out child, its event naming its shards). A group whose invocation cannot be started
is worked here. An invocation that reaches its deadline with work left hands those shards
to one continuation of itself, started at once; a continuation hands over nothing more,
so an overloaded system runs at most two invocations per group of shards from one tick,
never a chain: what a continuation leaves is taken by the ticks that follow.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from service.services.dispatch import Dispatcher
from service.services.invocations import InvocationError, Invocations
from service.services.shard_groups import split_shards
from service.services.tick_report import TickReport

logger = logging.getLogger(__name__)

MAX_CONTINUATIONS = 1  # per invocation that EventBridge or a fan-out starts


@dataclass(frozen=True)
class TickPart:
    report: TickReport
    handed_over: list[str]  # the shards left to a continuation


class FanOut:
    def __init__(
        self,
        dispatcher: Dispatcher,
        invocations: Invocations | None,
        *,
        max_invocations: int = 1,
        capacity: int,
    ) -> None:
        """``invocations`` None: this dispatcher cannot start others (no fan-out, no continuation)."""
        self._dispatcher = dispatcher
        self._invocations = invocations
        self._max_invocations = max_invocations
        self._capacity = capacity

    def run(
        self, now: datetime, deadline: datetime, shards: Sequence[str] | None = None, continuation: int = 0
    ) -> TickPart:
        """Work the tick at ``now`` until ``deadline``: the ``shards`` a fan-out or a
        continuation named, or this invocation's share of all of them."""
        if shards is None and self._invocations is not None and self._max_invocations > 1:
            shards = self._share(now, self._invocations)
        report = self._dispatcher.tick(now, deadline, shards=shards)
        return TickPart(report, self._hand_over(now, report, continuation))

    def _share(self, now: datetime, invocations: Invocations) -> list[str]:
        """Starts invocations for all but one group of the busy shards; returns the one kept."""
        workload = self._dispatcher.workload(now, cap=self._capacity * self._max_invocations)
        groups = split_shards(workload, self._capacity, self._max_invocations)
        kept = groups[0] if groups else []
        for group in groups[1:]:
            try:
                invocations.start(now, group)
            except InvocationError:
                logger.exception("could not start a dispatcher for shards %s; this one takes them", group)
                kept = [*kept, *group]
        return kept

    def _hand_over(self, now: datetime, report: TickReport, continuation: int) -> list[str]:
        """Starts a continuation for the shards this invocation left; returns them, or none."""
        left = sorted(report.shards_left)
        if not left or self._invocations is None or continuation >= MAX_CONTINUATIONS:
            return []
        try:
            self._invocations.start(now, left, continuation + 1)
        except InvocationError:
            logger.exception("could not hand shards %s over; the next tick takes them", left)
            return []
        return left
