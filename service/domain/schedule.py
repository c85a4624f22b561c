"""The schedule: its definition, its state, and how both are validated."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from service.domain.about import About, Labels, check_about
from service.domain.errors import FieldProblem, PayloadTooLarge, ValidationFailed, quoted
from service.domain.instants import EARLIEST_RUN_AT as EARLIEST_RUN_AT  # kept here for its users
from service.domain.instants import LATEST_RUN_AT, parse_instant
from service.domain.lifecycle import CatchUp, Lifecycle, check_lifecycle
from service.domain.local_time import wall_time, zone
from service.domain.recurrence import Recurrence, RecurrenceKind, validate_cron
from service.domain.runs import Run, RunStatus, RunTrigger
from service.domain.targets import check_target_name
from service.domain.zone_names import check_zone_name

MAX_PAYLOAD_BYTES = 256 * 1024  # SQS's message size limit
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
    name: str | None = None
    description: str | None = None
    labels: tuple[tuple[str, str], ...] | None = None  # as sent: a repeated key is refused
    start_at: str | None = None
    end_at: str | None = None
    max_runs: int | None = None
    interval: str | None = None  # ISO-8601, with recurring "interval"
    catch_up: str | None = None  # "latest" when not given


@dataclass(frozen=True)
class Definition:
    """A valid definition: what to send, and when."""

    payload: str
    recurrence: Recurrence
    timezone: str
    run_at: datetime | None  # the requested run (UTC, whole seconds), if one was given
    immediate: bool
    target: str | None = None  # a target of the schedule's namespace; None: its default one
    about: About = field(default_factory=About)
    lifecycle: Lifecycle = field(default_factory=Lifecycle)

    def first_run(self, now: datetime) -> datetime | None:
        """The first occurrence this definition asks for, judged at ``now``.

        ``None`` when no occurrence is left: a cron rule that never matches again. A result
        at or before ``now`` is due at once. A rule that started in the past delivers its
        latest occurrence at once, unless its catch-up is ``none``: then its next one runs,
        on time. (Occurrences from before the schedule existed are not caught up; a backfill
        replays them.) ``ValidationFailed`` naming ``endAt`` when it leaves no run at all.
        """
        first = self._first_run(now)
        end_at = self.lifecycle.end_at
        if first is None and end_at is not None:
            reason = "is already past" if end_at <= now else "comes before the first run the rule would have"
            raise ValidationFailed.single("endAt", f"{reason}: the schedule would never run")
        return first

    def _first_run(self, now: datetime) -> datetime | None:
        kind, rule = self.recurrence.kind, self.recurrence
        if self.immediate:
            return now.replace(microsecond=0)  # run times are whole seconds, as runAt shows them
        if kind is RecurrenceKind.CRON:
            start = self.run_at if self.run_at is not None and self.run_at > now else now
            return rule.next_after(start - timedelta(seconds=1))
        assert self.run_at is not None
        if kind is RecurrenceKind.NONE:
            return self.run_at
        start = max(self.run_at, rule.start_at or self.run_at)
        if start > now:
            first = self.run_at if start == self.run_at else rule.next_after(start - timedelta(seconds=1))
            return first if first is not None and (rule.end_at is None or first <= rule.end_at) else None
        if self.lifecycle.catch_up is CatchUp.NONE:
            return rule.next_after(now)
        # A rule that started in the past: its latest occurrence is due.
        latest = rule.latest_at_or_before(now, not_before=start)
        if latest is not None:
            return latest
        return self.run_at if rule.start_at is None and rule.end_at is None else rule.next_after(now)

    def schedule_fields(self) -> dict[str, Any]:
        """The fields of a ``Schedule`` this definition sets (create and update alike)."""
        rule, about, lifecycle = self.recurrence, self.about, self.lifecycle
        return {
            "payload": self.payload,
            "recurring": rule.kind,
            "timezone": self.timezone,
            "cron": rule.cron,
            "anchor": rule.anchor,
            "target": self.target,
            "name": about.name,
            "description": about.description,
            "labels": about.labels,
            "start_at": lifecycle.start_at,
            "end_at": lifecycle.end_at,
            "max_runs": lifecycle.max_runs,
            "interval": lifecycle.interval,
            "catch_up": lifecycle.catch_up,
        }


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
    name: str | None = None
    description: str | None = None
    labels: Labels = ()
    start_at: datetime | None = None  # no run before it
    end_at: datetime | None = None  # no run after it: the schedule completes with its last run before
    max_runs: int | None = None  # it completes once it has delivered this many runs
    # Runs of its own rule delivered so far (manual runs are not counted), across updates.
    runs_delivered: int = 0
    interval: timedelta | None = None  # of an interval rule, counted from ``anchor``
    catch_up: CatchUp = CatchUp.LATEST
    pause_note: str | None = None  # why it was paused, while it is

    @property
    def pending_since(self) -> datetime:
        return self.planned_at or self.updated_at

    @property
    def minute(self) -> int | None:
        return None if self.run_at is None else int(self.run_at.timestamp()) // 60

    @property
    def recurrence(self) -> Recurrence:
        return Recurrence(
            self.recurring, zone(self.timezone), self.anchor, self.cron, self.interval, self.start_at, self.end_at
        )

    @property
    def remaining_runs(self) -> int | None:
        """How many more runs it delivers before it completes; None without ``max_runs``."""
        return None if self.max_runs is None else max(0, self.max_runs - self.runs_delivered)

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
        """The next ``count`` run instants of an active or paused schedule, from ``run_at``:
        within its bounds, and no more than its remaining runs."""
        remaining = self.remaining_runs
        if remaining is not None:
            count = min(count, remaining)
        if self.state is State.COMPLETED or self.run_at is None or count <= 0:
            return []
        return [self.run_at, *self.recurrence.upcoming(self.run_at, count - 1)]

    def after_run(self, scheduled_for: datetime, now: datetime, run: Run) -> Schedule:
        """The schedule once the occurrence at ``scheduled_for`` has been dealt with.

        A one-time schedule completes. A recurring one counts ``run`` if it was delivered,
        and completes once it has delivered ``max_runs``, or when its rule has no occurrence
        left before ``end_at``. Otherwise it moves to its first occurrence after both the
        one just run and ``now``, so a late run never leaves it in the past; with catch-up
        ``all`` it moves to the occurrence right after the one just run, even a past one,
        so that each is delivered in turn.
        """
        counted = run.status is RunStatus.DELIVERED and run.trigger is not RunTrigger.MANUAL
        changes: dict[str, Any] = {
            "last_run": run,
            "updated_at": now,
            "version": self.version + 1,
            "handed_off": None,
            "planned_at": now,
            "runs_delivered": self.runs_delivered + int(counted),
        }
        done = self.max_runs is not None and changes["runs_delivered"] >= self.max_runs
        if self.recurring is RecurrenceKind.NONE:
            changes["state"] = State.COMPLETED
        elif done:
            changes.update(state=State.COMPLETED, run_at=None)
        else:
            after = scheduled_for if self.catch_up is CatchUp.ALL else max(scheduled_for, now)
            next_run = self.recurrence.next_after(after)
            changes["run_at"] = next_run
            if next_run is None:
                changes["state"] = State.COMPLETED
        return replace(self, **changes)

    def after_runs(self, runs: list[Run], now: datetime) -> Schedule:
        """``after_run`` for each of ``runs`` in turn, oldest first (a catch-up's deliveries)."""
        schedule = self
        for run in sorted(runs, key=lambda r: r.scheduled_for):
            if schedule.state is State.COMPLETED:
                break
            schedule = schedule.after_run(run.scheduled_for, now, run)
        return schedule


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
    about, about_problems = check_about(raw.name, raw.description, raw.labels)
    lifecycle, lifecycle_problems = check_lifecycle(
        kind,
        tz,
        start_at=raw.start_at,
        end_at=raw.end_at,
        max_runs=raw.max_runs,
        interval=raw.interval,
        catch_up=raw.catch_up,
        immediate=raw.immediate,
    )
    problems += about_problems + lifecycle_problems
    run_at = check(_requested_run, raw, tz) if tz is not None else None
    if not problems and run_at is None and kind in (RecurrenceKind.DAILY, RecurrenceKind.WEEKLY):
        # Even with immediate: the rule repeats at runAt's local time of day (and weekday).
        problems.append(FieldProblem("runAt", f"one of runAt or minute is required: a {kind} schedule repeats at it"))
    elif not problems and run_at is None and kind is RecurrenceKind.INTERVAL:
        problems.append(FieldProblem("runAt", "one of runAt or minute is required: an interval counts from it"))
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
    elif kind is RecurrenceKind.INTERVAL:
        anchor = run_at  # the phase: intervals count from this instant
    return Definition(
        payload=raw.payload,
        recurrence=Recurrence(kind, tz, anchor, cron, lifecycle.interval, lifecycle.start_at, lifecycle.end_at),
        timezone=raw.timezone,
        run_at=run_at,
        immediate=raw.immediate,
        target=target,
        about=about,
        lifecycle=lifecycle,
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
    return parse_instant(text, tz, "runAt")
