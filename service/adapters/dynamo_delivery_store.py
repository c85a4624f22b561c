"""The delivery stage's store on DynamoDB: the schedules of a batch in one consistent
``BatchGetItem`` (schedule items only: the run carries its payload), and the writes that
follow a run (``dynamo_advance``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from service.adapters import dynamo_advance, dynamo_stats
from service.adapters.dynamo_batch import get_all
from service.adapters.dynamo_items import item_to_schedule, schedule_key
from service.adapters.dynamo_repository import DEFAULT_RUN_RETENTION
from service.domain.runs import Run
from service.domain.schedule import Schedule
from service.services.delivery_ports import DeliveryStore, ScheduleRef


class DynamoDeliveryStore(DeliveryStore):
    def __init__(self, client: Any, table_name: str, run_retention: timedelta = DEFAULT_RUN_RETENTION) -> None:
        self._client = client
        self._table = table_name
        self._retention = run_retention

    def schedules(self, refs: Sequence[ScheduleRef]) -> dict[ScheduleRef, Schedule]:
        keys = [schedule_key(namespace, job_id) for namespace, job_id in refs]
        # Consistent: a delete or a pause just before the run's instant must be seen.
        items = get_all(self._client, self._table, keys, consistent=True)
        schedules = (item_to_schedule(item) for item in items)
        return {(s.namespace, s.job_id): s for s in schedules}

    def advance(self, schedule: Schedule, expected_version: int) -> bool:
        return dynamo_advance.advance(self._client, self._table, schedule, expected_version)

    def add_runs(self, runs: Sequence[Run]) -> None:
        dynamo_advance.add_runs(self._client, self._table, runs, self._retention)

    def count(self, counts: Mapping[tuple[str, datetime], Counter[str]]) -> None:
        dynamo_stats.add_counts(self._client, self._table, counts)

    def update_last_run(self, run: Run, now: datetime) -> bool:
        return dynamo_advance.update_last_run(self._client, self._table, run, now)
