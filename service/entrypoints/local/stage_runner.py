"""Feeds the delivery function's handler from the local stage queue, as Lambda's SQS event
source feeds it from the hand-off queue: batches of up to 10 visible runs, each an SQS
event with a Lambda context; the records the handler reports in ``batchItemFailures`` stay
on the queue (until the visibility it gave them ends), the others are deleted; a handler
that raises leaves the whole batch to come back when its visibility time-out ends.

Several workers take batches at once, as Lambda runs several invocations of the function.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from service.adapters.queue_schema import DELIVERY_TIMEOUT_SECONDS
from service.entrypoints.local.lambda_context import LOCAL_ACCOUNT, LambdaContext
from service.entrypoints.local.stage_queue import LocalStageQueue

logger = logging.getLogger(__name__)

BATCH_SIZE = 10
WORKERS = 8
POLL_SECONDS = 0.5  # a worker checks this often whether it was asked to stop
FUNCTION_NAME = "scheduler-delivery"

Handler = Callable[[dict[str, Any], Any], Any]


class StageRunner:
    def __init__(
        self,
        handler: Handler,
        queue: LocalStageQueue,
        region: str,
        account: str = LOCAL_ACCOUNT,
        workers: int = WORKERS,
        queue_name: str = "scheduler-local-handoff",
    ) -> None:
        self._handler = handler
        self._queue = queue
        self._region = region
        self._account = account
        self._arn = f"arn:aws:sqs:{region}:{account}:{queue_name}"
        self._workers = workers
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        self._busy = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        for index in range(self._workers):
            thread = threading.Thread(target=self._work, name=f"delivery-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = DELIVERY_TIMEOUT_SECONDS) -> None:
        """Take no new batch; let the batches in flight finish (up to ``timeout`` in all)."""
        self._stopped.set()
        self._queue.wake()
        for thread in self._threads:
            thread.join(timeout)

    @property
    def busy(self) -> int:
        with self._lock:
            return self._busy

    def invoke_once(self, wait: float = 0.0) -> int:
        """One batch, if one is visible within ``wait`` seconds; the number of runs in it."""
        batch = self._queue.receive(BATCH_SIZE, wait)
        if not batch:
            return 0
        event = {"Records": [message.record(self._region, self._arn) for message in batch]}
        context = LambdaContext(
            function_name=FUNCTION_NAME,
            region=self._region,
            account=self._account,
            timeout_seconds=DELIVERY_TIMEOUT_SECONDS,
        )
        with self._lock:
            self._busy += 1
        try:
            response = self._handler(event, context)
        except Exception:  # as on Lambda: the batch comes back when its visibility ends
            logger.exception("the delivery function failed on a batch of %d run(s)", len(batch))
            return len(batch)
        finally:
            with self._lock:
                self._busy -= 1
        failed = {str(f.get("itemIdentifier")) for f in (response or {}).get("batchItemFailures", [])}
        self._queue.delete([m.message_id for m in batch if m.message_id not in failed])
        return len(batch)

    def _work(self) -> None:
        while not self._stopped.is_set():
            try:
                self.invoke_once(wait=POLL_SECONDS)
            except Exception:  # keep the worker alive; the next batch may do better
                logger.exception("the local delivery stage failed to take a batch")
                self._stopped.wait(1.0)
