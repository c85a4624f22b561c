"""What one dispatcher tick did: counts for the metrics and its one summary log line.

The dispatcher hands runs to the delivery stage; how late each reached its target is the
stage's to measure (``delivery_report``). Here, lateness is how long after its time a run
was handed off: above zero only when the dispatcher itself was behind (down, throttled,
overloaded)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from threading import Lock

logger = logging.getLogger(__name__)

# A run handed off more than this after its time is late already (SPEC: within 1 s, p99).
LATE_AFTER_MS = 1000


@dataclass
class TickReport:
    now: datetime
    handed_off: int = 0
    late_handoffs: int = 0
    already_handed_off: int = 0  # seen again while the delivery stage still holds it
    missed: int = 0
    missed_not_recorded: int = 0
    handoff_failures: int = 0
    conflicts: int = 0
    shards_leased: int = 0
    shards_busy: int = 0  # still held by another dispatcher at this tick's deadline
    shards_empty: int = 0
    shards_waited: int = 0  # found leased by another, looked at again
    shards_failed: int = 0  # a shard's work cut short by a call failing past its retries
    leases_lost: int = 0
    failed_calls: int = 0  # AWS calls that raised to the dispatcher (retried or not)
    not_advanced: int = 0  # missed runs whose record failed: recorded by a later tick
    items_failed: int = 0  # schedules that could not be planned
    shards_left: set[str] = field(default_factory=set)  # due work left for another tick
    handoff_lateness_ms: list[int] = field(default_factory=list)  # how long after its time each went
    _lock: Lock = field(default_factory=Lock, repr=False)

    @property
    def stopped_early(self) -> bool:
        return bool(self.shards_left)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def leave(self, shard: str) -> None:
        with self._lock:
            self.shards_left.add(shard)

    def call_failed(self, what: str, exc: Exception) -> None:
        logger.warning("%s: %s: %s", what, type(exc).__name__, exc)
        self.add(failed_calls=1)

    def summary(self) -> dict[str, object]:
        lateness = sorted(self.handoff_lateness_ms)
        return {
            "now": self.now.isoformat(),
            "handedOff": self.handed_off,
            "lateHandOffs": self.late_handoffs,
            "alreadyHandedOff": self.already_handed_off,
            "missed": self.missed + self.missed_not_recorded,
            "handOffFailures": self.handoff_failures,
            "conflicts": self.conflicts,
            "shardsLeased": self.shards_leased,
            "shardsBusy": self.shards_busy,
            "shardsEmpty": self.shards_empty,
            "shardsWaited": self.shards_waited,
            "shardsFailed": self.shards_failed,
            "leasesLost": self.leases_lost,
            "failedCalls": self.failed_calls,
            "notAdvanced": self.not_advanced,
            "itemsFailed": self.items_failed,
            "stoppedEarly": self.stopped_early,
            "shardsLeft": sorted(self.shards_left),
            "maxHandOffLatenessMs": lateness[-1] if lateness else None,
        }

    def record_hand_off(self, lateness_ms: int) -> None:
        with self._lock:
            self.handed_off += 1
            self.late_handoffs += int(lateness_ms > LATE_AFTER_MS)
            self.handoff_lateness_ms.append(lateness_ms)
