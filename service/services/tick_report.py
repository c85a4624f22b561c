"""What one dispatcher tick did: counts for the metrics and its one summary log line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from threading import Lock

# A run visible more than this after its time counts as late (SPEC: within 1 s, p99).
LATE_AFTER_MS = 1000


@dataclass
class TickReport:
    now: datetime
    delivered: int = 0
    late: int = 0
    missed: int = 0
    missed_not_recorded: int = 0
    send_failures: int = 0
    conflicts: int = 0
    shards_leased: int = 0
    shards_busy: int = 0
    shards_empty: int = 0
    stopped_early: bool = False
    lateness_ms: list[int] = field(default_factory=list)
    _lock: Lock = field(default_factory=Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def summary(self) -> dict[str, object]:
        lateness = sorted(self.lateness_ms)
        return {
            "now": self.now.isoformat(),
            "delivered": self.delivered,
            "late": self.late,
            "missed": self.missed + self.missed_not_recorded,
            "sendFailures": self.send_failures,
            "conflicts": self.conflicts,
            "shardsLeased": self.shards_leased,
            "shardsBusy": self.shards_busy,
            "shardsEmpty": self.shards_empty,
            "stoppedEarly": self.stopped_early,
            "maxLatenessMs": lateness[-1] if lateness else None,
        }

    def record_delivery(self, lateness_ms: int) -> None:
        with self._lock:
            self.delivered += 1
            self.late += int(lateness_ms > LATE_AFTER_MS)
            self.lateness_ms.append(lateness_ms)
