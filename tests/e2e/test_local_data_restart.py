"""`scheduler dev --data FILE` stopped with runs in flight: what was saved is delivered after
the restart, once, at its time (issue: the local stack keeps its queues with its table).

Runs due within the lookahead of their creation are handed to the delivery stage at once,
so when the stack stops they wait in the stage's queue, not yet due.
"""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from benchmarks.dev_stack import RunningStack, clean_env
from service.adapters.queue_schema import QUEUE_NAME
from tests.e2e.local_stack_support import (
    SETTLE_SECONDS,
    assert_each_delivered_once_on_time,
    create_one_time_schedules,
    start_in_whole_seconds,
    started,
)

pytestmark = pytest.mark.e2e

# Inside the lookahead (70 s), so handed off at creation; far enough that none is due
# before the stack is up again.
OFFSETS = [30, 40, 50]
SAVE_TIMEOUT = 30.0


def saved(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return document


def runs_in_stage(document: dict[str, Any]) -> int:
    return len(document.get("queues", {}).get("handoff", {}).get("messages", []))


def messages_on_target(document: dict[str, Any]) -> int:
    return len(document.get("queues", {}).get("emulator", {}).get(QUEUE_NAME, []))


def test_runs_waiting_in_the_stage_are_delivered_once_at_their_time_after_sigterm_and_a_restart(
    stacks: list[RunningStack], tmp_path: Path
) -> None:
    data = tmp_path / "scheduler-data.json"
    stack = started(stacks, clean_env(), data)
    start = start_in_whole_seconds()
    expected = create_one_time_schedules(stack, OFFSETS, start)

    assert stack.stop(signal.SIGTERM) == 0
    assert runs_in_stage(saved(data)) == len(OFFSETS), "the runs were waiting in the stage when it stopped"
    assert stack.collect(until=datetime.now(UTC)) == [], "none was delivered before the stop"

    restarted = started(stacks, clean_env(), data)
    lines = restarted.collect(until=start + timedelta(seconds=max(OFFSETS) + SETTLE_SECONDS))

    assert_each_delivered_once_on_time(lines, expected, "after SIGTERM and a restart")
    runs = {job: restarted.http.get(f"/schedules/{job}/runs").json() for job in expected}
    assert {job: [run["status"] for run in history] for job, history in runs.items()} == {
        job: ["delivered"] for job in expected
    }
    assert restarted.stop() == 0


def test_after_kill_9_what_the_last_autosave_held_is_delivered_after_the_restart(
    stacks: list[RunningStack], tmp_path: Path
) -> None:
    data = tmp_path / "scheduler-data.json"
    # Nothing consumes: a run delivered now waits on the target queue, in the emulator.
    stack = started(stacks, clean_env(SCHEDULER_AUTOSAVE_SECONDS="2", SCHEDULER_CONSUME="off"), data)
    now = stack.http.post("/schedules", json={"payload": "delivered before the kill", "immediate": True})
    assert now.status_code == 201, now.text
    start = start_in_whole_seconds()
    expected = create_one_time_schedules(stack, OFFSETS, start)
    deadline = time.monotonic() + SAVE_TIMEOUT
    while not (runs_in_stage(saved(data)) == len(OFFSETS) and messages_on_target(saved(data)) == 1):
        assert time.monotonic() < deadline, f"no autosave held the runs within {SAVE_TIMEOUT} s"
        time.sleep(0.5)

    stack.kill()  # kill -9: no save on the way out

    restarted = started(stacks, clean_env(), data)
    lines = restarted.collect(until=start + timedelta(seconds=max(OFFSETS) + SETTLE_SECONDS))

    delivered_before = now.json()["jobId"]
    assert Counter(line["jobId"] for line in lines)[delivered_before] == 1, "the waiting message, once"
    assert_each_delivered_once_on_time(
        [line for line in lines if line["jobId"] != delivered_before], expected, "after kill -9 and a restart"
    )
    assert restarted.stop() == 0
