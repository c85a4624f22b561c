"""GraphQL types, each built from its domain object."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any, NewType, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from service.domain import errors as domain_errors
from service.domain import runs as domain_runs
from service.domain import schedule as domain
from service.domain.local_time import zone
from service.domain.runs import iso_seconds

T = TypeVar("T")


def attempt(action: Callable[[], T]) -> T:
    """Run a resolver body; an expected failure becomes a GraphQL error with its code."""
    try:
        return action()
    except domain_errors.DomainError as exc:
        raise GraphQLError(exc.message, extensions={"code": exc.code}, original_error=exc) from exc


# GraphQL's Int stops at 2**31 - 1: a lateness of 25 days in milliseconds, or a minute
# after the year 6053, would fail the whole response. Long carries any whole number.
Long = NewType("Long", int)


def _parse_long(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"Long cannot represent a non-integer value: {domain_errors.quoted(value)}")
    return value


LONG_SCALAR = strawberry.scalar(
    name="Long",
    description="A whole number of any size (JSON number), used where Int's 32 bits are not enough.",
    serialize=int,
    parse_value=_parse_long,
)


@strawberry.enum
class Recurring(Enum):
    NONE = "none"
    DAILY = "daily"
    WEEKLY = "weekly"
    CRON = "cron"


@strawberry.enum
class ScheduleState(Enum):
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"


@strawberry.enum
class RunStatus(Enum):
    DELIVERED = "delivered"
    MISSED = "missed"


@strawberry.enum
class RunTrigger(Enum):
    SCHEDULE = "schedule"
    IMMEDIATE = "immediate"
    MANUAL = "manual"


@strawberry.type(description="A run instant, in UTC and in the schedule's zone.")
class RunTime:
    run_at: str
    minute: Long
    local: str

    @classmethod
    def at(cls, instant: datetime, timezone: str) -> RunTime:
        return cls(
            run_at=iso_seconds(instant),
            minute=Long(int(instant.timestamp()) // 60),
            local=instant.astimezone(zone(timezone)).isoformat(),
        )


@strawberry.type(description="What happened to one occurrence.")
class Run:
    occurrence_id: str
    scheduled_for: str
    status: RunStatus
    trigger: RunTrigger
    recorded_at: str
    message_id: str | None
    lateness_ms: Long | None

    @classmethod
    def from_domain(cls, run: domain_runs.Run) -> Run:
        return cls(
            occurrence_id=run.occurrence_id,
            scheduled_for=iso_seconds(run.scheduled_for),
            status=RunStatus(run.status.value),
            trigger=RunTrigger(run.trigger.value),
            recorded_at=iso_seconds(run.recorded_at),
            message_id=run.message_id,
            lateness_ms=None if run.lateness_ms is None else Long(run.lateness_ms),
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class RunConnection:
    nodes: list[Run]
    page_info: PageInfo


@strawberry.type(description="A schedule: what to send, when, and what happened so far.")
class Schedule:
    job_id: strawberry.ID
    payload: str
    recurring: Recurring
    minute: Long | None
    run_at: str | None
    timezone: str
    cron: str | None
    state: ScheduleState
    version: int
    created_at: str
    updated_at: str
    last_run: Run | None
    # The schedule as read: nested fields work from it rather than read it again per node.
    stored: strawberry.Private[domain.Schedule]

    @strawberry.field(description="The next run instants, from the next run on (1 to 100).")  # type: ignore[untyped-decorator]
    def next_runs(self, info: Info, count: int = 5) -> list[RunTime]:
        runs = attempt(lambda: info.context.schedules.upcoming(self.stored, count))
        return [RunTime.at(r, self.timezone) for r in runs]

    @strawberry.field(description="Run history, newest first (1 to 100).")  # type: ignore[untyped-decorator]
    def runs(self, info: Info, first: int = 20, after: str | None = None) -> RunConnection:
        page = attempt(lambda: info.context.schedules.runs_of(self.stored, first, after))
        return RunConnection(
            nodes=[Run.from_domain(r) for r in page.items],
            page_info=PageInfo(has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor),
        )

    @classmethod
    def from_domain(cls, schedule: domain.Schedule) -> Schedule:
        return cls(
            job_id=strawberry.ID(schedule.job_id),
            payload=schedule.payload,
            recurring=Recurring(schedule.recurring.value),
            minute=None if schedule.minute is None else Long(schedule.minute),
            run_at=iso_seconds(schedule.run_at) if schedule.run_at else None,
            timezone=schedule.timezone,
            cron=schedule.cron,
            state=ScheduleState(schedule.state.value),
            version=schedule.version,
            created_at=iso_seconds(schedule.created_at),
            updated_at=iso_seconds(schedule.updated_at),
            last_run=Run.from_domain(schedule.last_run) if schedule.last_run else None,
            stored=schedule,
        )


@strawberry.type
class ScheduleConnection:
    nodes: list[Schedule]
    page_info: PageInfo


@strawberry.type
class Preview:
    timezone: str
    runs: list[RunTime]


@strawberry.type
class DeletedSchedule:
    job_id: strawberry.ID
    schedule: Schedule


@strawberry.input(description="A schedule definition (the same fields as the REST body).")
class ScheduleInput:
    payload: str
    recurring: Recurring = Recurring.NONE
    timezone: str = "UTC"
    minute: Long | None = None
    run_at: str | None = None
    cron: str | None = None
    immediate: bool = False

    def to_domain(self) -> domain.ScheduleInput:
        return domain.ScheduleInput(
            payload=self.payload,
            recurring=self.recurring.value,
            timezone=self.timezone,
            minute=self.minute,
            run_at=self.run_at,
            cron=self.cron,
            immediate=self.immediate,
        )


# -- expected failures, as typed results -----------------------------------------


@strawberry.interface(description="An expected failure, with a stable code.")
class Error:
    code: str
    message: str


@strawberry.type
class Problem:
    field: str
    message: str


@strawberry.type
class NotFoundError(Error):
    job_id: strawberry.ID  # an ID, as on Schedule: a client selects jobId on both in one union


@strawberry.type
class ValidationError(Error):
    problems: list[Problem]


@strawberry.type
class VersionConflictError(Error):
    expected_version: int
    actual_version: int | None


@strawberry.type
class InvalidStateError(Error):
    pass


@strawberry.type
class DeliveryError(Error):
    pass


ErrorResult = NotFoundError | ValidationError | VersionConflictError | InvalidStateError | DeliveryError


def error_result(exc: domain_errors.DomainError) -> ErrorResult:
    """The typed GraphQL result of an expected failure."""
    if isinstance(exc, domain_errors.ScheduleNotFound):
        return NotFoundError(code=exc.code, message=exc.message, job_id=strawberry.ID(exc.job_id))
    if isinstance(exc, domain_errors.ValidationFailed):
        problems = [Problem(field=p.field, message=p.message) for p in exc.problems]
        return ValidationError(code=exc.code, message=exc.message, problems=problems)
    if isinstance(exc, domain_errors.VersionConflict):
        return VersionConflictError(
            code=exc.code, message=exc.message, expected_version=exc.expected, actual_version=exc.actual
        )
    if isinstance(exc, domain_errors.InvalidState):
        return InvalidStateError(code=exc.code, message=exc.message)
    if isinstance(exc, domain_errors.DeliveryFailed):
        return DeliveryError(code=exc.code, message=exc.message)
    raise exc
