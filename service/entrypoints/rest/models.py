"""REST request and response models: camelCase JSON (the seed's field names) over the
presenter's snake_case fields (``presenters.schedules``), from which responses are filled."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr, field_validator
from pydantic.alias_generators import to_camel

from service.domain.lifecycle import CatchUp
from service.domain.recurrence import RecurrenceKind
from service.domain.runs import RunStatus, RunTrigger
from service.domain.schedule import State
from service.domain.targets import TargetKind


class ScheduleCreate(BaseModel):
    """A schedule definition, as sent to ``POST /schedules`` and ``PUT /schedules/{jobId}``.

    Fields the API returns but a client cannot set (``jobId``, ``state``, ``version``...)
    are ignored, so a client may send back what it read.
    """

    model_config = ConfigDict(extra="ignore", alias_generator=to_camel)

    payload: StrictStr = Field(description="The message body, 1 byte to 256 KiB in UTF-8.")
    minute: StrictInt | None = Field(None, description="Run time in whole minutes since 1970-01-01 UTC.")
    run_at: StrictStr | None = Field(
        None,
        description="Run time, ISO-8601. With an offset or Z it is that instant; without, a local time in `timezone`.",
        examples=["2027-03-28T09:30:00Z"],
    )
    recurring: RecurrenceKind = RecurrenceKind.NONE
    timezone: StrictStr = Field("UTC", description="IANA time zone of the rule.", examples=["Europe/Berlin"])
    cron: StrictStr | None = Field(None, description="Five-field cron expression, with recurring 'cron'.")
    immediate: StrictBool = Field(False, description="Deliver one occurrence now.")
    target: StrictStr | None = Field(
        None, description="A target of the key's namespace, by name (GET /targets); null: the namespace's default."
    )
    name: StrictStr | None = Field(None, description="What people call it: 1 to 200 characters.")
    description: StrictStr | None = Field(None, description="Up to 2,000 characters.")
    labels: dict[StrictStr, StrictStr] | None = Field(
        None,
        description="Up to 20 `key: value` pairs in Kubernetes label syntax; lists filter by them (`?label=`).",
        examples=[{"team": "payments", "example.com/tier": "gold"}],
    )
    start_at: StrictStr | None = Field(None, description="Recurring only: no run before it (ISO-8601, as runAt).")
    end_at: StrictStr | None = Field(
        None, description="Recurring only: no run after it; the schedule then completes (ISO-8601, as runAt)."
    )
    max_runs: StrictInt | None = Field(
        None, description="Recurring only: it completes once it has delivered this many runs."
    )
    interval: StrictStr | None = Field(
        None,
        description="With recurring 'interval': an ISO-8601 duration, one minute to 366 days, counted from runAt "
        "in absolute time (it does not follow the wall clock across DST).",
        examples=["PT15M"],
    )
    catch_up: CatchUp | None = Field(
        None,
        description="What happens to runs that fell due while the service was late: 'latest' (the default) "
        "delivers the latest, 'all' every one within the catch-up window, oldest first, 'none' records them missed.",
    )


class Presented(BaseModel):
    """A response model, filled from its presenter shape (``present``)."""

    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=True, serialize_by_alias=True, from_attributes=True
    )

    @classmethod
    def present(cls, shape: Any) -> Self:
        return cls.model_validate(shape)


class RunPublic(Presented):
    occurrence_id: str
    scheduled_for: str
    status: RunStatus
    trigger: RunTrigger
    recorded_at: str
    message_id: str | None = None
    lateness_ms: int | None = None
    reason: str | None = None
    attempts: int | None = None
    last_error: str | None = None
    next_attempt_at: str | None = None


class SchedulePublic(Presented):
    payload: str
    job_id: str
    recurring: RecurrenceKind
    minute: int | None
    run_at: str | None
    timezone: str
    cron: str | None
    state: State
    version: int
    created_at: str
    updated_at: str
    last_run: RunPublic | None
    target: str | None = None
    name: str | None = None
    description: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    start_at: str | None = None
    end_at: str | None = None
    max_runs: int | None = None
    remaining_runs: int | None = None
    interval: str | None = None
    catch_up: CatchUp = CatchUp.LATEST
    pause_note: str | None = None

    @field_validator("labels", mode="before")
    @classmethod
    def _labels_object(cls, value: Any) -> Any:
        return dict(value) if isinstance(value, tuple) else value


class PauseRequest(BaseModel):
    """The optional body of ``POST /schedules/{jobId}/pause``."""

    model_config = ConfigDict(extra="forbid")

    note: StrictStr | None = Field(None, description="Why it is paused (up to 500 characters), shown with the state.")


class BackfillRequest(BaseModel):
    """The body of ``POST /schedules/{jobId}/backfill``: a past range, both ends included."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: StrictStr = Field(
        alias="from",
        description="ISO-8601; with an offset or Z that instant, without one a local time in the schedule's zone.",
        examples=["2027-03-01T00:00:00Z"],
    )
    end: StrictStr = Field(alias="to", description="ISO-8601, as `from`; not in the future.")


class BackfillPublic(BaseModel):
    jobId: str
    runs: list[RunPublic]


class DeliveryHourPublic(Presented):
    start: str = Field(description="The hour's start, ISO-8601 UTC.")
    delivered: int
    failed: int
    missed: int
    canceled: int
    late: int = Field(description="Of the delivered, those more than a second after their time.")


class DeliveryStatsPublic(BaseModel):
    hours: list[DeliveryHourPublic]


class RetryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel)

    max_attempts: StrictInt | None = Field(None, description="Attempts in all, 1..10 (default 8, about a day).")
    max_age_seconds: StrictInt | None = Field(
        None, description="No attempt later than this after the first, 1..345600 (default 115200, 32 h)."
    )


class TargetCreate(BaseModel):
    """A webhook, as a key registers it with ``POST /targets``."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel)

    name: StrictStr = Field(description="Its name in the namespace (a-z, 0-9, '-'), which schedules give as target.")
    kind: StrictStr = Field(
        "webhook", description="`webhook`: the only kind a key registers (SQS targets are added by operators)."
    )
    url: StrictStr = Field(description="Where each run is POSTed: https, to a public address.")
    default: StrictBool = Field(False, description="Make it the namespace's default target.")
    timeout_seconds: StrictInt | StrictFloat | None = Field(
        None, description="A delivery succeeds on a 2xx within this, 1..30 seconds (default 10)."
    )
    content_type: StrictStr | None = Field(
        None, description="The deliveries' content-type; default: JSON's for a JSON payload, else UTF-8 text."
    )
    retry: RetryCreate | None = Field(None, description="Its retry policy; default: the Standard Webhooks schedule.")


class RetryPublic(Presented):
    max_attempts: int
    max_age_seconds: int


class TargetPublic(Presented):
    name: str = Field(description="What a schedule gives as its `target`.")
    kind: TargetKind = Field(description="`sqs`: one message on a queue per run; `webhook`: one signed POST.")
    url: str = Field(description="The queue's URL, or the webhook's.")
    default: bool = Field(description="Takes the runs of the namespace's schedules that name no target.")
    built_in: bool = Field(description="The stack's own queue (the `default` namespace's): not removable.")
    created_at: str | None = Field(description="When it was added; null for the built-in one.")
    timeout_seconds: float | None = Field(None, description="A webhook's timeout; null for a queue.")
    content_type: str | None = Field(None, description="A webhook's own content-type, if it has one.")
    retry: RetryPublic | None = Field(None, description="A webhook's retry policy; null for a queue.")


class TargetWithSecret(Presented):
    target: TargetPublic
    secret: str = Field(
        description="The webhook's signing secret (Standard Webhooks, `whsec_...`): shown this once, keep it."
    )


class RunTime(Presented):
    run_at: str = Field(description="The instant, UTC.")
    minute: int
    local: str = Field(description="The same instant as local time with its offset in the schedule's zone.")


class RunTimes(BaseModel):
    timezone: str
    runs: list[RunTime]


class ErrorProblem(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    error: str = Field(description="A stable code: validation_failed, not_found, version_conflict...")
    message: str
    problems: list[ErrorProblem] | None = None


class Health(BaseModel):
    status: Literal["ok"]
