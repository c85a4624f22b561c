"""The public shape of a schedule, a run and a run time, and the one mapping of a client's
definition to the domain's ``ScheduleInput``.

Instants are shown as ISO-8601 UTC with seconds (``2027-03-28T01:00:00Z``); a run time is
also shown in whole minutes since 1970 (the seed's ``minute``) and as a local time in its
schedule's zone. Enum fields keep the domain's enums: each API writes them its own way
(REST their values, GraphQL their names).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from service.domain.about import Labels
from service.domain.durations import format_interval
from service.domain.lifecycle import CatchUp
from service.domain.local_time import zone
from service.domain.recurrence import RecurrenceKind
from service.domain.runs import Run, RunStatus, RunTrigger, iso_seconds
from service.domain.schedule import Schedule, ScheduleInput, State

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


@dataclass(frozen=True)
class RunShape:
    occurrence_id: str
    scheduled_for: str
    status: RunStatus
    trigger: RunTrigger
    recorded_at: str
    message_id: str | None
    lateness_ms: int | None
    reason: str | None
    attempts: int | None
    last_error: str | None
    next_attempt_at: str | None


@dataclass(frozen=True)
class ScheduleShape:
    job_id: str
    payload: str
    recurring: RecurrenceKind
    minute: int | None
    run_at: str | None
    timezone: str
    cron: str | None
    state: State
    version: int
    created_at: str
    updated_at: str
    last_run: RunShape | None
    target: str | None
    name: str | None
    description: str | None
    labels: Labels  # each API writes them its own way: an object in REST, {key, value} pairs in GraphQL
    start_at: str | None
    end_at: str | None
    max_runs: int | None
    remaining_runs: int | None
    interval: str | None
    catch_up: CatchUp
    pause_note: str | None


@dataclass(frozen=True)
class RunTimeShape:
    run_at: str
    minute: int
    local: str


def present_run(run: Run) -> RunShape:
    return RunShape(
        occurrence_id=run.occurrence_id,
        scheduled_for=iso_seconds(run.scheduled_for),
        status=run.status,
        trigger=run.trigger,
        recorded_at=iso_seconds(run.recorded_at),
        message_id=run.message_id,
        lateness_ms=run.lateness_ms,
        reason=run.reason,
        attempts=run.attempts,
        last_error=run.last_error,
        next_attempt_at=iso_seconds(run.next_attempt_at) if run.next_attempt_at else None,
    )


def present_schedule(schedule: Schedule) -> ScheduleShape:
    return ScheduleShape(
        job_id=schedule.job_id,
        payload=schedule.payload,
        recurring=schedule.recurring,
        minute=schedule.minute,
        run_at=iso_seconds(schedule.run_at) if schedule.run_at else None,
        timezone=schedule.timezone,
        cron=schedule.cron,
        state=schedule.state,
        version=schedule.version,
        created_at=iso_seconds(schedule.created_at),
        updated_at=iso_seconds(schedule.updated_at),
        last_run=present_run(schedule.last_run) if schedule.last_run else None,
        target=schedule.target,
        name=schedule.name,
        description=schedule.description,
        labels=schedule.labels,
        start_at=iso_seconds(schedule.start_at) if schedule.start_at else None,
        end_at=iso_seconds(schedule.end_at) if schedule.end_at else None,
        max_runs=schedule.max_runs,
        remaining_runs=schedule.remaining_runs,
        interval=format_interval(schedule.interval) if schedule.interval else None,
        catch_up=schedule.catch_up,
        pause_note=schedule.pause_note,
    )


def present_run_time(instant: datetime, timezone: str) -> RunTimeShape:
    return RunTimeShape(
        run_at=iso_seconds(instant),
        minute=int(instant.timestamp()) // 60,
        local=instant.astimezone(zone(timezone)).isoformat(),
    )


def shown(shape: DataclassInstance) -> dict[str, Any]:
    """A shape's fields by name, one level deep: the keyword arguments of a schema type."""
    return {field.name: getattr(shape, field.name) for field in fields(shape)}


def schedule_input(definition: object) -> ScheduleInput:
    """The domain's ``ScheduleInput`` from a client's definition: a REST body or a GraphQL
    input, either of which has an attribute for each of its fields. Labels come as an
    object (REST) or as ``{key, value}`` pairs (GraphQL), enums as the domain's own."""
    values = {field.name: getattr(definition, field.name) for field in fields(ScheduleInput)}
    values["labels"] = label_pairs(values["labels"])
    return ScheduleInput(**values)


def label_pairs(labels: Any) -> tuple[tuple[str, str], ...] | None:
    """Labels as (key, value) pairs, in the order sent: from an object, or from pairs that
    have a ``key`` and a ``value`` (a key sent twice stays, for validation to name it)."""
    if labels is None:
        return None
    if isinstance(labels, dict):
        return tuple(labels.items())
    return tuple((label.key, label.value) for label in labels)
