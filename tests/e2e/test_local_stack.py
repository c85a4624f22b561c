"""The local stack as a newcomer runs it: `scheduler dev` in a process of its own, used
through REST, watched through the delivery lines it prints (SPEC section 6).

These tests wait for real time to pass (schedules due up to 90 s later); they print the
lateness figures they measure. Run them alone with `pytest -m e2e -s tests/e2e/test_local_stack.py`.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from benchmarks.dev_stack import API_KEY, SCHEDULER, RunningStack, clean_env, iso
from tests.e2e.local_stack_support import (
    ON_TIME_MS,
    SETTLE_SECONDS,
    assert_each_delivered_once_on_time,
    create_one_time_schedules,
    snapshot,
    start_in_whole_seconds,
    started,
)

pytestmark = pytest.mark.e2e


def test_ten_one_time_and_a_daily_schedule_arrive_once_on_time_and_survive_a_restart_with_data(
    stacks: list[RunningStack], tmp_path: Path
) -> None:
    data = tmp_path / "scheduler-data.json"
    stack = started(stacks, clean_env(), data)
    start = start_in_whole_seconds()
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

    restarted = started(stacks, clean_env(), data)
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
    stack = started(stacks, clean_env(AWS_ENDPOINT_URL=moto_endpoint))
    start = start_in_whole_seconds()
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
