"""The API as it runs locally, in processes of its own: a moto server, and the Lambda's ASGI
app served by uvicorn against it. Used where the process itself is measured (its memory,
how fast it answers while busy), so nothing of the emulator or the client counts in it.

Also: the hostile data of issue "bounded work" (schedules holding 256 KiB payloads) and
the requests that go with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from benchmarks.moto_server import free_port, session, start_moto
from service.adapters.dynamo_keys import DynamoKeyStore
from service.adapters.dynamo_repository import DynamoScheduleRepository
from service.adapters.table_schema import ensure_table
from service.domain.recurrence import RecurrenceKind
from service.domain.schedule import MAX_PAYLOAD_BYTES, Schedule, State
from service.services.keys import KeyService

TABLE = "scheduler-app-process"
NAMESPACE = "default"
CREATED = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def aliased(count: int, selection: str) -> str:
    """A query that asks for ``selection`` under ``count`` aliases."""
    return "{ " + " ".join(f"a{n}: {selection}" for n in range(count)) + " }"


PAYLOADS_UNDER_20_ALIASES = aliased(20, "schedules(first: 100) { nodes { payload } }")
NEXT_RUNS_UNDER_20_ALIASES = aliased(20, "schedules(first: 100) { nodes { nextRuns(count: 100) { runAt } } }")
# The heaviest documents the cost limit lets through.
PAYLOAD_PAGES_UNDER_4_ALIASES = aliased(4, "schedules(first: 100) { nodes { jobId payload } }")
NEXT_RUNS_OF_A_FULL_PAGE = "{ schedules(first: 100) { nodes { nextRuns(count: 98) { runAt local } } } }"


@dataclass(frozen=True)
class AppProcess:
    process: subprocess.Popen[bytes]
    base_url: str
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def _status(self, field: str) -> int:
        """A memory figure of the process from /proc, in bytes (Linux)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
        raise LookupError(field)

    def rss(self) -> int:
        return self._status("VmRSS")

    def peak_rss(self) -> int:
        return self._status("VmHWM")

    def reset_peak_rss(self) -> None:
        """From now on the peak is counted afresh (``clear_refs``, Linux 4.0 and later)."""
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")


def large_schedules(count: int) -> list[Schedule]:
    """``count`` cron schedules holding 256 KiB payloads, half of them quotes (the costliest
    to answer: four bytes each, escaped in the answer and again in Lambda's envelope)."""
    return [
        Schedule(
            namespace=NAMESPACE,
            job_id=f"00000000-0000-7000-8000-{n:012d}",
            payload=('"' if n % 2 else "x") * MAX_PAYLOAD_BYTES,
            recurring=RecurrenceKind.CRON,
            timezone="Europe/Berlin",
            cron="*/5 * * * *",
            anchor=None,
            run_at=datetime(2030, 1, 1, tzinfo=UTC),
            state=State.ACTIVE,
            version=1,
            created_at=CREATED,
            updated_at=CREATED,
        )
        for n in range(1, count + 1)
    ]


@contextmanager
def running_app(schedules: list[Schedule]) -> Iterator[AppProcess]:
    """The app on a port of its own, against its own moto server holding ``schedules``."""
    moto, endpoint = start_moto()
    app: subprocess.Popen[bytes] | None = None
    try:
        aws = session()
        dynamodb = aws.client("dynamodb", endpoint_url=endpoint)
        sqs = aws.client("sqs", endpoint_url=endpoint)
        ensure_table(dynamodb, TABLE)
        queue_url = sqs.create_queue(QueueName="deliveries")["QueueUrl"]
        handoff_url = sqs.create_queue(QueueName="deliveries-handoff")["QueueUrl"]
        repository = DynamoScheduleRepository(dynamodb, TABLE)
        for schedule in schedules:
            repository.add(schedule)
        api_key = KeyService(DynamoKeyStore(dynamodb, TABLE)).create(NAMESPACE, "app-process").secret
        port = free_port()
        env = {
            **os.environ,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1",
            "SCHEDULER_TABLE_NAME": TABLE,
            "SCHEDULER_QUEUE_URL": queue_url,
            "SCHEDULER_HANDOFF_QUEUE_URL": handoff_url,
            "SCHEDULER_RATE_LIMIT_PER_SECOND": "100000",
            "SCHEDULER_RATE_LIMIT_BURST": "100000",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "-m", "uvicorn", "service.entrypoints.lambda_api:app", "--port", str(port)]
        command += ["--log-level", "warning", "--no-access-log"]
        app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base_url = f"http://127.0.0.1:{port}"
        _wait_for(base_url, app)
        yield AppProcess(app, base_url, api_key)
    finally:
        for process in (app, moto):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)


def _wait_for(base_url: str, app: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if app.poll() is not None:
            raise RuntimeError(f"the app exited with {app.returncode} before it answered")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the app did not answer /health")
