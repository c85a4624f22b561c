"""Feeds the delivery function's handler from a hand-off queue on SQS (an emulator that
several local stacks share), as Lambda's event source does: batches of up to 10, the
records the handler reports failed left on the queue, the others deleted.

The emulator's long poll does not wake when a delayed message becomes visible, so each
worker short-polls: a run reaches the stage up to that much after it became visible, inside
the second the stage holds it for anyway (a hand-off becomes visible up to a second early).
Where this queue only carries what other processes hand off (beside the stack's own
in-process queue), it is polled less often: each receive costs the embedded emulator,
which shares the stack's interpreter.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from service.adapters.queue_schema import DELIVERY_TIMEOUT_SECONDS
from service.entrypoints.local.lambda_context import LOCAL_ACCOUNT, LambdaContext
from service.entrypoints.local.stage_runner import BATCH_SIZE, FUNCTION_NAME, Handler

logger = logging.getLogger(__name__)

POLL_INTERVAL_SECONDS = 0.1
OTHERS_POLL_INTERVAL_SECONDS = 0.5  # when the stack's own runs go through its in-process queue
WORKERS = 4


class SqsStageRunner:
    def __init__(
        self,
        handler: Handler,
        sqs: Any,
        queue_url: str,
        region: str,
        account: str = LOCAL_ACCOUNT,
        workers: int = WORKERS,
        poll_interval: float = POLL_INTERVAL_SECONDS,
    ) -> None:
        self._handler = handler
        self._poll_interval = poll_interval
        self._sqs = sqs
        self._queue_url = queue_url
        self._region = region
        self._account = account
        self._workers = workers
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for index in range(self._workers):
            thread = threading.Thread(target=self._work, name=f"delivery-sqs-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = DELIVERY_TIMEOUT_SECONDS) -> None:
        self._stopped.set()
        for thread in self._threads:
            thread.join(timeout)

    def invoke_once(self) -> int:
        response = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=BATCH_SIZE,
            WaitTimeSeconds=0,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        )
        messages: list[dict[str, Any]] = response.get("Messages", [])
        if not messages:
            return 0
        context = LambdaContext(
            function_name=FUNCTION_NAME,
            region=self._region,
            account=self._account,
            timeout_seconds=DELIVERY_TIMEOUT_SECONDS,
        )
        try:
            result = self._handler({"Records": messages}, context)
        except Exception:  # as on Lambda: the batch comes back when its visibility ends
            logger.exception("the delivery function failed on a batch of %d run(s)", len(messages))
            return len(messages)
        failed = {str(f.get("itemIdentifier")) for f in (result or {}).get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)]
            self._sqs.delete_message_batch(QueueUrl=self._queue_url, Entries=entries)
        return len(messages)

    def _work(self) -> None:
        while not self._stopped.is_set():
            try:
                received = self.invoke_once()
            except (BotoCoreError, ClientError) as exc:
                logger.warning("receiving from the hand-off queue failed (%s); retrying", exc)
                self._stopped.wait(1.0)
                continue
            if not received:
                self._stopped.wait(self._poll_interval)
