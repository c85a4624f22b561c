"""The schedule: its definition, its state, and how both are validated."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from service.domain.errors import FieldProblem, PayloadTooLarge, ValidationFailed, quoted
from service.domain.local_time import resolve, wall_time, zone
from service.domain.recurrence import Recurrence, RecurrenceKind, validate_cron
from service.domain.runs import Run, RunStatus, RunTrigger
from service.domain.targets import check_target_name
from service.domain.zone_names import check_zone_name

MAX_PAYLOAD_BYTES = 256 * 1024  # SQS's message size limit
# Run times are kept in whole seconds between 1970 and the year 9000, so that every
# instant, and every daily or weekly occurrence after it, has a four-digit year.
EARLIEST_RUN_AT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_RUN_AT = datetime(9000, 1, 1, tzinfo=UTC)
MAX_MINUTE = int(LATEST_RUN_AT.timestamp()) // 60 - 1  # the last whole minute before LATEST_RUN_AT


class State(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"


@dataclass(frozen=True)
class ScheduleInput:
    """A definition as a client sent it, before validation (REST body or GraphQL input)."""

    payload: str
    recurring: str = "none"
    timezone: str = "UTC"
    minute: int | None = None
    run_at: str | None = None
    cron: str | None = None
    immediate: bool = False
    target: str | None = None


@dataclass(frozen=True)
class Definition:
    """A valid definition: what to send, and when."""

    payload: str
    recurrence: Recurrence
    timezone: str
    run_at: datetime | None  # the requested run (UTC, whole seconds), if one was given
    immediate: bool
    target: str | None = None  # a target of the schedule's namespace; None: its default one

    def first_run(self, now: datetime) -> datetime | None:
        """The first occurrence this definition asks for, judged at ``now``.

        ``None`` only for a cron rule that never matches again. A result at or before
        ``now`` is due at once.
        """
        kind = self.recurrence.kind
        if self.immediate:
            return now.replace(microsecond=0)  # run times are whole seconds, as runAt shows them
        if kind is RecurrenceKind.CRON:
            start = self.run_at if self.run_at is not None and self.run_at > now else now
            return self.recurrence.next_after(start - timedelta(seconds=1))
        assert self.run_at is not None
        if kind is RecurrenceKind.NONE or self.run_at > now:
            return self.run_at
        # A daily or weekly rule that started in the past: its latest occurrence is due.
        return self.recurrence.latest_at_or_before(now, not_before=self.run_at) or self.run_at


@dataclass(frozen=True)
class Schedule:
    namespace: str
    job_id: str
    payload: str
    recurring: RecurrenceKind
    timezone: str
    cron: str | None
    anchor: datetime | None  # local wall time of a daily/weekly rule
    run_at: datetime | None  # next run; the run that happened, once completed
    state: State
    version: int
    created_at: datetime
    updated_at: datetime
    last_run: Run | None = None
    target: str | None = None  # a target of its namespace by name; None: the namespace's default
    # The version of the last change a client made to the definition or the state (create,
    # update, pause, resume), which a run handed to the delivery stage was planned from: a
    # run whose schedule has a newer revision when it falls due is canceled. The service's
    # own writes (a run recorded, the schedule moved on) change the version, not this.
    revision: int = 0
    # The pending run (``run_at``) when the API handed it to the delivery stage itself, in
    # the write that stored this revision: the dispatcher leaves it alone.
    handed_off: datetime | None = None
    # When the pending run (``run_at`` under ``revision``) was set: by a client's change, or
    # when the schedule moved on to it. A write of the last run alone leaves it as it is.
    planned_at: datetime | None = None

    @property
    def pending_since(self) -> datetime:
        return self.planned_at or self.updated_at

    @property
    def minute(self) -> int | None:
        return None if self.run_at is None else int(self.run_at.timestamp()) // 60

    @property
    def recurrence(self) -> Recurrence:
        return Recurrence(self.recurring, zone(self.timezone), self.anchor, self.cron)

    @property
    def is_due_pending(self) -> bool:
        """Whether the dispatcher has a run to deliver (the schedule is in the due index)."""
        return self.state is State.ACTIVE and self.run_at is not None

    @property
    def due_at(self) -> datetime | None:
        """When the dispatcher should take the pending run (its key in the due index); None
        when nothing is pending."""
        return self.run_at if self.is_due_pending else None

    @property
    def pending_handed_off(self) -> bool:
        """Whether the API handed the pending run to the delivery stage itself."""
        return self.is_due_pending and self.handed_off is not None and self.handed_off == self.run_at

    def upcoming(self, count: int) -> list[datetime]:
        """The next ``count`` run instants of an active or paused schedule, from ``run_at``."""
        if self.state is State.COMPLETED or self.run_at is None or count <= 0:
            return []
        return [self.run_at, *self.recurrence.upcoming(self.run_at, count - 1)]

    def after_run(self, scheduled_for: datetime, now: datetime, run: Run) -> Schedule:
        """The schedule once the occurrence at ``scheduled_for`` has been dealt with.

        A one-time schedule completes. A recurring one moves to its first occurrence after
        both the one just run and ``now``, so a late run never leaves it in the past.
        """
        changes: dict[str, Any] = {
            "last_run": run,
            "updated_at": now,
            "version": self.version + 1,
            "handed_off": None,
            "planned_at": now,
        }
        if self.recurring is RecurrenceKind.NONE:
            changes["state"] = State.COMPLETED
        else:
            next_run = self.recurrence.next_after(max(scheduled_for, now))
            changes["run_at"] = next_run
            if next_run is None:
                changes["state"] = State.COMPLETED
        return replace(self, **changes)


def needs_history_item(schedule: Schedule, run: Run) -> bool:
    """Whether ``run`` needs a record of its own in the run history, ``schedule`` being its
    schedule once the run is recorded.

    Every run does but the one a one-time schedule completes with: the schedule keeps it
    as its ``last_run``, which records it as well as a history item would, and a write is
    saved per one-time run. (A manual run does not complete anything, and a schedule can
    have many.) Whoever stores the schedule keeps that record when it replaces it.
    """
    return not (
        run == schedule.last_run
        and schedule.recurring is RecurrenceKind.NONE
        and schedule.state is State.COMPLETED
        and run.status is RunStatus.DELIVERED
        and run.trigger is not RunTrigger.MANUAL
    )


def define(raw: ScheduleInput) -> Definition:
    """Validate a definition, reporting every broken rule at once."""
    problems: list[FieldProblem] = []

    def check(fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            return None

    _check_payload(raw.payload)  # too large is its own error (413), raised first
    payload_problem = _payload_problem(raw.payload)
    if payload_problem:
        problems.append(payload_problem)
    kind = check(_kind, raw.recurring)
    tz = check(lambda name: zone(check_zone_name(name)), raw.timezone)
    cron = None
    if kind is RecurrenceKind.CRON:
        if raw.cron is None:
            problems.append(FieldProblem("cron", "is required when recurring is 'cron'"))
        else:
            cron = check(validate_cron, raw.cron)
    elif raw.cron is not None:
        problems.append(FieldProblem("cron", "is only allowed when recurring is 'cron'"))
    target = check(check_target_name, raw.target) if raw.target is not None else None
    run_at = check(_requested_run, raw, tz) if tz is not None else None
    if not problems and run_at is None and kind in (RecurrenceKind.DAILY, RecurrenceKind.WEEKLY):
        # Even with immediate: the rule repeats at runAt's local time of day (and weekday).
        problems.append(FieldProblem("runAt", f"one of runAt or minute is required: a {kind} schedule repeats at it"))
    elif not problems and run_at is None and not raw.immediate and kind is not RecurrenceKind.CRON:
        problems.append(
            FieldProblem("runAt", "one of runAt or minute is required, unless immediate is true or recurring is 'cron'")
        )
    if problems:
        raise ValidationFailed(problems)
    assert kind is not None and tz is not None
    anchor = None
    if kind in (RecurrenceKind.DAILY, RecurrenceKind.WEEKLY):
        anchor = wall_time(run_at, tz) if run_at is not None else None
    return Definition(
        payload=raw.payload,
        recurrence=Recurrence(kind, tz, anchor, cron),
        timezone=raw.timezone,
        run_at=run_at,
        immediate=raw.immediate,
        target=target,
    )


def _kind(value: str) -> RecurrenceKind:
    try:
        return RecurrenceKind(value)
    except ValueError:
        allowed = ", ".join(repr(k.value) for k in RecurrenceKind)
        raise ValidationFailed.single("recurring", f"{quoted(value)} is not one of {allowed}") from None


def _check_payload(payload: str) -> None:
    size = len(payload.encode("utf-8", errors="surrogatepass"))
    if size > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(
            [FieldProblem("payload", f"is {size} bytes in UTF-8; the limit is {MAX_PAYLOAD_BYTES} bytes (256 KiB)")]
        )


def _payload_problem(payload: str) -> FieldProblem | None:
    if payload == "":
        return FieldProblem("payload", "must not be empty")
    for index, char in enumerate(payload):
        if not _sqs_allows(ord(char)):
            return FieldProblem(
                "payload",
                f"contains U+{ord(char):04X} at position {index}; SQS accepts tab, newline, "
                "carriage return and characters from U+0020 up, except surrogates, U+FFFE and U+FFFF",
            )
    return None


def _sqs_allows(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _requested_run(raw: ScheduleInput, tz: Any) -> datetime | None:
    from_minute = None
    if raw.minute is not None:
        if not 0 <= raw.minute <= MAX_MINUTE:
            raise ValidationFailed.single(
                "minute", f"must be between 0 and {MAX_MINUTE} (minutes since 1970-01-01 UTC)"
            )
        from_minute = datetime.fromtimestamp(raw.minute * 60, UTC)
    from_run_at = _parse_run_at(raw.run_at, tz) if raw.run_at is not None else None
    if from_minute is not None and from_run_at is not None:
        if int(from_run_at.timestamp()) // 60 != raw.minute:
            raise ValidationFailed.single(
                "minute", f"{quoted(raw.minute)} and runAt {quoted(raw.run_at)} name different times; give one of them"
            )
        return from_run_at
    return from_run_at or from_minute


def _parse_run_at(text: str, tz: Any) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.single(
            "runAt", f"{quoted(text)} is not an ISO-8601 date and time (for example '2027-03-28T09:30:00Z')"
        ) from None
    out_of_range = ValidationFailed.single("runAt", f"{quoted(text)} is not between 1970-01-01 and 9000-01-01 (UTC)")
    try:
        # A time without an offset is a local time in the schedule's own zone.
        instant = resolve(parsed, tz) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError:  # in UTC it falls before year 1 or after year 9999
        raise out_of_range from None
    instant = instant.replace(microsecond=0)
    if not EARLIEST_RUN_AT <= instant < LATEST_RUN_AT:
        raise out_of_range
    return instant
