"""What one delivered occurrence costs the dispatcher: billed units, dollars, reads, calls, CPU.

    python -m benchmarks.dispatch            (or: make bench)

Runs against a moto server in its own process (so the CPU time measured is ours alone),
with the billing meter of ``benchmarks.billing`` on the dispatcher's clients. Beside it,
the original service's dispatcher, modelled on the same meter: an exact-minute query of a
``minute`` index, then for each job a SendMessage, a DeleteItem and, for a recurring job, a
PutItem of a new job one day later.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from benchmarks.billing import Meter, attach_dynamodb, attach_sqs
from service.adapters.dynamo_due_store import DynamoDueStore
from service.adapters.dynamo_items import schedule_to_item
from service.adapters.sqs_handoff import SqsHandOff
from service.adapters.table_schema import ensure_table
from service.bootstrap.dispatcher import dispatch_settings
from service.config import Settings
from service.domain.local_time import wall_time, zone
from service.domain.recurrence import RecurrenceKind
from service.domain.schedule import Schedule, State
from service.services.dispatch import Dispatcher

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
TABLE = "bench"
SEED_TABLE = "bench-seed"


@dataclass(frozen=True)
class Scenario:
    due: int
    stored: int
    recurring_share: float


SCENARIOS = [
    Scenario(1000, 20_000, 0.2),
    Scenario(100, 200, 0.2),
    Scenario(100, 20_000, 0.2),
    Scenario(1000, 20_000, 1.0),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, endpoint
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("moto server did not start")


def session() -> boto3.Session:
    return boto3.Session(aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1")


def schedule(index: int, due: bool, recurring: bool) -> Schedule:
    run_at = NOW - timedelta(seconds=5) if due else NOW + timedelta(days=1 + index % 30, minutes=index % 1440)
    return Schedule(
        namespace="default",
        job_id=str(uuid.UUID(int=index + 1)),
        payload=f'{{"task": "report", "customer": {index}}}',
        recurring=RecurrenceKind.DAILY if recurring else RecurrenceKind.NONE,
        timezone="Europe/Berlin",
        cron=None,
        anchor=wall_time(run_at, zone("Europe/Berlin")) if recurring else None,
        run_at=run_at,
        state=State.ACTIVE,
        version=1,
        created_at=NOW - timedelta(days=1),
        updated_at=NOW - timedelta(days=1),
    )


def fill(client: Any, table: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        client.batch_write_item(RequestItems={table: requests})


def ours(endpoint: str, scenario: Scenario) -> dict[str, float]:
    plain = session().client("dynamodb", endpoint_url=endpoint)
    sqs_plain = session().client("sqs", endpoint_url=endpoint)
    ensure_table(plain, TABLE)
    queue = sqs_plain.create_queue(QueueName="bench")["QueueUrl"]
    recurring_due = int(scenario.due * scenario.recurring_share)
    items = [
        schedule_to_item(schedule(i, i < scenario.due, i < recurring_due or (i >= scenario.due and i % 5 == 0)))
        for i in range(scenario.stored)
    ]
    fill(plain, TABLE, items)
    meter = Meter(peek=plain, table=TABLE)
    dynamodb = session().client("dynamodb", endpoint_url=endpoint)
    sqs = session().client("sqs", endpoint_url=endpoint)
    attach_dynamodb(meter, dynamodb)
    attach_sqs(meter, sqs)
    dispatcher = Dispatcher(
        DynamoDueStore(dynamodb, TABLE),
        SqsHandOff.over(sqs, queue, lambda: NOW),
        dispatch_settings(Settings(table_name=TABLE, queue_url=queue), shard_workers=1, write_workers=1),
        clock=lambda: NOW,
    )
    started = time.process_time()
    report = dispatcher.tick(NOW, NOW + timedelta(seconds=50))
    cpu = time.process_time() - started - meter.overhead_cpu
    assert report.handed_off == scenario.due, report
    return _figures(meter, report.handed_off, cpu)


def original(endpoint: str, scenario: Scenario) -> dict[str, float]:
    """The seed's dispatcher on its own table: one item per job, a GSI on ``minute``."""
    plain = session().client("dynamodb", endpoint_url=endpoint)
    sqs_plain = session().client("sqs", endpoint_url=endpoint)
    plain.create_table(
        TableName=SEED_TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "jobId", "AttributeType": "S"},
            {"AttributeName": "minute", "AttributeType": "N"},
        ],
        KeySchema=[{"AttributeName": "jobId", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "minute",
                "KeySchema": [{"AttributeName": "minute", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    queue = sqs_plain.create_queue(QueueName="bench-seed")["QueueUrl"]
    minute = int(NOW.timestamp()) // 60
    recurring_due = int(scenario.due * scenario.recurring_share)
    items = []
    for i in range(scenario.stored):
        due = i < scenario.due
        recurring = "daily" if (i < recurring_due or (not due and i % 5 == 0)) else "none"
        items.append(
            {
                "jobId": {"S": str(uuid.UUID(int=i + 1))},
                "payload": {"S": f'{{"task": "report", "customer": {i}}}'},
                "recurring": {"S": recurring},
                "minute": {"N": str(minute if due else minute + 1 + i)},
            }
        )
    fill(plain, SEED_TABLE, items)
    meter = Meter(peek=plain, table=SEED_TABLE, index_keys=("minute",), key_names=("jobId",))
    dynamodb = session().client("dynamodb", endpoint_url=endpoint)
    sqs = session().client("sqs", endpoint_url=endpoint)
    attach_dynamodb(meter, dynamodb)
    attach_sqs(meter, sqs)
    started = time.process_time()
    delivered = 0
    jobs = dynamodb.query(
        TableName=SEED_TABLE,
        IndexName="minute",
        KeyConditionExpression="minute = :m",
        ExpressionAttributeValues={":m": {"N": str(minute)}},
    )["Items"]  # one page, as the seed
    for job in jobs:
        sqs.send_message(QueueUrl=queue, MessageBody=job["payload"]["S"])
        dynamodb.delete_item(TableName=SEED_TABLE, Key={"jobId": job["jobId"]})
        if job["recurring"]["S"] != "none":
            again = dict(job, jobId={"S": str(uuid.uuid4())}, minute={"N": str(minute + 1440)})
            dynamodb.put_item(TableName=SEED_TABLE, Item=again)
        delivered += 1
    cpu = time.process_time() - started - meter.overhead_cpu
    return _figures(meter, delivered, cpu)


def _figures(meter: Meter, delivered: int, cpu: float) -> dict[str, float]:
    per = max(delivered, 1)
    return {
        "delivered": delivered,
        "wcu": meter.write_units / per,
        "rcu": meter.read_units / per,
        "sqs": meter.sqs_requests / per,
        "dollars_per_million": meter.dollars() / per * 1_000_000,
        "items_read": meter.items_read / per,
        "calls": sum(meter.calls.values()) / per,
        "cpu_ms": cpu * 1000 / per,
    }


def reset(endpoint: str) -> None:
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")).read()


def main() -> None:
    process, endpoint = start_moto()
    try:
        print(f"$ {shlex.join([os.path.basename(sys.executable), '-m', 'benchmarks.dispatch'])}")
        print("per delivered occurrence; us-east-1 on-demand list prices")
        header = (
            f"{'scenario':<36}{'who':<10}{'WCU':>6}{'RCU':>7}{'SQS':>6}{'$/M':>7}{'items':>7}{'calls':>7}{'CPU ms':>8}"
        )
        print(header)
        print("-" * len(header))
        for scenario in SCENARIOS:
            label = f"{scenario.due} due / {scenario.stored} stored, {int(scenario.recurring_share * 100)}% daily"
            for who, run in (("ours", ours), ("original", original)):
                reset(endpoint)
                f = run(endpoint, scenario)
                print(
                    f"{label:<36}{who:<10}{f['wcu']:>6.2f}{f['rcu']:>7.3f}{f['sqs']:>6.2f}"
                    f"{f['dollars_per_million']:>7.2f}{f['items_read']:>7.2f}{f['calls']:>7.2f}{f['cpu_ms']:>8.3f}"
                )
                label = ""
        print("EventBridge Scheduler: $1.00 per million invocations (list price), for comparison")
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
