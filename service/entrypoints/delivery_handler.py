"""The delivery function's Lambda handler, made from a wired stage (``make_handler``).

Its event is a batch of the hand-off queue's messages (Lambda's SQS event source). The runs
the stage wants to see again (a target's passing refusal, a run that came too early, a
write not landed yet) are given a visibility time-out of their delay and reported as
``batchItemFailures``, so Lambda deletes the others and leaves those on the queue. A
message that is no hand-off is reported too: it ends in the dead-letter queue, with its
alarm, rather than being dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

from service.adapters.handoff_messages import MalformedHandOff, event_attributes, read_handoff
from service.bootstrap.delivery import DeliveryContainer
from service.entrypoints.lambda_metrics import deadline_of as lambda_deadline
from service.entrypoints.lambda_metrics import publish_counts
from service.services.delivery_ports import Received
from service.services.delivery_report import DeliveryReport

DEADLINE_RESERVE = timedelta(seconds=5)  # for the records, the visibility changes and the metrics
DEFAULT_BUDGET = timedelta(seconds=25)  # when there is no Lambda context

Handler = Callable[[dict[str, Any], Any], dict[str, object]]

logger = Logger(service="scheduler-delivery")


def received_runs(records: list[dict[str, Any]]) -> tuple[list[Received], list[str]]:
    """The runs of an SQS event's records, and the ids of the records that are no hand-off."""
    runs: list[Received] = []
    malformed: list[str] = []
    for record in records:
        message_id = str(record.get("messageId") or record.get("MessageId") or "")
        try:
            item = read_handoff(str(record.get("body", record.get("Body", ""))), event_attributes(record))
        except MalformedHandOff as exc:
            logger.error("not a hand-off message", extra={"messageId": message_id, "problem": str(exc)})
            malformed.append(message_id)
            continue
        attributes = record.get("attributes") or record.get("Attributes") or {}
        runs.append(
            Received(
                message_id=message_id,
                item=item,
                receipt_handle=str(record.get("receiptHandle") or record.get("ReceiptHandle") or ""),
                receive_count=int(attributes.get("ApproximateReceiveCount", 1)),
            )
        )
    return runs, malformed


def deadline_of(context: Any, clock_now: datetime) -> datetime:
    return lambda_deadline(context, clock_now, DEFAULT_BUDGET, DEADLINE_RESERVE)


def publish(metrics: Metrics, report: DeliveryReport) -> None:
    counts = {
        "Delivered": report.delivered,
        "Late": report.late,
        "Canceled": report.canceled,
        "Missed": report.missed,
        "Failed": report.failed,
        "Retried": report.retried,
        "NotRecorded": report.not_recorded,
        "Malformed": report.malformed,
    }
    publish_counts(metrics, counts, "LatenessMs", report.lateness_ms)


def make_handler(container: DeliveryContainer, *, emit_metrics: bool = True) -> Handler:
    """The handler; ``emit_metrics=False`` (the local stack) keeps its metrics, one EMF
    document per batch, off the output where the deliveries are shown."""
    copy_config_to_registered_loggers(source_logger=logger, include={"service"})
    metrics = Metrics(namespace="Scheduler", service="delivery")

    def handler(event: dict[str, Any], context: Any) -> dict[str, object]:
        runs, malformed = received_runs(list(event.get("Records") or []))
        result = container.stage.deliver(runs, deadline_of(context, container.clock()))
        result.report.add(malformed=len(malformed))
        later = [(run, result.later[run.message_id]) for run in runs if run.message_id in result.later]
        if later:
            container.queue.retry_later(later)
        publish(metrics, result.report)
        logger.info("delivery", extra=result.report.summary())
        failures = [*malformed, *(run.message_id for run, _ in later)]
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failures]}

    if not emit_metrics:
        return lambda event, context: _without_metrics(metrics, handler, event, context)
    wrapped: Handler = metrics.log_metrics(handler)
    return wrapped


def _without_metrics(metrics: Metrics, handler: Handler, event: dict[str, Any], context: Any) -> dict[str, object]:
    try:
        return handler(event, context)
    finally:
        metrics.clear_metrics()
