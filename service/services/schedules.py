"""Use cases on schedules, shared by REST and GraphQL."""

from __future__ import annotations

import builtins
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from service.domain import runs as run_records
from service.domain.about import Labels, check_label_filters, check_name_prefix, check_pause_note
from service.domain.errors import (
    DeliveryFailed,
    InvalidState,
    ScheduleNotFound,
    ValidationFailed,
    VersionConflict,
    quoted,
)
from service.domain.idempotency import (
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    IdempotentCreate,
    KeyAlreadyRecorded,
    check_idempotency_key,
    request_digest,
)
from service.domain.ids import is_job_id
from service.domain.recurrence import RecurrenceKind
from service.domain.runs import Run, RunStatus, RunTrigger
from service.domain.schedule import Definition, Schedule, ScheduleInput, State, define
from service.services.handoff import HandOff, HandOffItem
from service.services.ports import Page, ScheduleRepository
from service.services.target_ports import Delivery
from service.services.targets import TargetDirectory

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
MAX_PREVIEW = 100
# A page of schedules holds at most this many answer bytes (see ``ports.answer_bytes``):
# with headers and the Lambda envelope it stays well under Lambda's 6 MB. A page always
# holds one schedule, and the largest one (a 256 KiB payload) is about 1 MB.
MAX_PAGE_BYTES = 4_000_000
# An idempotency key's record without the first request's answer (that request died
# between its writes) is waited for this long before the schedule as stored is answered.
ANSWER_GRACE = timedelta(seconds=60)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Created:
    """A create's answer: the schedule, and whether it is the answer of an earlier request
    with the same idempotency key (nothing was created this time)."""

    schedule: Schedule
    replayed: bool = False


@dataclass
class ScheduleService:
    repository: ScheduleRepository
    handoff: HandOff
    # Ids of new schedules and of manual runs (UUID v7: unique, and sorted by creation time).
    new_id: Callable[[], str]
    clock: Callable[[], datetime] = utc_now
    # Runs due sooner than this are handed to the delivery stage by the API itself (the
    # dispatcher's window: it may have looked already).
    lookahead: timedelta = timedelta(0)
    # A schedule names one of its namespace's targets, or none and has a default one to use.
    targets: TargetDirectory = field(kw_only=True)

    # -- reads ---------------------------------------------------------------------

    def get(self, namespace: str, job_id: str) -> Schedule:
        if not is_job_id(job_id):
            raise ScheduleNotFound(job_id)
        schedule = self.repository.get(namespace, job_id)
        if schedule is None:
            raise ScheduleNotFound(job_id)
        return schedule

    def list(
        self,
        namespace: str,
        limit: int = 50,
        cursor: str | None = None,
        state: State | None = None,
        max_bytes: int = MAX_PAGE_BYTES,
        labels: Labels = (),
        name_prefix: str | None = None,
        fields: tuple[str, str] = ("label", "name"),
    ) -> Page[Schedule]:
        """A page of up to ``limit`` schedules and at most ``max_bytes`` of answer; its
        cursor continues after the last one, so paging on sees every schedule once.

        ``labels`` (all must match) and ``name_prefix`` (of the name, whatever its case)
        filter it; ``fields`` names the two filters in errors, as each API calls them."""
        _check_range("limit", limit, 1, MAX_PAGE_SIZE)
        labels = check_label_filters(labels, fields[0])
        if name_prefix is not None:
            name_prefix = check_name_prefix(name_prefix, fields[1])
        return self.repository.list(
            namespace, limit, cursor, state, max_bytes=max_bytes, labels=labels, name_prefix=name_prefix
        )

    def runs(
        self, namespace: str, job_id: str, limit: int = 50, cursor: str | None = None, status: RunStatus | None = None
    ) -> Page[Run]:
        _check_range("limit", limit, 1, MAX_PAGE_SIZE)
        return self.runs_of(self.get(namespace, job_id), limit, cursor, status)

    def runs_of(
        self, schedule: Schedule, limit: int = 50, cursor: str | None = None, status: RunStatus | None = None
    ) -> Page[Run]:
        """The run history of a schedule already read (GraphQL reads it once per node); with
        ``status``, its runs of that status only (``failed``: the ones to redeliver)."""
        _check_range("limit", limit, 1, MAX_PAGE_SIZE)
        # The dispatcher hands runs off up to its lookahead ahead: later ones are not queued.
        queued_by = self._now() + self.lookahead + timedelta(seconds=5)
        return self.repository.list_runs(schedule, limit, cursor, queued_by, status=status)

    def next_runs(self, namespace: str, job_id: str, count: int) -> tuple[Schedule, builtins.list[datetime]]:
        """The schedule and its next ``count`` run instants."""
        _check_range("count", count, 1, MAX_PREVIEW)
        schedule = self.get(namespace, job_id)
        return schedule, self.upcoming(schedule, count)

    def upcoming(self, schedule: Schedule, count: int) -> builtins.list[datetime]:
        """The next ``count`` run instants of a schedule already read."""
        _check_range("count", count, 1, MAX_PREVIEW)
        return schedule.upcoming(count)

    def preview(self, raw: ScheduleInput, count: int) -> builtins.list[datetime]:
        """The run instants that creating ``raw`` now would give, without storing it."""
        _check_range("count", count, 1, MAX_PREVIEW)
        definition = define(raw)
        first = definition.first_run(self._now())
        if first is None:
            return []
        if definition.lifecycle.max_runs is not None:
            count = min(count, definition.lifecycle.max_runs)
        return [first, *definition.recurrence.upcoming(first, count - 1)]

    # -- writes --------------------------------------------------------------------

    def create(self, namespace: str, raw: ScheduleInput) -> Schedule:
        return self._create(namespace, raw, None)

    def create_once(self, namespace: str, raw: ScheduleInput, key: str, field: str = "Idempotency-Key") -> Created:
        """Create unless this namespace's ``key`` created a schedule in the last 24 h: then
        that first answer, if the body is the same (``IdempotencyKeyReused`` otherwise).

        The key's record, with the answer, is written in the create's own transaction, so
        of two requests with one key only one creates; the other gets the first's answer
        (``IdempotencyKeyInUse`` if its record could not be read back, a passing race).
        """
        check_idempotency_key(key, field)
        digest = request_digest(raw)
        definition = define(raw)  # a refused body records nothing: it may be sent again, fixed
        pending = IdempotentCreate(namespace, key, digest, job_id="", recorded_at=self._now())
        # Read first: a repeat must not hand a run off again (the create's transaction still
        # decides between two requests that both find no record).
        recorded = self.repository.idempotency_record(namespace, key, pending.recorded_at)
        if recorded is not None:
            return self._replay(recorded, digest, definition)
        try:
            return Created(self._create(namespace, raw, pending))
        except KeyAlreadyRecorded as found:
            if found.record is None:
                raise IdempotencyKeyInUse(key) from None
            return self._replay(found.record, digest, definition)

    def _replay(self, record: IdempotentCreate, digest: str, definition: Definition) -> Created:
        if record.digest != digest:
            raise IdempotencyKeyReused(record.key)
        if record.answer is None:
            if self._now() < record.recorded_at + ANSWER_GRACE:
                raise IdempotencyKeyInUse(record.key)
            # The first request never answered (it crashed): its schedule is as it stands.
            return Created(self.get(record.namespace, record.job_id), replayed=True)
        # The record keeps the answer without what the body says anyway (a large payload).
        about = definition.about
        answer = replace(
            record.answer,
            payload=definition.payload,
            name=about.name,
            description=about.description,
            labels=about.labels,
        )
        return Created(answer, replayed=True)

    def _create(self, namespace: str, raw: ScheduleInput, pending: IdempotentCreate | None) -> Schedule:
        definition = define(raw)
        self.targets.resolve(namespace, definition.target)
        now = self._now()
        first = definition.first_run(now)
        schedule = Schedule(
            namespace=namespace,
            job_id=self.new_id(),
            **definition.schedule_fields(),
            run_at=first,
            state=State.ACTIVE if first is not None else State.COMPLETED,
            version=1,
            created_at=now,
            updated_at=now,
            revision=1,
            planned_at=now,
        )
        record = replace(pending, job_id=schedule.job_id, recorded_at=now) if pending else None
        if schedule.is_due_pending and self._due_soon(first, now):
            return self._hand_off_due_run(schedule, None, _trigger(definition), now, idempotency=record)
        self.repository.add(schedule, idempotency=replace(record, answer=schedule) if record else None)
        return schedule

    def replace(self, namespace: str, job_id: str, raw: ScheduleInput, expected_version: int | None = None) -> Schedule:
        """Replace the definition of an existing schedule (never creates one)."""
        definition = define(raw)
        current = self._current(namespace, job_id, expected_version)
        self.targets.resolve(namespace, definition.target)
        now = self._now()
        first = definition.first_run(now)
        state = State.PAUSED if current.state is State.PAUSED else State.ACTIVE
        updated = replace(
            current,
            **definition.schedule_fields(),
            run_at=first,
            state=state,
            version=current.version + 1,
            updated_at=now,
            revision=current.version + 1,
            handed_off=None,  # a new revision's run is handed off anew
            planned_at=now,
        )
        if first is None or updated.remaining_runs == 0:  # the runs it had delivered count
            updated = replace(updated, state=State.COMPLETED, run_at=first if updated.remaining_runs != 0 else None)
        payload_changed = updated.payload != current.payload
        if updated.is_due_pending and self._due_soon(first, now):
            return self._hand_off_due_run(
                updated, current.version, _trigger(definition), now, payload_changed, previous=current
            )
        self.repository.replace(updated, current.version, payload_changed=payload_changed, previous=current)
        return updated

    def delete(self, namespace: str, job_id: str, expected_version: int | None = None) -> Schedule:
        if not is_job_id(job_id):
            raise ScheduleNotFound(job_id)
        return self.repository.delete(namespace, job_id, expected_version)

    def pause(
        self, namespace: str, job_id: str, expected_version: int | None = None, note: str | None = None
    ) -> Schedule:
        """Pause, with an optional note (why), shown with the state until it is resumed.
        Pausing a paused schedule changes only its note, if a new one is given."""
        if note is not None:
            check_pause_note(note)
        current = self._current(namespace, job_id, expected_version)
        if current.state is State.PAUSED and (note is None or note == current.pause_note):
            return current
        if current.state is State.COMPLETED:
            raise InvalidState(f"schedule {quoted(job_id)} has completed; there is nothing to pause")
        return self._store(current, state=State.PAUSED, pause_note=note)

    def resume(self, namespace: str, job_id: str, expected_version: int | None = None) -> Schedule:
        """Make a paused schedule active again; runs that fell due while paused are not made up."""
        current = self._current(namespace, job_id, expected_version)
        if current.state is State.ACTIVE:
            return current
        if current.state is State.COMPLETED:
            raise InvalidState(f"schedule {quoted(job_id)} has completed; update it with a new run time instead")
        now = self._now()
        run_at = current.run_at
        if current.recurring is not RecurrenceKind.NONE and (run_at is None or run_at <= now):
            run_at = current.recurrence.next_after(now)
        resumed = replace(
            current,
            state=State.ACTIVE if run_at is not None else State.COMPLETED,
            pause_note=None,
            run_at=run_at,
            version=current.version + 1,
            revision=current.version + 1,
            updated_at=now,
            handed_off=None,
            planned_at=now,
        )
        if resumed.is_due_pending and self._due_soon(run_at, now):
            # A one-time schedule whose time passed while it was paused runs now.
            return self._hand_off_due_run(resumed, current.version, RunTrigger.IMMEDIATE, now)
        self.repository.replace(resumed, current.version)
        return resumed

    def run_now(self, namespace: str, job_id: str) -> Schedule:
        """Deliver one occurrence now, as a manual run; the schedule and its own runs are
        unchanged. The run is queued (in the schedule's runs): the delivery stage delivers
        and records it."""
        current = self.get(namespace, job_id)
        now = self._now()
        scheduled_for = now.replace(microsecond=0)
        run_id = self.new_id()  # runs now in the same second must not share an occurrenceId
        item = HandOffItem(
            delivery=Delivery(namespace, job_id, scheduled_for, current.payload, run_id=run_id),
            trigger=RunTrigger.MANUAL,
            revision=current.revision,
            due_run_at=None,
            handed_off_at=now,
        )
        (outcome,) = self.handoff.hand_off([item])
        if not outcome.handed_off:
            raise DeliveryFailed(f"the delivery stage did not take the run: {outcome.error}")
        run = run_records.queued(namespace, job_id, scheduled_for, RunTrigger.MANUAL, now, run_id=run_id)
        # The schedule's last run, and in its history; its runs and revision are untouched.
        updated = replace(current, last_run=run, version=current.version + 1, updated_at=now)
        try:
            self.repository.record_run(updated, current.version, run)
        except (VersionConflict, ScheduleNotFound):
            # Changed or deleted meanwhile: the run is on its way, so keep its record.
            self.repository.add_queued_run(run)
            return self.get(namespace, job_id)
        return updated

    # -- helpers -------------------------------------------------------------------

    def _now(self) -> datetime:
        return self.clock()

    def _current(self, namespace: str, job_id: str, expected_version: int | None) -> Schedule:
        current = self.get(namespace, job_id)
        if expected_version is not None and expected_version != current.version:
            raise VersionConflict(job_id, expected_version, current.version)
        return current

    def _store(self, current: Schedule, state: State, pause_note: str | None = None) -> Schedule:
        updated = replace(
            current,
            state=state,
            pause_note=pause_note,
            version=current.version + 1,
            revision=current.version + 1,
            updated_at=self._now(),
            handed_off=None,
            planned_at=self._now(),
        )
        self.repository.replace(updated, current.version)
        return updated

    def _hand_off_due_run(
        self,
        schedule: Schedule,
        stored_version: int | None,
        trigger: RunTrigger,
        now: datetime,
        payload_changed: bool = False,
        *,
        previous: Schedule | None = None,
        idempotency: IdempotentCreate | None = None,
    ) -> Schedule:
        """Hand the run at ``schedule.run_at`` to the delivery stage from the API itself: it
        is due already, or due before the dispatcher's next look would take it.

        The run is handed off first, then the schedule is stored marked as handed off, so
        that the dispatcher leaves that run alone. If the write is refused, the run in the
        stage carries a revision that never landed, and the stage drops it. If the hand-off
        is refused, the schedule is stored unmarked, and the dispatcher hands the run off.
        """
        assert schedule.run_at is not None
        item = HandOffItem(
            delivery=Delivery(schedule.namespace, schedule.job_id, schedule.run_at, schedule.payload),
            trigger=trigger,
            revision=schedule.revision,
            due_run_at=schedule.run_at,
            handed_off_at=now,
        )
        (outcome,) = self.handoff.hand_off([item])
        if outcome.handed_off:
            schedule = replace(schedule, handed_off=schedule.run_at)
        else:
            logger.warning("hand-off failed (%s); the dispatcher will hand off %s", outcome.error, schedule.job_id)
        if stored_version is None:
            self.repository.add(schedule, idempotency=replace(idempotency, answer=schedule) if idempotency else None)
        else:
            self.repository.replace(schedule, stored_version, payload_changed=payload_changed, previous=previous)
        return schedule

    def _due_soon(self, run_at: datetime | None, now: datetime) -> bool:
        """Whether the API sends this run itself rather than leave it to the dispatcher."""
        return run_at is not None and run_at <= now + self.lookahead


def _trigger(definition: Definition) -> RunTrigger:
    return RunTrigger.IMMEDIATE if definition.immediate else RunTrigger.SCHEDULE


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValidationFailed.single(name, f"must be between {low} and {high}, got {value}")
