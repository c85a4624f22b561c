"""The dispatcher and the delivery stage with a tenth of their AWS calls failing: ticks
failed, occurrences delivered, repeats, what was counted.

    python -m benchmarks.dispatch_faults            (or: make bench)

A moto server in its own process. The dispatcher ticks here; the delivery function (the
real handler) takes the hand-offs in the events of Lambda's event source
(``benchmarks.event_source``, four invocations at once); a consumer reads the target
queue. The DynamoDB and SQS clients of the dispatcher and of the stage fail 10 % of their
calls after botocore's own retries (``benchmarks.client_faults``: the call raises to our
code); the event source's own receives and deletes are Lambda's, and do not fail. A tick
follows once the stage has emptied the hand-off queue, until nothing is due. A repeat is a
message on the target whose occurrenceId arrived before.

The hand-off queue's visibility time-out is 10 s here rather than the stack's 180 s: a run
whose retry the stage could not schedule (its ChangeMessageVisibility failed) comes back
after that time-out, which only decides how long this benchmark takes.
"""

from __future__ import annotations

import logging
import os
import shlex
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.client_faults import ClientFaults
from benchmarks.dispatch import schedule
from benchmarks.event_source import EventSource
from benchmarks.moto_server import fill, queue_depth, session, start_moto
from benchmarks.takeover import Consumer
from service.adapters.dynamo_due_store import DynamoDueStore
from service.adapters.dynamo_items import schedule_to_item
from service.adapters.sqs_handoff import SqsHandOff
from service.adapters.table_schema import ensure_table
from service.bootstrap.delivery import bootstrap_delivery
from service.bootstrap.dispatcher import dispatch_settings
from service.config import Settings
from service.entrypoints.delivery_handler import make_handler
from service.services.dispatch import Dispatcher

TABLE = "faults"
RATE = 0.10
VISIBILITY_SECONDS = 10
MAX_TICKS = 10
CONCURRENCY = 4


@dataclass(frozen=True)
class FaultRun:
    occurrences: int
    ticks: int
    ticks_failed: int
    messages: int
    distinct: int
    injected_dispatcher: int
    injected_stage: int
    failed_calls: int  # counted in the tick reports
    handoff_failures: int
    invocations: int
    invocations_raised: int
    offered_again: int  # runs a batch reported back (batchItemFailures)
    left_due: int  # occurrences still due after the last tick

    @property
    def repeat_rate(self) -> float:
        return (self.messages - self.distinct) / self.occurrences


def run(endpoint: str, due: int = 2000, recurring_share: float = 0.2, seed: int = 1) -> FaultRun:
    plain = session().client("dynamodb", endpoint_url=endpoint)
    sqs_plain = session().client("sqs", endpoint_url=endpoint)
    ensure_table(plain, TABLE)
    target = sqs_plain.create_queue(QueueName=f"faults-{seed}")["QueueUrl"]
    handoff = sqs_plain.create_queue(
        QueueName=f"faults-{seed}-handoff", Attributes={"VisibilityTimeout": str(VISIBILITY_SECONDS)}
    )["QueueUrl"]
    now = datetime.now(UTC).replace(microsecond=0)
    fill(plain, TABLE, [schedule_to_item(schedule(i, True, i < due * recurring_share, now)) for i in range(due)])
    settings = Settings(table_name=TABLE, queue_url=target, handoff_queue_url=handoff)

    dispatcher_faults, stage_faults = ClientFaults(RATE, seed), ClientFaults(RATE, seed + 1000)
    dynamodb, sqs = _clients(endpoint, dispatcher_faults)
    dispatcher = Dispatcher(
        DynamoDueStore(dynamodb, TABLE),
        SqsHandOff.over(sqs, handoff, lambda: datetime.now(UTC)),
        dispatch_settings(settings),
    )
    stage_dynamodb, stage_sqs = _clients(endpoint, stage_faults)
    handler = make_handler(bootstrap_delivery(settings, dynamodb=stage_dynamodb, sqs=stage_sqs), emit_metrics=False)
    source = EventSource(handler, sqs_plain, handoff)
    consumer = Consumer(endpoint, target)
    source.start(CONCURRENCY)
    look = DynamoDueStore(plain, TABLE)  # the benchmark's own look at the index: no faults
    ticks = failed = failed_calls = handoff_failures = 0
    left_due = due
    try:
        while ticks < MAX_TICKS:
            ticks += 1
            try:
                report = dispatcher.tick(datetime.now(UTC), datetime.now(UTC) + timedelta(seconds=50))
                failed_calls += report.failed_calls
                handoff_failures += report.handoff_failures
            except Exception:
                failed += 1
            _wait_until_empty(sqs_plain, handoff)
            left_due = sum(look.count_due(shard, datetime.now(UTC), due) for shard in look.shards())
            if not left_due:
                break
    finally:
        source.stop()
    ids = Counter(m["MessageAttributes"]["occurrenceId"]["StringValue"] for m in consumer.drain())
    return FaultRun(
        occurrences=due,
        ticks=ticks,
        ticks_failed=failed,
        messages=sum(ids.values()),
        distinct=len(ids),
        injected_dispatcher=sum(dispatcher_faults.injected.values()),
        injected_stage=sum(stage_faults.injected.values()),
        failed_calls=failed_calls,
        handoff_failures=handoff_failures,
        invocations=len(source.invocations),
        invocations_raised=sum(1 for i in source.invocations if i.raised),
        offered_again=sum(i.failures for i in source.invocations),
        left_due=left_due,
    )


def _clients(endpoint: str, faults: ClientFaults) -> tuple[Any, Any]:
    dynamodb, sqs = session().client("dynamodb", endpoint_url=endpoint), session().client("sqs", endpoint_url=endpoint)
    faults.attach(dynamodb, sqs)
    return dynamodb, sqs


def _wait_until_empty(sqs: Any, queue_url: str, timeout: float = 300) -> None:
    """Until the stage has taken every run handed off, retries included."""
    deadline = time.monotonic() + timeout
    while queue_depth(sqs, queue_url) and time.monotonic() < deadline:
        time.sleep(0.5)


def main() -> None:
    logging.getLogger("service").setLevel(logging.CRITICAL)  # each failed call logs a warning
    logging.getLogger("scheduler-delivery").setLevel(logging.CRITICAL)
    process, endpoint = start_moto()
    try:
        print(f"$ {shlex.join([os.path.basename(sys.executable), '-m', 'benchmarks.dispatch_faults'])}")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{int(RATE * 100)} % of the dispatcher's and the stage's DynamoDB and SQS calls raise (after retries)")
        result = run(endpoint)
        print(
            f"{result.occurrences} occurrences due (20 % daily): {result.ticks} ticks, {result.ticks_failed} failed "
            f"as a whole; {result.distinct}/{result.occurrences} delivered, {result.messages} messages, "
            f"repeats {result.repeat_rate:.1%} of occurrences; {result.left_due} left due"
        )
        print(
            f"calls failed: {result.injected_dispatcher} in the dispatcher ({result.failed_calls} counted in its "
            f"tick reports, {result.handoff_failures} hand-offs left for the next tick), {result.injected_stage} in "
            f"the stage; {result.invocations} invocations, {result.invocations_raised} raised, "
            f"{result.offered_again} runs offered again"
        )
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
