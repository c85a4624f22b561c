"""Lambda's SQS event source for the delivery function, in this process: batches of up to
10 visible messages of the hand-off queue, each given to the real handler as the SQS event
Lambda builds; the records it reports in ``batchItemFailures`` stay on the queue, the
others are deleted in one batch.

Lambda's pollers are billed SQS requests. They are charged on the meter as Lambda makes
them for the runs: one receive per batch it hands over, one delete batch per invocation.
Their polls of an empty queue are not: Lambda's pollers make those whatever the load (a
few requests a second a function), a fixed cost rather than one per run.

Each invocation's wall time and CPU time (this process's) are kept, less the meter's own
look-ups, for the estimate of what the function's duration costs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.billing import Meter, received_bytes
from service.entrypoints.local.lambda_context import LambdaContext

BATCH_SIZE = 10  # infra/delivery.py: the event source mapping's batch size
FUNCTION_NAME = "scheduler-delivery"
TIMEOUT_SECONDS = 30

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass(frozen=True)
class Invocation:
    runs: int
    failures: int
    seconds: float  # wall time of the handler, less the meter's look-ups
    cpu_seconds: float
    raised: bool = False  # the handler raised: the batch comes back whole


def lambda_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """A ``ReceiveMessage`` message as a record of Lambda's SQS event."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value["DataType"],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


@dataclass
class EventSource:
    handler: Handler
    sqs: Any  # an unmetered client: what it bills is charged on ``meter`` as Lambda makes it
    queue_url: str
    meter: Meter | None = None
    region: str = "us-east-1"
    invocations: list[Invocation] = field(default_factory=list)
    # Every hand-off message received, as received (its SentTimestamp, its attributes).
    received: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopped: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    @property
    def queue_arn(self) -> str:
        return f"arn:aws:sqs:{self.region}:000000000000:{self.queue_url.rsplit('/', 1)[-1]}"

    def invoke_once(self) -> int:
        """One batch, if one is visible; the number of runs in it."""
        messages: list[dict[str, Any]] = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=BATCH_SIZE,
            WaitTimeSeconds=0,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        if self.meter is not None:
            self.meter.charge_sqs("ReceiveMessage", received_bytes(messages))
        event = {"Records": [lambda_record(m, self.queue_arn, self.region) for m in messages]}
        context = LambdaContext(function_name=FUNCTION_NAME, region=self.region, timeout_seconds=TIMEOUT_SECONDS)
        overhead = (self.meter.overhead_cpu, self.meter.overhead_seconds) if self.meter else (0.0, 0.0)
        started, cpu_started = time.perf_counter(), time.process_time()
        raised = False
        try:
            response = self.handler(event, context)
        except Exception:  # as on Lambda: the whole batch comes back when its visibility ends
            raised = True
            response = {"batchItemFailures": [{"itemIdentifier": m["MessageId"]} for m in messages]}
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        if self.meter is not None:
            cpu -= self.meter.overhead_cpu - overhead[0]
            seconds -= self.meter.overhead_seconds - overhead[1]
        failed = {str(f.get("itemIdentifier")) for f in (response or {}).get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)]
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
            if self.meter is not None:
                self.meter.charge_sqs("DeleteMessageBatch")
        with self._lock:
            self.invocations.append(Invocation(len(messages), len(failed), seconds, cpu, raised))
            self.received.extend(messages)
        return len(messages)

    def drain(self) -> int:
        """Invocations until the queue shows nothing visible; the runs handed over."""
        total = 0
        while received := self.invoke_once():
            total += received
        return total

    # -- concurrent invocations, as Lambda runs them ------------------------------------

    def start(self, concurrency: int, poll_seconds: float = 0.1) -> None:
        def work() -> None:
            while not self._stopped.is_set():
                try:
                    received = self.invoke_once()
                except Exception:  # a lost connection to the emulator: poll again
                    received = 0
                if not received:
                    self._stopped.wait(poll_seconds)

        for index in range(concurrency):
            thread = threading.Thread(target=work, name=f"event-source-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stopped.set()
        for thread in self._threads:
            thread.join()
