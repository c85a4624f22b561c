"""A stand-in for the users' consumers: receives each message delivered to the default
target of every namespace and prints it as one JSON line on stdout, with its namespace and
how late it arrived, then deletes it.

Several pollers per queue take batches of 10 and delete them in one call, so the consumer
keeps pace with the delivery stage (thousands of runs a minute). While a queue is empty
only its first poller looks often; the others look once a second, since every receive
costs the emulator, which shares this process's interpreter, as much as a delivery does.
With the embedded emulator, which tells of each message the stack sends (``Arrivals``),
an idle poller looks again as soon as one is sent: a run is read the moment the delivery
stage has delivered it, not at the next poll."""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from service.entrypoints.local.emulator_calls import Arrivals

logger = logging.getLogger(__name__)

MAX_MESSAGES = 10  # SQS limit per receive
# Emulators answer a long poll when a message is *sent*, not when a delayed one becomes
# visible (moto re-checks once a second), which would add up to a second to every
# scheduled delivery. Short polls this often keep the measured lateness the dispatcher's own.
POLL_INTERVAL_SECONDS = 0.1
IDLE_INTERVAL_SECONDS = 1.0  # of the pollers after the first, while their queue is empty
ERROR_PAUSE_SECONDS = 1.0


def iso_millis(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}Z"


def _attribute(message: Mapping[str, Any], name: str) -> str | None:
    value = message.get("MessageAttributes", {}).get(name, {}).get("StringValue")
    return value if isinstance(value, str) else None


def delivery_line(message: Mapping[str, Any], received_at: datetime) -> dict[str, Any]:
    """The record of one delivery; ``latenessMs`` is negative for an early message."""
    job_id = _attribute(message, "jobId")
    scheduled_for = _attribute(message, "scheduledFor")
    lateness: int | None = None
    if scheduled_for is not None:
        try:
            due = datetime.fromisoformat(scheduled_for.replace("Z", "+00:00"))
            lateness = round((received_at - due).total_seconds() * 1000)
        except ValueError:
            logger.warning("a message carries a scheduledFor that is not ISO-8601: %r", scheduled_for)
    return {
        "event": "delivered",
        "namespace": _attribute(message, "namespace"),
        "jobId": job_id,
        "scheduledFor": scheduled_for,
        "receivedAt": iso_millis(received_at),
        "latenessMs": lateness,
    }


def print_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


QueueLister = Callable[[], list[str]]


class DefaultTargetQueues:
    """The queues of every namespace's default SQS target, the stack's own queue first.

    A queue that does not answer (a URL outside the emulator, a queue not created yet) is
    left out, and looked at again at the next refresh."""

    def __init__(self, sqs: Any, targets: Callable[[], list[Any]], stack_queue_url: str) -> None:
        self._sqs = sqs
        self._targets = targets
        self._stack_queue_url = stack_queue_url
        self._known: set[str] = {stack_queue_url}
        self._refused: set[str] = set()

    def __call__(self) -> list[str]:
        urls = [self._stack_queue_url]
        for target in self._targets():
            wanted = target.default and target.kind == "sqs" and target.url not in urls
            if wanted and (target.url in self._known or self._answers(target.url)):
                urls.append(target.url)
        return urls

    def _answers(self, url: str) -> bool:
        try:
            self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        except (BotoCoreError, ClientError) as exc:
            if url not in self._refused:
                logger.warning("not reading the default target queue %s: %s", url, exc)
                self._refused.add(url)
            return False
        self._known.add(url)
        return True


POLLERS = 4  # per queue: enough to drain a backlog while the stage and a tick share the interpreter
REFRESH_SECONDS = 10.0  # how often the queues to read are looked up again


class Consumer:
    """Reads every queue ``queues`` names (looked up again every few seconds: a namespace's
    new default target is read too), each with several pollers."""

    name = "consumer"

    def __init__(
        self,
        sqs: Any,
        queues: QueueLister | list[str],
        emit: Callable[[str], None] = print_line,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        poll_interval: float = POLL_INTERVAL_SECONDS,
        pollers: int = POLLERS,
        idle_interval: float = IDLE_INTERVAL_SECONDS,
        arrivals: Arrivals | None = None,
    ) -> None:
        self._sqs = sqs
        self._queues: QueueLister = queues if callable(queues) else (lambda: list(queues))
        self._emit = emit
        self._clock = clock
        self._poll_interval = poll_interval
        self._idle_interval = max(idle_interval, poll_interval)
        self._pollers = pollers
        self._arrivals = arrivals
        self._stopped = threading.Event()
        self._threads: dict[str, list[threading.Thread]] = {}
        self._lister: threading.Thread | None = None

    def start(self) -> None:
        self._refresh()
        self._lister = threading.Thread(target=self._keep_refreshing, name="consumer-queues", daemon=True)
        self._lister.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopped.set()
        if self._arrivals is not None:
            self._arrivals.notify(everyone=True)  # wakes the pollers that wait for a message
        for threads in self._threads.values():
            for thread in threads:
                thread.join(timeout)

    def receive_once(self, queue_url: str) -> int:
        """Receive, print and delete what is available on one queue; the number of messages."""
        response = self._sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=MAX_MESSAGES,
            WaitTimeSeconds=0,
            MessageAttributeNames=["All"],
        )
        received_at = self._clock()
        messages: list[dict[str, Any]] = response.get("Messages", [])
        for message in messages:
            self._emit(json.dumps(delivery_line(message, received_at)))
        if messages:
            self._delete(queue_url, messages)
        return len(messages)

    def _delete(self, queue_url: str, messages: list[dict[str, Any]]) -> None:
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        failed = self._sqs.delete_message_batch(QueueUrl=queue_url, Entries=entries).get("Failed", [])
        if failed:
            # Not deleted: SQS offers it again after the visibility time-out (at least once).
            logger.warning("could not delete %d received message(s): %s", len(failed), failed)

    def _refresh(self) -> None:
        try:
            urls = self._queues()
        except Exception:  # the table may be busy: the queues known so far are still read
            logger.warning("could not look up the queues to read", exc_info=True)
            return
        for url in urls:
            if url not in self._threads:
                self._threads[url] = [
                    threading.Thread(
                        target=self._poll,
                        args=(url, self._poll_interval if i == 0 else self._idle_interval),
                        name=f"consumer-{i}",
                        daemon=True,
                    )
                    for i in range(self._pollers)
                ]
                for thread in self._threads[url]:
                    thread.start()

    def _keep_refreshing(self) -> None:
        while not self._stopped.wait(REFRESH_SECONDS):
            self._refresh()

    def _poll(self, queue_url: str, idle_interval: float) -> None:
        while not self._stopped.is_set():
            sends = self._arrivals.sends if self._arrivals is not None else 0
            try:
                received = self.receive_once(queue_url)
            except (BotoCoreError, ClientError) as exc:
                logger.warning("receiving from %s failed (%s); retrying", queue_url, exc)
                self._stopped.wait(ERROR_PAUSE_SECONDS)
                continue
            if not received:
                self._idle(sends, idle_interval)

    def _idle(self, sends: int, interval: float) -> None:
        """Until the next message is sent (when the emulator tells), or ``interval``."""
        if self._arrivals is None:
            self._stopped.wait(interval)
        else:
            self._arrivals.wait(sends, interval)
