"""What the end-to-end tests of the local stack share: schedules created through REST, and
the checks of the delivery lines its consumer prints."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.dev_stack import RunningStack, iso, p99

# After the last run is due: time for it to arrive, and for a repeat of any run to show up.
SETTLE_SECONDS = 8.0
ON_TIME_MS = 1000  # SPEC section 4: within 1 s of runAt, p99


def started(stacks: list[RunningStack], env: dict[str, str], data: Path | None = None) -> RunningStack:
    """A stack, in the list the ``stacks`` fixture kills whatever a failed test left running."""
    stack = RunningStack(env, data=data)
    stacks.append(stack)
    return stack


def start_in_whole_seconds() -> datetime:
    """Whole seconds ahead, so each runAt carries its own seconds (:05, :14, ...), not the minute's."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)


def create_one_time_schedules(stack: RunningStack, offsets: list[int], start: datetime) -> dict[str, str]:
    """jobId -> runAt, for one-time schedules due ``offsets`` seconds after ``start``."""
    expected = {}
    for offset in offsets:
        run_at = iso(start + timedelta(seconds=offset))
        response = stack.http.post("/schedules", json={"payload": f"one-time +{offset}s", "runAt": run_at})
        assert response.status_code == 201, response.text
        expected[response.json()["jobId"]] = run_at
    return expected


def assert_each_delivered_once_on_time(lines: list[dict[str, Any]], expected: dict[str, str], label: str) -> None:
    counts = Counter(line["jobId"] for line in lines)
    lateness = [line["latenessMs"] for line in lines if line["jobId"] in expected]
    if lateness:
        ordered = sorted(lateness)
        print(
            f"\n[{label}] {len(lateness)} deliveries, lateness ms: p50 {ordered[len(ordered) // 2]}, "
            f"p99 {p99(lateness)}, max {ordered[-1]}, min {ordered[0]}; all: {ordered}"
        )
    assert {job: counts[job] for job in expected} == dict.fromkeys(expected, 1), "each schedule delivered once"
    assert set(counts) == set(expected), "no delivery of a schedule the test did not create"
    assert {line["jobId"]: line["scheduledFor"] for line in lines} == expected
    assert p99(lateness) <= ON_TIME_MS
    assert min(lateness) >= 0, "a message arrived before its runAt"


def snapshot(stack: RunningStack) -> dict[str, Any]:
    """Every schedule as the API shows it, with its whole run history."""
    response = stack.http.get("/schedules", params={"limit": 100})
    assert response.status_code == 200, response.text
    schedules = {s["jobId"]: s for s in response.json()}
    runs = {job: stack.http.get(f"/schedules/{job}/runs", params={"limit": 100}).json() for job in schedules}
    return {"schedules": schedules, "runs": runs}
