"""What one batch of the delivery stage did: counts for the metrics and its summary log line."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from threading import Lock

logger = logging.getLogger(__name__)

# A run accepted more than this after its time is late (SPEC: within 1 s, p99).
LATE_AFTER_MS = 1000


@dataclass
class DeliveryReport:
    received: int = 0
    delivered: int = 0
    late: int = 0
    canceled: int = 0
    missed: int = 0
    failed: int = 0  # refused by its target past its retries: recorded failed
    retried: int = 0  # offered again later (a target's passing refusal, a write not landed yet)
    dropped: int = 0  # repeats of runs already dealt with, and runs of writes that never landed
    not_recorded: int = 0  # delivered, but the record failed: offered again (a repeat)
    malformed: int = 0
    held_ms: int = 0  # how long runs that came early were held, in all
    lateness_ms: list[int] = field(default_factory=list)
    _lock: Lock = field(default_factory=Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def record_delivery(self, lateness_ms: int) -> None:
        with self._lock:
            self.delivered += 1
            self.late += int(lateness_ms > LATE_AFTER_MS)
            self.lateness_ms.append(lateness_ms)

    def summary(self) -> dict[str, object]:
        lateness = sorted(self.lateness_ms)
        return {
            "received": self.received,
            "delivered": self.delivered,
            "late": self.late,
            "canceled": self.canceled,
            "missed": self.missed,
            "failed": self.failed,
            "retried": self.retried,
            "dropped": self.dropped,
            "notRecorded": self.not_recorded,
            "malformed": self.malformed,
            "heldMs": self.held_ms,
            "maxLatenessMs": lateness[-1] if lateness else None,
        }
