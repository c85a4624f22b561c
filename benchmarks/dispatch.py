"""What one delivered occurrence costs, the dispatcher and the delivery stage together:
billed units, dollars, items read, calls, CPU; and the stage's Lambda time, estimated.

    python -m benchmarks.dispatch            (or: make bench)

A moto server runs in a process of its own. In each scenario the dispatcher's tick hands
every due run to the hand-off queue on that server; then the delivery function, the real
handler wired by ``bootstrap_delivery``, takes every run handed off, in the SQS events
Lambda's event source builds (``benchmarks.event_source``): it reads the batch's schedules,
delivers to the target queue, records each run and moves its schedule on. Every DynamoDB
and SQS call of both is metered (``benchmarks.billing``), the event source's receives and
deletes as Lambda makes them. Beside it, in the same run and on the same meter, the
original service's dispatcher (``benchmarks.original_dispatch``), which has no stage.
"""

from __future__ import annotations

import logging
import os
import shlex
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.billing import Meter, attach_dynamodb, attach_sqs
from benchmarks.event_source import EventSource
from benchmarks.lambda_cost import LambdaEstimate
from benchmarks.moto_server import fill, queue_depth, reset, session, start_moto
from benchmarks.original_dispatch import original_tick
from service.adapters.dynamo_due_store import DynamoDueStore
from service.adapters.dynamo_items import schedule_to_item
from service.adapters.sqs_handoff import SqsHandOff
from service.adapters.table_schema import ensure_table
from service.bootstrap.delivery import bootstrap_delivery
from service.bootstrap.dispatcher import dispatch_settings
from service.config import Settings
from service.domain.local_time import wall_time, zone
from service.domain.recurrence import RecurrenceKind
from service.domain.schedule import Schedule, State
from service.entrypoints.delivery_handler import make_handler
from service.services.dispatch import Dispatcher

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
TABLE = "bench"


@dataclass(frozen=True)
class Scenario:
    due: int
    stored: int
    recurring_share: float

    @property
    def label(self) -> str:
        return f"{self.due} due / {self.stored} stored, {int(self.recurring_share * 100)}% daily"


SCENARIOS = [
    Scenario(1000, 20_000, 0.2),
    Scenario(100, 200, 0.2),
    Scenario(100, 20_000, 0.2),
    Scenario(1000, 20_000, 1.0),
]


def schedule(index: int, due: bool, recurring: bool, now: datetime = NOW) -> Schedule:
    run_at = now - timedelta(seconds=5) if due else now + timedelta(days=1 + index % 30, minutes=index % 1440)
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
        created_at=now - timedelta(days=1),
        updated_at=now - timedelta(days=1),
    )


@dataclass(frozen=True)
class OurRun:
    dispatcher: Meter
    stage: Meter
    delivered: int
    dispatcher_cpu: float
    lambda_estimate: LambdaEstimate


def ours(endpoint: str, scenario: Scenario) -> OurRun:
    plain = session().client("dynamodb", endpoint_url=endpoint)
    sqs_plain = session().client("sqs", endpoint_url=endpoint)
    ensure_table(plain, TABLE)
    target = sqs_plain.create_queue(QueueName="bench")["QueueUrl"]
    handoff = sqs_plain.create_queue(QueueName="bench-handoff")["QueueUrl"]
    recurring_due = int(scenario.due * scenario.recurring_share)
    items = [
        schedule_to_item(schedule(i, i < scenario.due, i < recurring_due or (i >= scenario.due and i % 5 == 0)))
        for i in range(scenario.stored)
    ]
    fill(plain, TABLE, items)
    settings = Settings(table_name=TABLE, queue_url=target, handoff_queue_url=handoff)

    dispatch_meter, (dynamodb, sqs) = _metered(plain, endpoint)
    dispatcher = Dispatcher(
        DynamoDueStore(dynamodb, TABLE),
        SqsHandOff.over(sqs, handoff, lambda: NOW),
        dispatch_settings(settings, shard_workers=1, write_workers=1),
        clock=lambda: NOW,
    )
    started = time.process_time()
    report = dispatcher.tick(NOW, NOW + timedelta(seconds=50))
    dispatcher_cpu = time.process_time() - started - dispatch_meter.overhead_cpu
    assert report.handed_off == scenario.due, report

    stage_meter, (dynamodb, sqs) = _metered(plain, endpoint)
    handler = make_handler(
        bootstrap_delivery(settings, dynamodb=dynamodb, sqs=sqs, clock=lambda: NOW), emit_metrics=False
    )
    source = EventSource(handler, sqs_plain, handoff, meter=stage_meter)
    assert source.drain() == scenario.due
    delivered = queue_depth(sqs_plain, target)
    assert delivered == scenario.due and queue_depth(sqs_plain, handoff) == 0, (delivered, scenario)
    store = DynamoDueStore(plain, TABLE)
    assert not any(store.has_due(shard, NOW + settings.lookahead) for shard in store.shards()), "each run recorded"
    return OurRun(dispatch_meter, stage_meter, delivered, dispatcher_cpu, LambdaEstimate.of(source.invocations))


def _metered(plain: Any, endpoint: str) -> tuple[Meter, tuple[Any, Any]]:
    meter = Meter(peek=plain, table=TABLE)
    dynamodb = session().client("dynamodb", endpoint_url=endpoint)
    sqs = session().client("sqs", endpoint_url=endpoint)
    attach_dynamodb(meter, dynamodb)
    attach_sqs(meter, sqs)
    return meter, (dynamodb, sqs)


def figures(meters: list[Meter], delivered: int, cpu: float) -> dict[str, float]:
    per = max(delivered, 1)
    return {
        "wcu": sum(m.write_units for m in meters) / per,
        "rcu": sum(m.read_units for m in meters) / per,
        "sqs": sum(m.sqs_requests for m in meters) / per,
        "dollars_per_million": sum(m.dollars() for m in meters) / per * 1_000_000,
        "items_read": sum(m.items_read for m in meters) / per,
        "calls": sum(sum(m.calls.values()) for m in meters) / per,
        "cpu_ms": cpu * 1000 / per,
    }


HEADER = f"{'scenario':<37}{'who':<20}{'WCU':>6}{'RCU':>7}{'SQS':>6}{'$/M':>7}{'items':>7}{'calls':>7}{'CPU ms':>8}"


def row(label: str, who: str, f: dict[str, float]) -> str:
    return (
        f"{label:<37}{who:<20}{f['wcu']:>6.2f}{f['rcu']:>7.3f}{f['sqs']:>6.2f}"
        f"{f['dollars_per_million']:>7.2f}{f['items_read']:>7.2f}{f['calls']:>7.2f}{f['cpu_ms']:>8.3f}"
    )


def by_call(meter: Meter, delivered: int) -> str:
    """Calls and billed units per occurrence, by call: what each write and read buys."""
    parts = []
    for name, calls in sorted(meter.calls.items()):
        units = meter.units_by_call.get(name)
        parts.append(f"{name} {calls / delivered:.2f}" + (f" ({units / delivered:.2f} units)" if units else ""))
    return ", ".join(parts)


def report(endpoint: str, scenario: Scenario) -> list[str]:
    reset(endpoint)
    run = ours(endpoint, scenario)
    stage_cpu = run.lambda_estimate.cpu_seconds
    total = figures([run.dispatcher, run.stage], run.delivered, run.dispatcher_cpu + stage_cpu)
    lines = [
        row(scenario.label, "ours (all)", total),
        row("", " dispatcher", figures([run.dispatcher], run.delivered, run.dispatcher_cpu)),
        row("", " stage (adds)", figures([run.stage], run.delivered, stage_cpu)),
    ]
    reset(endpoint)
    meter, delivered, cpu = original_tick(endpoint, NOW, scenario.due, scenario.stored, scenario.recurring_share)
    lines.append(row("", "original", figures([meter], delivered, cpu)))
    lines.append(f"  dispatcher calls/occurrence: {by_call(run.dispatcher, run.delivered)}")
    lines.append(f"  stage calls/occurrence: {by_call(run.stage, run.delivered)}")
    lines.extend("  " + line for line in run.lambda_estimate.lines(run.delivered, total["dollars_per_million"]))
    return lines


def main() -> None:
    logging.getLogger("scheduler-delivery").setLevel(logging.WARNING)  # a summary line per batch
    process, endpoint = start_moto()
    try:
        print(f"$ {shlex.join([os.path.basename(sys.executable), '-m', 'benchmarks.dispatch'])}")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print("per delivered occurrence; us-east-1 on-demand list prices; ours = the dispatcher and the stage")
        print(HEADER)
        print("-" * len(HEADER))
        for scenario in SCENARIOS:
            for line in report(endpoint, scenario):
                print(line, flush=True)
        print("EventBridge Scheduler: $1.00 per million invocations (list price), for comparison")
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
