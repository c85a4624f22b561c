"""What the local stack benchmark watches of a running `scheduler dev` besides its delivery
lines: the machine's load, the process's CPU time, the messages waiting on the target queue,
the runs the API records, and what the stack logged."""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.dev_stack import RunningStack
from benchmarks.moto_server import queue_depth, session
from service.adapters.queue_schema import QUEUE_NAME


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class TargetDepth:
    """Samples how many messages wait on the stack's queue (its consumer falling behind)."""

    def __init__(self, endpoint: str, every: float = 2.0) -> None:
        sqs = session().client("sqs", endpoint_url=endpoint)
        self._sqs, self._url = sqs, sqs.get_queue_url(QueueName=QUEUE_NAME)["QueueUrl"]
        self._every = every
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.samples: list[int] = []

    def __enter__(self) -> TargetDepth:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopped.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stopped.wait(self._every):
            try:
                self.samples.append(queue_depth(self._sqs, self._url))
            except Exception:  # the emulator is busy: the next sample counts
                continue


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time a process has used (Linux's /proc), or None where there is none."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_share(start: float | None, end: float | None, seconds: float) -> float | None:
    return None if start is None or end is None else (end - start) / seconds


def missed_runs(stack: RunningStack, job_id: str) -> int:
    runs = stack.http.get(f"/schedules/{job_id}/runs", params={"limit": 100}).json()
    return sum(1 for run in runs if run["status"] == "missed")


def delivered_last_runs(stack: RunningStack, job_ids: set[str]) -> list[dict[str, Any]]:
    """The last runs of those schedules that the API lists as delivered, as the stage
    recorded them (``latenessMs``: when the target accepted the run, before any consumer
    read it)."""
    return [
        schedule["lastRun"]
        for schedule in every_schedule(stack)
        if schedule["jobId"] in job_ids and (schedule.get("lastRun") or {}).get("status") == "delivered"
    ]


def every_schedule(stack: RunningStack) -> Iterator[dict[str, Any]]:
    url: str | None = "/schedules?limit=100"
    while url is not None:
        response = stack.http.get(url)
        response.raise_for_status()
        yield from response.json()
        url = response.links.get("next", {}).get("url")


def diagnostics(stack: RunningStack) -> list[str]:
    """The ticks' summaries, and the warnings the stack logged, by message."""
    ticks = [log for log in stack.logs if log.get("message") == "tick"]
    lines = [
        f"tick {t.get('now', '')[11:19]}: handed off {t.get('handedOff')}, already handed off "
        f"{t.get('alreadyHandedOff')}, failed calls {t.get('failedCalls')}, stopped early {t.get('stoppedEarly')}, "
        f"handed off late {t.get('lateHandOffs')} (at most {t.get('maxHandOffLatenessMs')} ms)"
        for t in ticks
        if t.get("handedOff") or t.get("alreadyHandedOff")
    ]
    warnings = Counter(_summary(log) for log in stack.logs if log.get("level") in ("WARNING", "ERROR", "CRITICAL"))
    warnings.update(line.strip()[:100] for line in stack.stderr if " WARNING " in line or " ERROR " in line)
    lines += [f"{count} x {message}" for message, count in warnings.most_common(8)]
    return lines


def _summary(log: dict[str, Any]) -> str:
    """A logged warning's message, and the exception it logged (its last line), if any."""
    message = str(log.get("message"))[:100]
    exception = str(log.get("exception") or "").strip().splitlines()
    return f"{message}: {exception[-1][:160]}" if exception else message
