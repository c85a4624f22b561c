"""GraphQL types, each filled from its presenter shape (``presenters.schedules``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NewType

import strawberry
from strawberry.types import Info

from service.domain import errors as domain_errors
from service.domain import runs as domain_runs
from service.domain import schedule as domain
from service.domain.lifecycle import CatchUp
from service.domain.recurrence import RecurrenceKind
from service.domain.runs import RunStatus, RunTrigger
from service.domain.schedule import State
from service.entrypoints.graphql.errors import expected_failures
from service.entrypoints.graphql.loaders import RunsRequest
from service.entrypoints.presenters.schedules import present_run, present_run_time, present_schedule, shown

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


# The domain's enums, as GraphQL enums whose values are their names (DAILY, ACTIVE...).
strawberry.enum(RecurrenceKind, name="Recurring")
strawberry.enum(State, name="ScheduleState")
strawberry.enum(RunStatus, name="RunStatus")
strawberry.enum(RunTrigger, name="RunTrigger")
strawberry.enum(CatchUp, name="CatchUp")


@strawberry.type(description="A label: a key and its value, in Kubernetes label syntax.")
class Label:
    key: str
    value: str


@strawberry.input(description="A label to give a schedule, or to filter schedules by.")
class LabelInput:
    key: str
    value: str


@strawberry.type(description="A run instant, in UTC and in the schedule's zone.")
class RunTime:
    run_at: str
    minute: Long
    local: str

    @classmethod
    def at(cls, instant: datetime, timezone: str) -> RunTime:
        return cls(**shown(present_run_time(instant, timezone)))


@strawberry.type(description="What happened to one occurrence.")
class Run:
    occurrence_id: str
    scheduled_for: str
    status: RunStatus
    trigger: RunTrigger
    recorded_at: str
    message_id: str | None
    lateness_ms: Long | None
    reason: str | None = strawberry.field(description="Why it was canceled or failed.")
    attempts: int | None = strawberry.field(description="Deliveries tried so far.")
    last_error: str | None = strawberry.field(description="The last attempt's status or error, while it retries.")
    next_attempt_at: str | None = strawberry.field(description="When it is tried again, while it retries.")

    @classmethod
    def from_domain(cls, run: domain_runs.Run) -> Run:
        return cls(**shown(present_run(run)))


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
    recurring: RecurrenceKind
    minute: Long | None
    run_at: str | None
    timezone: str
    cron: str | None
    state: State
    version: int
    created_at: str
    updated_at: str
    last_run: Run | None
    target: str | None = strawberry.field(
        description="The target its runs go to, by name; null: its namespace's default target."
    )
    name: str | None
    description: str | None
    labels: list[Label] = strawberry.field(description="Its labels, by key.")
    start_at: str | None = strawberry.field(description="No run before it.")
    end_at: str | None = strawberry.field(description="No run after it: it completes with its last run before.")
    max_runs: int | None = strawberry.field(description="It completes once it has delivered this many runs.")
    remaining_runs: int | None = strawberry.field(description="Runs it delivers before it completes (maxRuns).")
    interval: str | None = strawberry.field(description="Of an interval rule: an ISO-8601 duration from runAt.")
    catch_up: CatchUp = strawberry.field(description="What it does with runs that fell due while the service was late.")
    pause_note: str | None = strawberry.field(description="Why it is paused, while it is.")
    # The schedule as read: nested fields work from it rather than read it again.
    stored: strawberry.Private[domain.Schedule]

    @strawberry.field(description="The next run instants, from the next run on (1 to 100).")  # type: ignore[untyped-decorator]
    def next_runs(self, info: Info, count: int = 5) -> list[RunTime]:
        with expected_failures():
            runs = info.context.schedules.upcoming(self.stored, count)
        return [RunTime.at(r, self.timezone) for r in runs]

    @strawberry.field(description="Run history, newest first (1 to 100); with `status`, its runs of that status only.")  # type: ignore[untyped-decorator]
    async def runs(
        self, info: Info, first: int = 20, after: str | None = None, status: RunStatus | None = None
    ) -> RunConnection:
        with expected_failures():
            page = await info.context.loaders.runs.load(RunsRequest(self.stored, first, after, status))
        return RunConnection(
            nodes=[Run.from_domain(r) for r in page.items],
            page_info=PageInfo(has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor),
        )

    @classmethod
    def from_domain(cls, schedule: domain.Schedule) -> Schedule:
        shape = present_schedule(schedule)
        last_run = Run(**shown(shape.last_run)) if shape.last_run else None
        labels = [Label(key=key, value=value) for key, value in shape.labels]
        return cls(**{**shown(shape), "last_run": last_run, "labels": labels}, stored=schedule)


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
    recurring: RecurrenceKind = RecurrenceKind.NONE
    timezone: str = "UTC"
    minute: Long | None = None
    run_at: str | None = None
    cron: str | None = None
    immediate: bool = False
    target: str | None = strawberry.field(
        default=None, description="A target of the key's namespace, by name; null: the namespace's default."
    )
    name: str | None = strawberry.field(default=None, description="What people call it: 1 to 200 characters.")
    description: str | None = strawberry.field(default=None, description="Up to 2,000 characters.")
    labels: list[LabelInput] | None = strawberry.field(
        default=None, description="Up to 20 labels, in Kubernetes label syntax; each key once."
    )
    start_at: str | None = strawberry.field(default=None, description="Recurring only: no run before it.")
    end_at: str | None = strawberry.field(default=None, description="Recurring only: no run after it.")
    max_runs: int | None = strawberry.field(
        default=None, description="Recurring only: it completes once it has delivered this many runs."
    )
    interval: str | None = strawberry.field(
        default=None,
        description="With recurring INTERVAL: an ISO-8601 duration (PT15M), one minute to 366 days, from runAt.",
    )
    catch_up: CatchUp | None = strawberry.field(
        default=None, description="LATEST (the default), ALL or NONE: what happens to runs the service was late for."
    )
