"""REST request and response models (camelCase JSON, the seed's field names)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from service.domain.local_time import zone
from service.domain.runs import Run, iso_seconds
from service.domain.schedule import Schedule, ScheduleInput

RecurringName = Literal["none", "daily", "weekly", "cron"]
StateName = Literal["active", "paused", "completed"]


class ScheduleCreate(BaseModel):
    """A schedule definition, as sent to ``POST /schedules`` and ``PUT /schedules/{jobId}``.

    Fields the API returns but a client cannot set (``jobId``, ``state``, ``version``...)
    are ignored, so a client may send back what it read.
    """

    model_config = ConfigDict(extra="ignore")

    payload: StrictStr = Field(description="The message body, 1 byte to 256 KiB in UTF-8.")
    minute: StrictInt | None = Field(None, description="Run time in whole minutes since 1970-01-01 UTC.")
    runAt: StrictStr | None = Field(
        None,
        description="Run time, ISO-8601. With an offset or Z it is that instant; without, a local time in `timezone`.",
        examples=["2027-03-28T09:30:00Z"],
    )
    recurring: RecurringName = "none"
    timezone: StrictStr = Field("UTC", description="IANA time zone of the rule.", examples=["Europe/Berlin"])
    cron: StrictStr | None = Field(None, description="Five-field cron expression, with recurring 'cron'.")
    immediate: StrictBool = Field(False, description="Deliver one occurrence now.")

    def to_input(self) -> ScheduleInput:
        return ScheduleInput(
            payload=self.payload,
            recurring=self.recurring,
            timezone=self.timezone,
            minute=self.minute,
            run_at=self.runAt,
            cron=self.cron,
            immediate=self.immediate,
        )


class RunPublic(BaseModel):
    occurrenceId: str
    scheduledFor: str
    status: Literal["delivered", "missed"]
    trigger: Literal["schedule", "immediate", "manual"]
    recordedAt: str
    messageId: str | None = None
    latenessMs: int | None = None

    @classmethod
    def from_domain(cls, run: Run) -> RunPublic:
        return cls(
            occurrenceId=run.occurrence_id,
            scheduledFor=iso_seconds(run.scheduled_for),
            status=run.status.value,
            trigger=run.trigger.value,
            recordedAt=iso_seconds(run.recorded_at),
            messageId=run.message_id,
            latenessMs=run.lateness_ms,
        )


class SchedulePublic(BaseModel):
    payload: str
    jobId: str
    recurring: RecurringName
    minute: int | None
    runAt: str | None
    timezone: str
    cron: str | None
    state: StateName
    version: int
    createdAt: str
    updatedAt: str
    lastRun: RunPublic | None

    @classmethod
    def from_domain(cls, schedule: Schedule) -> SchedulePublic:
        return cls(
            payload=schedule.payload,
            jobId=schedule.job_id,
            recurring=schedule.recurring.value,
            minute=schedule.minute,
            runAt=iso_seconds(schedule.run_at) if schedule.run_at else None,
            timezone=schedule.timezone,
            cron=schedule.cron,
            state=schedule.state.value,
            version=schedule.version,
            createdAt=iso_seconds(schedule.created_at),
            updatedAt=iso_seconds(schedule.updated_at),
            lastRun=RunPublic.from_domain(schedule.last_run) if schedule.last_run else None,
        )


class RunTime(BaseModel):
    runAt: str = Field(description="The instant, UTC.")
    minute: int
    local: str = Field(description="The same instant as local time with its offset in the schedule's zone.")

    @classmethod
    def at(cls, instant: datetime, timezone: str) -> RunTime:
        return cls(
            runAt=iso_seconds(instant),
            minute=int(instant.timestamp()) // 60,
            local=instant.astimezone(zone(timezone)).isoformat(),
        )


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
