"""Invokes the dispatcher's Lambda handler locally, as EventBridge and Lambda would:
with a real "Scheduled Event" and a context object of the same shape as Lambda's.

The handler is the function's own code (``dispatch_handler.make_handler``), made from the
dispatcher's bootstrap with the clients the local stack gives it."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from service.domain.runs import iso_seconds
from service.entrypoints.local.lambda_context import LOCAL_ACCOUNT, LambdaContext

logger = logging.getLogger(__name__)

RULE_NAME = "scheduler-dispatch"
TIMEOUT_SECONDS = 60  # the dispatcher Lambda's time-out: one tick must finish before the next

Handler = Callable[[dict[str, Any], Any], Any]


def scheduled_event(at: datetime, region: str, account: str = LOCAL_ACCOUNT) -> dict[str, Any]:
    """The event an EventBridge schedule rule sends; ``time`` is the scheduled instant."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": iso_seconds(at),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{account}:rule/{RULE_NAME}"],
        "detail": {},
    }


def account_of_queue(queue_url: str) -> str:
    """The account in ``http://host/123456789012/name``, or the local placeholder."""
    parts = queue_url.rstrip("/").split("/")
    return parts[-2] if len(parts) >= 2 and parts[-2].isdigit() and len(parts[-2]) == 12 else LOCAL_ACCOUNT


def stopped_early(result: Any) -> bool:
    """Whether a tick's summary says it left due work at its deadline."""
    return isinstance(result, dict) and result.get("stoppedEarly") is True


class DispatcherInvoker:
    """One invocation per tick, each in a thread of its own: Lambda runs a slow
    invocation beside the next one instead of delaying it.

    A tick that stops early is followed at once by another, as the Lambda's continuation
    follows it in the cloud, instead of leaving its work to the next minute. One follow-up
    per tick, never a chain: what the follow-up leaves goes to the ticks that follow, which
    look again at leased shards within their budget.
    """

    def __init__(
        self, handler: Handler, region: str, account: str, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._handler = handler
        self._region = region
        self._account = account
        self._clock = clock
        self._running: set[threading.Thread] = set()
        self._lock = threading.Lock()

    def invoke(self, at: datetime) -> Any:
        event = scheduled_event(at, self._region, self._account)
        context = LambdaContext(region=self._region, account=self._account, timeout_seconds=TIMEOUT_SECONDS)
        return self._handler(event, context)

    def __call__(self, at: datetime) -> None:
        thread = threading.Thread(target=self._invoke_logged, args=(at,), name=f"dispatch-{iso_seconds(at)}")
        with self._lock:
            self._running.add(thread)
        thread.start()

    def join(self, timeout: float) -> None:
        """Wait for invocations in flight (at most ``timeout`` seconds in all)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            running = list(self._running)
        for thread in running:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _invoke_logged(self, at: datetime) -> None:
        try:
            if stopped_early(self.invoke(at)):
                follow_up = self._clock()
                logger.info("the tick of %s stopped early; another starts now", iso_seconds(at))
                at = follow_up
                self.invoke(follow_up)
        except Exception:  # Lambda would log the error and wait for the next event
            logger.exception("the dispatcher failed on the tick of %s", iso_seconds(at))
        finally:
            with self._lock:
                self._running.discard(threading.current_thread())
