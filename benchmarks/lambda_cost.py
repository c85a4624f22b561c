"""What the delivery function's time costs on Lambda, estimated from local timings: the
invocations per occurrence measured, GB-seconds from the measured handler durations at the
function's memory (``infra/settings.py``: 256 MB), at the arm64 list price.

An estimate, not a measurement: the local handler runs on a whole core of the development
machine and calls moto, not DynamoDB and SQS. Two corrections are shown beside it: the CPU
part stretched to 256 MB's share of a vCPU (Lambda gives a whole vCPU at 1,769 MB and CPU in
proportion below), and the wait of a run handed off ahead of its time, which becomes
visible up to a second before its second (queue delays are whole seconds) and is held by
the function until then: half a second an invocation on average, billed like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.event_source import Invocation

GB_SECOND_ARM = 0.0000133334  # us-east-1, arm64, first 6 billion GB-seconds a month
PER_REQUEST = 0.20 / 1_000_000
MEMORY_MB = 256
VCPU_MB = 1769
HOLD_SECONDS = 0.5


@dataclass(frozen=True)
class LambdaEstimate:
    invocations: int
    seconds: float  # handler wall time, every invocation together
    cpu_seconds: float

    @classmethod
    def of(cls, invocations: Sequence[Invocation]) -> LambdaEstimate:
        return cls(len(invocations), sum(i.seconds for i in invocations), sum(i.cpu_seconds for i in invocations))

    def dollars_per_million(self, delivered: int, seconds: float) -> float:
        gb_seconds = seconds * MEMORY_MB / 1024
        return (self.invocations * PER_REQUEST + gb_seconds * GB_SECOND_ARM) / max(delivered, 1) * 1_000_000

    def stretched_seconds(self) -> float:
        """The wall time with its CPU part at 256 MB's share of a vCPU."""
        return self.seconds + self.cpu_seconds * (VCPU_MB / MEMORY_MB - 1)

    def lines(self, delivered: int, billed: float) -> list[str]:
        """``billed``: the DynamoDB and SQS dollars per million occurrences beside it."""
        per = max(self.invocations, 1)
        measured = self.dollars_per_million(delivered, self.seconds)
        stretched = self.dollars_per_million(delivered, self.stretched_seconds())
        hold = self.dollars_per_million(delivered, self.invocations * HOLD_SECONDS) - self.dollars_per_million(
            delivered, 0
        )
        return [
            f"stage's Lambda (ESTIMATE from local timings, {MEMORY_MB} MB arm64): "
            f"{self.invocations / max(delivered, 1):.2f} invocations/occurrence, "
            f"{self.seconds / per * 1000:.0f} ms/invocation ({self.cpu_seconds / per * 1000:.0f} ms CPU)",
            f"  ${measured:.3f}/M as measured; ${stretched:.3f}/M with the CPU at {MEMORY_MB} MB's share of a vCPU; "
            f"+ ${hold:.3f}/M for the {HOLD_SECONDS} s average hold of runs handed off ahead",
            f"  ours with the stage's Lambda: ${billed + measured:.2f} to ${billed + stretched + hold:.2f} per million "
            f"(DynamoDB and SQS ${billed:.2f}; the dispatcher's own Lambda time not included)",
        ]
