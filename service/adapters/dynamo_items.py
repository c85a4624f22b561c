"""Conversion between domain objects and DynamoDB items (low-level attribute values)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from service.adapters import table_schema as ts
from service.adapters.dynamo_details import (
    DETAILS_ANSWER_BYTES,
    DETAILS_EXTERNAL,
    Details,
    details_from_values,
    details_inline,
    details_key,
    details_of,
    details_values,
)
from service.domain.lifecycle import CatchUp
from service.domain.recurrence import RecurrenceKind
from service.domain.runs import Run, RunStatus, RunTrigger, iso_seconds
from service.domain.schedule import Schedule, State, needs_history_item
from service.services.ports import (
    MAX_PAYLOAD_ANSWER_BYTES,
    answer_bytes,
    details_answer_bytes,
    schedule_answer_bytes,
    texts_answer_bytes,
)

# Payloads up to this size stay in the schedule item, which then stays near 1 KB (one
# write unit); larger ones get an item of their own that the run-time writes never touch.
INLINE_PAYLOAD_BYTES = 512
PAYLOAD_ANSWER_BYTES = "payloadAnswerBytes"
# False on a schedule item whose lastRun is the only record of that run (it needs no
# history item: ``needs_history_item``). A write over such an item gives the run its
# history item first, in the same transaction (``dynamo_conditions.write_over``).
LAST_RUN_IN_HISTORY = "lastRunInHistory"

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

Item = dict[str, Any]


def to_attributes(values: dict[str, Any]) -> Item:
    return {key: _serializer.serialize(value) for key, value in values.items() if value is not None}


def from_attributes(item: Item) -> dict[str, Any]:
    return {key: _deserializer.deserialize(value) for key, value in item.items()}


def schedule_key(namespace: str, job_id: str) -> Item:
    return to_attributes({ts.PARTITION_KEY: ts.namespace_key(namespace), ts.SORT_KEY: ts.schedule_sort_key(job_id)})


def payload_is_inline(payload: str) -> bool:
    return len(payload.encode("utf-8")) <= INLINE_PAYLOAD_BYTES


def details_are_inline(schedule: Schedule) -> bool:
    payload = schedule.payload
    return details_inline(details_of(schedule), len(payload.encode("utf-8")) if payload_is_inline(payload) else 0)


def schedule_to_item(schedule: Schedule) -> Item:
    inline = payload_is_inline(schedule.payload)
    inline_details = details_are_inline(schedule)
    values: dict[str, Any] = {
        ts.PARTITION_KEY: ts.namespace_key(schedule.namespace),
        ts.SORT_KEY: ts.schedule_sort_key(schedule.job_id),
        "jobId": schedule.job_id,
        "namespace": schedule.namespace,
        "payload": schedule.payload if inline else None,
        "payloadExternal": None if inline else True,
        # Lists page by size without reading the payloads that do not fit (ports.answer_bytes).
        PAYLOAD_ANSWER_BYTES: None if inline else answer_bytes(schedule.payload),
        "recurring": schedule.recurring.value,
        "timezone": schedule.timezone,
        "cron": schedule.cron,
        "anchor": schedule.anchor.isoformat() if schedule.anchor else None,
        "runAt": text(schedule.run_at),
        "state": schedule.state.value,
        "version": schedule.version,
        "createdAt": text(schedule.created_at),
        "updatedAt": text(schedule.updated_at),
        "lastRun": run_summary(schedule.last_run) if schedule.last_run else None,
        "target": schedule.target,
        "revision": schedule.revision or None,
        "handedOff": text(schedule.handed_off),
        "plannedAt": text(schedule.planned_at),
        LAST_RUN_IN_HISTORY: None if last_run_in_history(schedule) else False,
        **(details_values(details_of(schedule)) if inline_details else {}),
        DETAILS_EXTERNAL: None if inline_details else True,
        DETAILS_ANSWER_BYTES: None if inline_details else details_answer_bytes(schedule),
        "startAt": text(schedule.start_at),
        "endAt": text(schedule.end_at),
        "maxRuns": schedule.max_runs,
        "runsDelivered": schedule.runs_delivered or None,
        "interval": int(schedule.interval.total_seconds()) if schedule.interval else None,
        "catchUp": None if schedule.catch_up is CatchUp.LATEST else schedule.catch_up.value,
        "pauseNote": schedule.pause_note,
    }
    if schedule.due_at is not None:
        values[ts.DUE_SHARD] = ts.due_shard(schedule.namespace, schedule.job_id)
        values[ts.DUE_AT] = int(schedule.due_at.timestamp())
    return to_attributes(values)


def payload_to_item(schedule: Schedule) -> Item:
    return to_attributes({**ts.payload_key(schedule.namespace, schedule.job_id), "payload": schedule.payload})


def details_to_item(schedule: Schedule) -> Item:
    return to_attributes({**details_key(schedule.namespace, schedule.job_id), **details_values(details_of(schedule))})


def details_from_item(item: Item) -> Details:
    return details_from_values(from_attributes(item))


def has_external_details(item: Item) -> bool:
    return DETAILS_EXTERNAL in item


def item_to_schedule(item: Item, payload: str | None = None, details: Details | None = None) -> Schedule:
    """A schedule from its item; ``payload`` is the external payload when the item has none,
    ``details`` its name, description and labels when they are kept apart."""
    values = from_attributes(item)
    last_run = values.get("lastRun")
    name, description, labels = details if details is not None else details_from_values(values)
    interval = values.get("interval")
    return Schedule(
        namespace=values["namespace"],
        job_id=values["jobId"],
        payload=values.get("payload", payload if payload is not None else ""),
        recurring=RecurrenceKind(values["recurring"]),
        timezone=values["timezone"],
        cron=values.get("cron"),
        anchor=datetime.fromisoformat(values["anchor"]) if "anchor" in values else None,
        run_at=_instant(values.get("runAt")),
        state=State(values["state"]),
        version=int(values["version"]),
        created_at=_parsed(values["createdAt"]),
        updated_at=_parsed(values["updatedAt"]),
        last_run=_run_from_summary(values["namespace"], values["jobId"], last_run) if last_run else None,
        target=values.get("target"),
        revision=int(values.get("revision", 0)),
        handed_off=_instant(values.get("handedOff")),
        planned_at=_instant(values.get("plannedAt")),
        name=name,
        description=description,
        labels=labels,
        start_at=_instant(values.get("startAt")),
        end_at=_instant(values.get("endAt")),
        max_runs=int(values["maxRuns"]) if "maxRuns" in values else None,
        runs_delivered=int(values.get("runsDelivered", 0)),
        interval=timedelta(seconds=int(interval)) if interval is not None else None,
        catch_up=CatchUp(values.get("catchUp", CatchUp.LATEST.value)),
        pause_note=values.get("pauseNote"),
    )


def last_run_in_history(schedule: Schedule) -> bool:
    """Whether the schedule's last run, if it has one, has a history item of its own."""
    return schedule.last_run is None or needs_history_item(schedule, schedule.last_run)


def last_run_only_in(item: Item) -> Run | None:
    """The run a stored schedule item is the only record of, if any."""
    if item.get(LAST_RUN_IN_HISTORY) != {"BOOL": False} or "lastRun" not in item:
        return None
    values = from_attributes(item)
    return _run_from_summary(values["namespace"], values["jobId"], values["lastRun"])


def has_external_payload(item: Item) -> bool:
    return "payloadExternal" in item


def item_answer_bytes(item: Item) -> int:
    """The most bytes the schedule of ``item`` takes in an answer, its payload unread.

    An item written before payload sizes were stored counts as the largest payload.
    """
    if "payload" in item:
        payload = answer_bytes(item["payload"]["S"])
    elif PAYLOAD_ANSWER_BYTES in item:
        payload = int(item[PAYLOAD_ANSWER_BYTES]["N"])
    else:
        payload = MAX_PAYLOAD_ANSWER_BYTES
    if DETAILS_ANSWER_BYTES in item:
        details = int(item[DETAILS_ANSWER_BYTES]["N"])
    else:
        name, description, labels = details_from_item(item)
        pause_note = item.get("pauseNote", {}).get("S")
        details = texts_answer_bytes([name, description, pause_note], labels)
    return schedule_answer_bytes(payload, item["cron"]["S"] if "cron" in item else None, details)


def run_sort_key(run: Run) -> str:
    """The run's key in its schedule's history: one item per occurrence and trigger, and
    one per manual run (several can share a second, each has its own id)."""
    key = f"{iso_seconds(run.scheduled_for)}#{run.trigger.value}"
    return key if run.run_id is None else f"{key}#{run.run_id}"


def run_to_item(run: Run, retention: timedelta) -> Item:
    return to_attributes(
        {
            ts.PARTITION_KEY: ts.runs_key(run.namespace, run.job_id),
            ts.SORT_KEY: run_sort_key(run),
            "namespace": run.namespace,
            "jobId": run.job_id,
            **run_summary(run),
            ts.TTL_ATTRIBUTE: int((run.recorded_at + retention).timestamp()),
        }
    )


def item_to_run(item: Item) -> Run:
    values = from_attributes(item)
    return _run_from_summary(values["namespace"], values["jobId"], values)


def run_summary(run: Run) -> dict[str, Any]:
    return {
        "scheduledFor": iso_seconds(run.scheduled_for),
        "status": run.status.value,
        "trigger": run.trigger.value,
        "recordedAt": text(run.recorded_at),
        "messageId": run.message_id,
        "latenessMs": run.lateness_ms,
        "runId": run.run_id,
        "reason": run.reason,
        "attempts": run.attempts,
        "lastError": run.last_error,
        "nextAttemptAt": text(run.next_attempt_at),
    }


def _run_from_summary(namespace: str, job_id: str, values: dict[str, Any]) -> Run:
    lateness = values.get("latenessMs")
    return Run(
        namespace=namespace,
        job_id=job_id,
        scheduled_for=_parsed(values["scheduledFor"]),
        status=RunStatus(values["status"]),
        trigger=RunTrigger(values["trigger"]),
        recorded_at=_parsed(values["recordedAt"]),
        message_id=values.get("messageId"),
        lateness_ms=int(lateness) if lateness is not None else None,
        run_id=values.get("runId"),
        reason=values.get("reason"),
        attempts=int(values["attempts"]) if values.get("attempts") is not None else None,
        last_error=values.get("lastError"),
        next_attempt_at=_instant(values.get("nextAttemptAt")),
    )


def text(instant: datetime | None) -> str | None:
    if instant is None:
        return None
    return instant.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parsed(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _instant(text: str | None) -> datetime | None:
    return _parsed(text) if text else None
