"""The delivery stage's queue on SQS, for runs to try again later: their visibility is set
to the delay (``ChangeMessageVisibilityBatch``), and the function reports them as failed
items of its batch, so Lambda leaves them on the queue."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from service.services.delivery_ports import Received, StageQueue

logger = logging.getLogger(__name__)

MAX_VISIBILITY_SECONDS = 12 * 3600  # SQS's longest visibility time-out
BATCH = 10


class SqsStageQueue(StageQueue):
    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def retry_later(self, runs: Sequence[tuple[Received, timedelta]]) -> None:
        entries = [
            {
                "Id": str(index),
                "ReceiptHandle": received.receipt_handle,
                "VisibilityTimeout": max(0, min(MAX_VISIBILITY_SECONDS, round(delay.total_seconds()))),
            }
            for index, (received, delay) in enumerate(runs)
            if received.receipt_handle
        ]
        for start in range(0, len(entries), BATCH):
            try:
                response = self._client.change_message_visibility_batch(
                    QueueUrl=self._queue_url, Entries=entries[start : start + BATCH]
                )
            except Exception:  # the queue's own visibility time-out brings them back, later
                logger.warning("could not set when %d run(s) come again", len(entries[start : start + BATCH]))
                continue
            if response.get("Failed"):
                logger.warning("could not set when some runs come again: %s", response["Failed"])
