"""The local stack's lateness and capacity as a consumer sees them: the real `scheduler dev`
in a process of its own, schedules created through its REST API, every delivery read from
the JSON lines its consumer prints (``latenessMs``: from ``scheduledFor`` to when the
consumer received the message).

    python -m benchmarks.local_stack                         (or: make bench)
    python -m benchmarks.local_stack --emulator embedded     # only the embedded emulator
    python -m benchmarks.local_stack --emulator process      # only a moto server of its own

1. Lateness: a handful of one-time runs spread over a minute: p50, p99, max, and the
   minimum (never below 0: never early).
2. Capacity: 3,000 one-time runs due within one minute (50 in each of its seconds) plus 50
   per-minute crons, all created through the API before the minute starts (far enough
   ahead that the dispatcher hands them off, not the API); each run must reach the
   consumer once (counted by its occurrence, ``jobId`` and ``scheduledFor``), none may be
   recorded missed (read back through the API), p99 lateness at most 1 s.

Both run with the embedded emulator (one process: the API, the dispatcher, the stage, the
consumer and moto share one interpreter lock) and with the emulator in a process of its
own (``AWS_ENDPOINT_URL`` to a moto server: the stage then takes its runs from the
emulator's hand-off queue). The API's per-key rate limit is raised for the creation
(``SCHEDULER_RATE_LIMIT_PER_SECOND``), which would otherwise take 150 s for 3,050 schedules.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from benchmarks.dev_stack import API_KEY, RunningStack, clean_env, iso, percentile
from benchmarks.moto_server import start_moto
from benchmarks.stack_watch import (
    TargetDepth,
    cpu_share,
    delivered_last_runs,
    diagnostics,
    load,
    missed_runs,
    process_cpu_seconds,
)
from service.config import Settings
from service.entrypoints.local.stack import EMBEDDED_LOOKAHEAD_SECONDS

ON_TIME_MS = 1000
SETTLE = timedelta(seconds=10)  # after the last run: for it to arrive, and any repeat
STRAGGLERS = timedelta(seconds=120)  # a run not arrived this long after the minute is lost
# The dispatcher's: runs further ahead at creation are its own (the embedded emulator's stack
# hands off further ahead than the cloud, which the process emulator's stack does as).
LOOKAHEAD = {
    "embedded": timedelta(seconds=EMBEDDED_LOOKAHEAD_SECONDS),
    "process": timedelta(seconds=Settings.model_fields["lookahead_seconds"].default),
}
# The minute of runs starts this many seconds into a minute: the tick at the next minute then
# hands off the most runs (50 s of them), the soonest due 10 s after it: the hardest case.
WINDOW_SECOND = 50
CREATORS = 8  # requests at once while creating
RATE_LIMIT = {"SCHEDULER_RATE_LIMIT_PER_SECOND": "100000", "SCHEDULER_RATE_LIMIT_BURST": "100000"}

Occurrence = tuple[str, str]  # jobId, scheduledFor


@dataclass
class Lateness:
    values: list[int]

    def line(self) -> str:
        v = self.values
        if not v:
            return "no deliveries"
        return (
            f"{len(v)} deliveries, lateness ms p50 {percentile(v, 0.5)}, p99 {percentile(v, 0.99)}, "
            f"max {max(v)}, min {min(v)}"
        )


@dataclass
class Capacity:
    expected: set[Occurrence]
    received: Counter[Occurrence]
    lateness: Lateness
    create_seconds: float
    handed_off_by_api: int  # one-time runs created within the lookahead of their time
    missed: int  # runs recorded missed, read back through the API
    not_delivered_records: int  # one-time schedules whose last run is not `delivered`
    accepted: Lateness  # the delivered one-time runs' lateness as the stage recorded it, at the target's acceptance
    loads: list[float] = field(default_factory=list)
    cpu_share: float | None = None  # of one core: the stack process, from the minute's start to 10 s after its end
    target_depth: list[int] = field(default_factory=list)  # messages waiting on the target, every 2 s
    by_slice: dict[str, Lateness] = field(default_factory=dict)  # lateness by 10 s of the runs' times

    @property
    def lost(self) -> int:
        return len(self.expected - set(self.received))

    @property
    def doubled(self) -> int:
        return sum(1 for occurrence in self.expected if self.received[occurrence] > 1)

    @property
    def unexpected(self) -> int:
        return len(set(self.received) - self.expected)

    def passed(self) -> bool:
        return (
            not self.lost
            and not self.doubled
            and not self.unexpected
            and not self.missed
            and not self.not_delivered_records
            and percentile(self.lateness.values, 0.99) <= ON_TIME_MS
            and min(self.lateness.values) >= 0
        )


def created(stack: RunningStack, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Create every schedule, ``CREATORS`` requests at once; their stored representations."""
    clients = [
        httpx.Client(base_url=str(stack.http.base_url), timeout=60, headers={"Authorization": f"Bearer {API_KEY}"})
        for _ in range(CREATORS)
    ]

    def create(index: int) -> dict[str, Any]:
        response = clients[index % CREATORS].post("/schedules", json=bodies[index])
        if response.status_code != 201:
            raise RuntimeError(f"creating a schedule: {response.status_code} {response.text}")
        answer: dict[str, Any] = response.json()
        return answer

    try:
        with ThreadPoolExecutor(CREATORS) as pool:
            return list(pool.map(create, range(len(bodies))))
    finally:
        for client in clients:
            client.close()


def measure_lateness(stack: RunningStack, runs: int = 12) -> Lateness:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=8)
    offsets = [round(i * 60 / runs) for i in range(runs)]
    jobs = created(stack, [{"payload": f"+{o}s", "runAt": iso(start + timedelta(seconds=o))} for o in offsets])
    ids = {job["jobId"] for job in jobs}
    lines = stack.collect(until=start + timedelta(seconds=max(offsets)) + SETTLE)
    return Lateness([line["latenessMs"] for line in lines if line["jobId"] in ids])


def measure_capacity(stack: RunningStack, lookahead: timedelta, one_time: int = 3000, crons: int = 50) -> Capacity:
    loads = [os.getloadavg()[0]]
    started = time.monotonic()
    cron_jobs = created(
        stack, [{"payload": f"cron {i}", "recurring": "cron", "cron": "* * * * *"} for i in range(crons)]
    )
    per_request = (time.monotonic() - started) / crons
    # The minute starts once every schedule is stored and beyond the lookahead of its creation.
    window = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=per_request * one_time * 1.5) + lookahead
    window += timedelta(seconds=5)
    window += timedelta(seconds=(WINDOW_SECOND - window.second) % 60)
    bodies = [
        {"payload": f"one-time {i}", "runAt": iso(window + timedelta(seconds=i * 60 // one_time))}
        for i in range(one_time)
    ]
    jobs = created(stack, bodies)
    create_seconds = time.monotonic() - started
    created_by = datetime.now(UTC)
    handed_off_by_api = sum(1 for body in bodies if _instant(body["runAt"]) - created_by <= lookahead)
    end = window + timedelta(seconds=60)
    expected = {(job["jobId"], job["runAt"]) for job in jobs}
    last_minute = end.replace(second=0)
    for job in cron_jobs:
        minute = _instant(job["runAt"])
        while minute <= last_minute:
            expected.add((job["jobId"], iso(minute)))
            minute += timedelta(minutes=1)
    cron_ids = {job["jobId"] for job in cron_jobs}

    _sleep_until(window)
    cpu_at_start, started_at = process_cpu_seconds(stack.process.pid), time.monotonic()
    with TargetDepth(stack.endpoint_url) as depth:
        lines = _collect(stack, expected, end)
    loads.append(os.getloadavg()[0])
    share = cpu_share(cpu_at_start, process_cpu_seconds(stack.process.pid), time.monotonic() - started_at)
    # Cron runs after the last expected minute are the next minutes' and not counted.
    in_scope = [
        line for line in lines if line["jobId"] not in cron_ids or _instant(line["scheduledFor"]) <= last_minute
    ]
    received = Counter((line["jobId"], line["scheduledFor"]) for line in in_scope)
    one_time = {job["jobId"] for job in jobs}
    delivered = delivered_last_runs(stack, one_time)
    return Capacity(
        expected=expected,
        received=received,
        lateness=Lateness([line["latenessMs"] for line in in_scope]),
        create_seconds=create_seconds,
        handed_off_by_api=handed_off_by_api,
        missed=sum(missed_runs(stack, job_id) for job_id in cron_ids),
        not_delivered_records=len(one_time) - len(delivered),
        accepted=Lateness([run["latenessMs"] for run in delivered]),
        loads=loads,
        cpu_share=share,
        target_depth=depth.samples,
        by_slice=_by_slice(in_scope),
    )


def _collect(stack: RunningStack, expected: set[Occurrence], end: datetime) -> list[dict[str, Any]]:
    """The delivery lines until every expected run arrived (or ``STRAGGLERS`` after the
    minute's end: a run later than that counts as lost), then ``SETTLE`` more for repeats."""
    lines = stack.collect(until=end + SETTLE)
    seen = {(line["jobId"], line["scheduledFor"]) for line in lines}
    while not expected <= seen and datetime.now(UTC) < end + STRAGGLERS:
        more = stack.collect(until=min(datetime.now(UTC) + SETTLE, end + STRAGGLERS))
        lines += more
        seen.update((line["jobId"], line["scheduledFor"]) for line in more)
    return lines


def _by_slice(lines: list[dict[str, Any]]) -> dict[str, Lateness]:
    slices: dict[str, Lateness] = {}
    for line in sorted(lines, key=lambda line: str(line["scheduledFor"])):
        at = _instant(line["scheduledFor"])
        key = at.replace(second=at.second // 10 * 10).strftime("%H:%M:%S")
        slices.setdefault(key, Lateness([])).values.append(line["latenessMs"])
    return slices


def _sleep_until(instant: datetime) -> None:
    while (left := (instant - datetime.now(UTC)).total_seconds()) > 0:
        time.sleep(min(left, 1.0))


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@contextmanager
def emulator(kind: str) -> Iterator[dict[str, str]]:
    """The environment of the stack for ``kind``: the embedded emulator, or a moto server."""
    if kind == "embedded":
        yield {}
        return
    process, endpoint = start_moto()
    try:
        yield {"AWS_ENDPOINT_URL": endpoint}
    finally:
        process.terminate()
        process.wait()


def run(kind: str, out: Callable[[str], None] = print) -> bool:
    with emulator(kind) as env:
        stack = RunningStack(clean_env(**RATE_LIMIT, **env))
        try:
            out(f"-- {kind} emulator (load average {load()})")
            out(f"lateness, a handful of runs over a minute: {measure_lateness(stack).line()}")
            result = measure_capacity(stack, LOOKAHEAD[kind])
            out(
                f"capacity, {len(result.expected)} occurrences (3,000 one-time in one minute, 50 per-minute crons): "
                f"created in {result.create_seconds:.0f} s ({result.handed_off_by_api} handed off by the API); "
                f"{len(result.expected) - result.lost}/{len(result.expected)} delivered, {result.lost} lost, "
                f"{result.doubled} doubled, {result.unexpected} unexpected, {result.missed} recorded missed, "
                f"{result.not_delivered_records} one-time runs not recorded delivered"
            )
            cpu = "" if result.cpu_share is None else f"; the stack's process used {result.cpu_share:.0%} of a core"
            cpu += f"; at most {max(result.target_depth, default=0)} messages waiting on the target"
            out(f"  {result.lateness.line()}; load average {result.loads[0]:.2f} -> {result.loads[-1]:.2f}{cpu}")
            out(f"  one-time runs as the stage recorded them, at the target's acceptance: {result.accepted.line()}")
            for key, lateness in result.by_slice.items():
                out(f"  runs due from {key}: {lateness.line()}")
            doubled = sorted(o for o in result.expected if result.received[o] > 1)
            if doubled:
                out(f"  doubled: {', '.join(f'{job} at {at}' for job, at in doubled[:3])}")
            for line in diagnostics(stack):
                out(f"  {line}")
            verdict = "met" if result.passed() else "MISSED"
            out(f"  {verdict}: each once, none recorded missed, p99 <= {ON_TIME_MS} ms, none early")
            return result.passed()
        finally:
            stack.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--emulator", choices=("embedded", "process", "both"), default="both")
    kinds = ["embedded", "process"] if (chosen := parser.parse_args().emulator) == "both" else [chosen]
    print(f"$ python -m benchmarks.local_stack{'' if chosen == 'both' else f' --emulator {chosen}'}")
    results = [run(kind) for kind in kinds]
    sys.stdout.flush()
    if not any(results):
        sys.exit("the local stack missed its capacity with every emulator tried")


if __name__ == "__main__":
    main()
