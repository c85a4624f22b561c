"""The dispatcher with a tenth of its AWS calls failing: ticks failed, repeats, what was counted.

    python -m benchmarks.dispatch_faults            (or: make bench)

A moto server in its own process; the dispatcher here, its DynamoDB and SQS clients
failing 10 % of their calls after botocore's own retries (``benchmarks.client_faults``:
the call raises to our code). Ticks follow each other until nothing is due; a consumer
takes every message as it comes. A repeat is a message whose occurrenceId arrived before.
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

from benchmarks.client_faults import ClientFaults
from benchmarks.dispatch import NOW, fill, schedule, session, start_moto
from benchmarks.takeover import Consumer
from service.adapters.dynamo_due_store import DynamoDueStore
from service.adapters.dynamo_items import schedule_to_item
from service.adapters.sqs_handoff import SqsHandOff
from service.adapters.table_schema import ensure_table
from service.bootstrap.dispatcher import dispatch_settings
from service.config import Settings
from service.services.dispatch import Dispatcher

TABLE = "faults"
RATE = 0.10


@dataclass(frozen=True)
class FaultRun:
    occurrences: int
    ticks: int
    ticks_failed: int
    messages: int
    distinct: int
    injected: int
    failed_calls: int
    sent_not_advanced: int

    @property
    def repeat_rate(self) -> float:
        return (self.messages - self.distinct) / self.occurrences


def run(endpoint: str, due: int = 2000, recurring_share: float = 0.2, seed: int = 1) -> FaultRun:
    plain = session().client("dynamodb", endpoint_url=endpoint)
    ensure_table(plain, TABLE)
    queue_url = session().client("sqs", endpoint_url=endpoint).create_queue(QueueName=f"faults-{seed}")["QueueUrl"]
    # benchmarks.dispatch's schedules, due at its fixed time NOW; every tick is stamped NOW
    # (the leases and the deadline follow the clock, whatever a tick's time).
    items = [schedule(i, due=True, recurring=i < due * recurring_share) for i in range(due)]
    fill(plain, TABLE, [schedule_to_item(s) for s in items])
    consumer = Consumer(endpoint, queue_url)
    faults = ClientFaults(RATE, seed)
    dynamodb, sqs = session().client("dynamodb", endpoint_url=endpoint), session().client("sqs", endpoint_url=endpoint)
    faults.attach(dynamodb, sqs)
    store = DynamoDueStore(dynamodb, TABLE)
    dispatcher = Dispatcher(
        store,
        SqsHandOff.over(sqs, queue_url, lambda: datetime.now(UTC)),
        dispatch_settings(Settings(table_name=TABLE, queue_url=queue_url)),
    )
    ticks = failed = failed_calls = left_due = 0
    while ticks < 10:
        ticks += 1
        try:
            report = dispatcher.tick(NOW, datetime.now(UTC) + timedelta(seconds=50))
        except Exception:
            failed += 1
            continue
        failed_calls += report.failed_calls
        left_due += report.handoff_failures
        faults.on = False  # the look below is the benchmark's, not the dispatcher's
        busy = any(store.has_due(shard, NOW) for shard in store.shards())
        faults.on = True
        if not busy:
            break
    faults.on = False
    time.sleep(1)
    ids = Counter(m["MessageAttributes"]["occurrenceId"]["StringValue"] for m in consumer.drain())
    return FaultRun(
        occurrences=due,
        ticks=ticks,
        ticks_failed=failed,
        messages=sum(ids.values()),
        distinct=len(ids),
        injected=sum(faults.injected.values()),
        failed_calls=failed_calls,
        sent_not_advanced=left_due,
    )


def main() -> None:
    logging.getLogger("service").setLevel(logging.CRITICAL)  # each failed call logs a warning
    process, endpoint = start_moto()
    try:
        print(f"$ {shlex.join([os.path.basename(sys.executable), '-m', 'benchmarks.dispatch_faults'])}")
        print(f"{int(RATE * 100)} % of the dispatcher's DynamoDB and SQS calls raise (after botocore's retries)")
        result = run(endpoint)
        print(
            f"{result.occurrences} occurrences due (20 % daily): {result.ticks} ticks, {result.ticks_failed} failed "
            f"as a whole; {result.distinct}/{result.occurrences} delivered, {result.messages} messages, "
            f"repeats {result.repeat_rate:.1%} of occurrences"
        )
        print(
            f"calls failed: {result.injected} injected, {result.failed_calls} counted in the tick reports (the "
            f"sender's own retries of a batch are not); "
            f"{result.sent_not_advanced} runs sent but left due by a write that failed past its retries"
        )
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
