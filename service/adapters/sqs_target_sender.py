"""Delivers runs to SQS targets with the message contract of SPEC section 4.

Body: the payload exactly. Attributes: ``jobId``, ``scheduledFor``, ``occurrenceId``,
``namespace``. On a FIFO queue: ``MessageGroupId`` = jobId, ``MessageDeduplicationId`` = a
digest of the occurrenceId, so SQS itself drops a repeat sent within its five-minute window.
A run is accepted when SQS answers with its message id: that answer is the delivery's
instant, from which its lateness is measured.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from service.adapters.sqs_batches import BatchSender, Message, string_attributes
from service.domain.targets import Target
from service.services.target_ports import Delivery, DeliveryOutcome, TargetSender

FIFO_SUFFIX = ".fifo"


def contract_attributes(delivery: Delivery) -> dict[str, str]:
    return {
        "jobId": delivery.job_id,
        "scheduledFor": delivery.scheduled_for_text,
        "occurrenceId": delivery.occurrence_id,
        "namespace": delivery.namespace,
    }


def target_message(delivery: Delivery, fifo: bool) -> Message:
    return Message(
        body=delivery.payload,
        attributes=string_attributes(contract_attributes(delivery)),
        group_id=delivery.job_id if fifo else None,
        deduplication_id=hashlib.sha256(delivery.occurrence_id.encode()).hexdigest() if fifo else None,
    )


class SqsTargetSender(TargetSender):
    def __init__(self, batches: BatchSender, clock: Callable[[], datetime]) -> None:
        self._batches = batches
        self._clock = clock

    @classmethod
    def over(cls, client: Any, clock: Callable[[], datetime], **retries: Any) -> SqsTargetSender:
        return cls(BatchSender(client, **retries), clock)

    def deliver(self, target: Target, deliveries: Sequence[Delivery]) -> list[DeliveryOutcome]:
        fifo = target.url.endswith(FIFO_SUFFIX)
        sent = self._batches.send(target.url, [target_message(d, fifo) for d in deliveries])
        accepted_at = self._clock()  # SQS's answer: the runs are on their queue from here
        return [
            DeliveryOutcome(delivery, accepted_at=accepted_at, message_id=result.message_id)
            if result.ok
            else DeliveryOutcome(delivery, error=result.error, permanent=result.sender_fault)
            for delivery, result in zip(deliveries, sent, strict=True)
        ]
