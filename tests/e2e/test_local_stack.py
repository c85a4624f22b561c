"""The local stack as a newcomer runs it: `scheduler dev` in a process of its own, used
through REST, watched through the delivery lines it prints (SPEC section 6).

These tests wait for real time to pass (schedules due up to 90 s later); they print the
lateness figures they measure. Run them alone with `pytest -m e2e -s tests/e2e/test_local_stack.py`.
"""

from __future__ import annotations

import json
import math
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

pytestmark = pytest.mark.e2e

# The console script of the installed package, or the same entry point through Python.
_SCRIPT = Path(sys.executable).with_name("scheduler")
SCHEDULER = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "service.entrypoints.cli"]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
# After the last run is due: time for it to arrive, and for a repeat of any run to show up.
SETTLE_SECONDS = 8.0
ON_TIME_MS = 1000  # SPEC section 4: within 1 s of runAt, p99
API_KEY = "sk_live_e2e-local-stack-key-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a machine with no AWS account and nothing of the scheduler set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SCHEDULER_"))}
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def iso(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def p99(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[math.ceil(0.99 * len(ordered)) - 1]


class RunningStack:
    """One `scheduler dev` process, its delivery lines and its stderr."""

    def __init__(self, env: dict[str, str], data: Path | None = None) -> None:
        self.port = free_port()
        env = {"SCHEDULER_API_KEY": API_KEY, **env}
        command = [*SCHEDULER, "dev", "--port", str(self.port)]
        if data is not None:
            command += ["--data", str(data)]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
        )
        self.deliveries: queue.Queue[dict[str, Any]] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{self.port}", timeout=10, headers={"Authorization": f"Bearer {API_KEY}"}
        )
        self._wait_healthy()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and record.get("event") == "delivered":
                self.deliveries.put(record)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"scheduler dev exited with {self.process.returncode}:\n{''.join(self.stderr)}")
            try:
                if self.http.get("/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.kill()
        pytest.fail(f"scheduler dev did not answer /health in {START_TIMEOUT} s:\n{''.join(self.stderr)}")

    def collect(self, until: datetime) -> list[dict[str, Any]]:
        """Every delivery line printed until the wall-clock time ``until``."""
        lines = []
        while (remaining := (until - datetime.now(UTC)).total_seconds()) > 0:
            try:
                lines.append(self.deliveries.get(timeout=remaining))
            except queue.Empty:
                break
        return lines

    def stop(self) -> int:
        """Ctrl-C, as a user stops it; the exit code."""
        self.http.close()
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"scheduler dev did not stop within {STOP_TIMEOUT} s of Ctrl-C:\n{''.join(self.stderr)}")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def stacks() -> Iterator[list[RunningStack]]:
    """Started stacks go in this list; whatever a failed test left running is killed."""
    started: list[RunningStack] = []
    yield started
    for stack in started:
        stack.kill()


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
    assert min(lateness) >= -ON_TIME_MS, "a message arrived more than a second before its runAt"


def snapshot(stack: RunningStack) -> dict[str, Any]:
    """Every schedule as the API shows it, with its whole run history."""
    response = stack.http.get("/schedules", params={"limit": 100})
    assert response.status_code == 200, response.text
    schedules = {s["jobId"]: s for s in response.json()}
    runs = {job: stack.http.get(f"/schedules/{job}/runs", params={"limit": 100}).json() for job in schedules}
    return {"schedules": schedules, "runs": runs}


def test_ten_one_time_and_a_daily_schedule_arrive_once_on_time_and_survive_a_restart_with_data(
    stacks: list[RunningStack], tmp_path: Path
) -> None:
    data = tmp_path / "scheduler-data.json"
    stack = RunningStack(clean_env(), data=data)
    stacks.append(stack)
    # Whole seconds ahead, so each runAt carries its own seconds (:05, :14, ...), not the minute's.
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    offsets = [5, 14, 23, 32, 41, 50, 59, 68, 77, 90]
    expected = create_one_time_schedules(stack, offsets, start)
    daily_at = iso(start + timedelta(seconds=45))
    daily = stack.http.post("/schedules", json={"payload": "daily", "runAt": daily_at, "recurring": "daily"})
    assert daily.status_code == 201, daily.text
    daily_id = daily.json()["jobId"]
    expected[daily_id] = daily_at

    lines = stack.collect(until=start + timedelta(seconds=max(offsets) + SETTLE_SECONDS))

    assert_each_delivered_once_on_time(lines, expected, "embedded emulator")
    before = snapshot(stack)
    states = {job: s["state"] for job, s in before["schedules"].items()}
    assert states == {job: ("active" if job == daily_id else "completed") for job in expected}
    next_day = iso(datetime.fromisoformat(daily_at.replace("Z", "+00:00")) + timedelta(days=1))
    assert before["schedules"][daily_id]["runAt"] == next_day
    assert all([run["status"] for run in before["runs"][job]] == ["delivered"] for job in expected), (
        "each schedule's history holds its one delivered run"
    )
    assert stack.stop() == 0
    assert data.is_file()

    restarted = RunningStack(clean_env(), data=data)
    stacks.append(restarted)
    after = snapshot(restarted)
    assert after == before
    assert restarted.stop() == 0


@pytest.fixture
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_with_aws_endpoint_url_it_creates_the_resources_there_and_delivers_through_them(
    stacks: list[RunningStack], moto_endpoint: str
) -> None:
    stack = RunningStack(clean_env(AWS_ENDPOINT_URL=moto_endpoint))
    stacks.append(stack)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    offsets = [5, 11, 17]
    expected = create_one_time_schedules(stack, offsets, start)

    lines = stack.collect(until=start + timedelta(seconds=max(offsets) + SETTLE_SECONDS))

    assert_each_delivered_once_on_time(lines, expected, "AWS_ENDPOINT_URL")
    assert stack.stop() == 0
    aws = {"endpoint_url": moto_endpoint, "region_name": "us-east-1"}
    keys = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    dynamodb = boto3.client("dynamodb", **aws, **keys)
    assert dynamodb.describe_table(TableName="scheduler-local")["Table"]["TableStatus"] == "ACTIVE"
    sqs = boto3.client("sqs", **aws, **keys)
    queue_url = sqs.get_queue_url(QueueName="scheduler-deliveries")["QueueUrl"]
    handoff_url = sqs.get_queue_url(QueueName="scheduler-deliveries-handoff")["QueueUrl"]
    redrive = json.loads(
        sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"]
    )
    assert redrive["deadLetterTargetArn"].endswith(":scheduler-deliveries-dlq")
    assert redrive["maxReceiveCount"] == 5

    # One tick from the command line, against the same endpoint, once the stack is gone.
    tick = subprocess.run(
        [*SCHEDULER, "dispatch", "--once"],
        env=clean_env(
            AWS_ENDPOINT_URL=moto_endpoint,
            SCHEDULER_TABLE_NAME="scheduler-local",
            SCHEDULER_QUEUE_URL=queue_url,
            SCHEDULER_HANDOFF_QUEUE_URL=handoff_url,
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert tick.returncode == 0, tick.stderr

    # The stack's key, as `scheduler keys list` finds it with no flag but the endpoint.
    listing = subprocess.run(
        [*SCHEDULER, "keys", "list"],
        env=clean_env(AWS_ENDPOINT_URL=moto_endpoint),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listing.returncode == 0, listing.stderr
    assert "local stack" in listing.stdout and "default" in listing.stdout
    assert API_KEY not in listing.stdout


def test_a_namespace_added_with_its_own_queue_gets_its_runs_there_and_the_consumer_shows_them(
    stacks: list[RunningStack], moto_endpoint: str
) -> None:
    """The README's three commands for a new namespace, against a running local stack."""
    stack = RunningStack(clean_env(AWS_ENDPOINT_URL=moto_endpoint))
    stacks.append(stack)
    cli_env = clean_env(AWS_ENDPOINT_URL=moto_endpoint)
    aws = {"endpoint_url": moto_endpoint, "region_name": "us-east-1"}
    sqs = boto3.client("sqs", aws_access_key_id="test", aws_secret_access_key="test", **aws)
    team_queue = sqs.create_queue(QueueName="team-a-runs")["QueueUrl"]

    def cli(*arguments: str) -> str:
        done = subprocess.run([*SCHEDULER, *arguments], env=cli_env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    cli("targets", "add", "--namespace", "team-a", "--name", "main", "--sqs-queue-url", team_queue, "--default")
    team_key = cli("keys", "create", "--namespace", "team-a", "--name", "team a").splitlines()[0].strip()

    # The consumer looks the default targets up again every 10 s; the run is due after that.
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    run_at = iso(start + timedelta(seconds=15))
    headers = {"Authorization": f"Bearer {team_key}"}
    ours = stack.http.post("/schedules", json={"payload": "team a", "runAt": run_at}, headers=headers)
    assert ours.status_code == 201, ours.text
    assert ours.json()["target"] is None  # the namespace's default
    stacks_own = stack.http.post("/schedules", json={"payload": "default", "runAt": run_at})
    assert stacks_own.status_code == 201, stacks_own.text

    lines = stack.collect(until=start + timedelta(seconds=15 + SETTLE_SECONDS))

    seen = {(line["namespace"], line["jobId"]) for line in lines}
    assert seen == {("team-a", ours.json()["jobId"]), ("default", stacks_own.json()["jobId"])}
    assert len(lines) == 2
    assert all(line["latenessMs"] is not None and 0 <= line["latenessMs"] <= ON_TIME_MS for line in lines)
    assert stack.stop() == 0
