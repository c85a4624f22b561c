"""The delivery stage: each run handed to it is taken at its instant, judged against its
schedule as stored at that instant, delivered to its target, and recorded.

One batch (up to 10 runs, as the stage's queue hands them over), in order of their instants:

1. **hold** each run until its second (a run's message becomes visible up to a second
   early, queue delays being whole seconds; never deliver before ``runAt``, by this clock).
   A run further ahead than ``max_hold`` is offered again at its time instead;
2. **read** the runs' schedules, in one consistent batched read (``DeliveryStore``);
3. **judge** each run (``service.domain.delivery``): deliver, cancel (deleted, paused,
   changed since the hand-off), wait for the write that handed it off, or drop a repeat;
4. **deliver** the rest to their targets, grouped by target (``TargetSender`` per kind);
5. **record**: the runs skipped by a catch-up as missed, the delivered run, then move each
   schedule on (one conditional write); a canceled run gets a history item. A schedule
   whose next run falls inside the dispatcher's lookahead has that run handed off here and
   now, marked in the same write (a per-minute rule never waits for a tick to come round).

A run is never recorded ``delivered`` before its target accepted it, and its lateness is
measured at that acceptance. A crash after a delivery and before its record leaves the
message on the queue: it comes again with the same occurrence id, and is delivered again
(at least once). A run whose record failed is offered again the same way. A refusal of a
target is decided by its kind (``delivery_retries``): an SQS target's passing refusal is
offered again with backoff, up to ``max_attempts`` receives; a webhook's is handed off
again for the attempt its retry policy plans, the run recorded ``queued`` with its
attempts, its last error and its next attempt, and its schedule moved on. A run given up
is recorded ``failed``, never left silently (a webhook's, with a copy in the dead-letter
queue). A resent run (a retry, a redelivery) further ahead than ``max_hold`` is handed
off again until its time, a new message each time (a queue's delay is 15 minutes at
most), rather than received again and again.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from service.domain import runs as run_records
from service.domain.delivery import HandedOffRun, Verdict, judge
from service.domain.delivery_stats import tally
from service.domain.dispatch_plan import missed_before
from service.domain.errors import ValidationFailed
from service.domain.runs import OUT_OF_COURSE, CancelReason, Run, RunTrigger
from service.domain.schedule import Schedule, needs_history_item
from service.domain.targets import Target, TargetKind
from service.services.delivery_ports import DeadLetters, DeliveryStore, Received, ScheduleRef
from service.services.delivery_report import DeliveryReport
from service.services.delivery_retries import Next, RetryDecision, RetryPlanner, backoff
from service.services.handoff import HandOff, HandOffItem
from service.services.retry import Retry
from service.services.target_ports import Delivery, DeliveryOutcome, TargetSender
from service.services.targets import TargetDirectory

logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DeliverySettings:
    catch_up: timedelta
    # A next run due within this is handed off by the stage itself (the dispatcher's window).
    lookahead: timedelta = timedelta(0)
    # A run this far ahead of its time is offered again at its time rather than held.
    max_hold: timedelta = timedelta(seconds=5)
    # Receives of a run its target keeps refusing for a passing reason, before it is failed.
    max_attempts: int = 8
    first_retry: timedelta = timedelta(seconds=1)
    call_attempts: int = 3  # per store call that is safe to retry


@dataclass
class BatchResult:
    """What to do with each received run: done (deleted from the queue) unless in ``later``."""

    later: dict[str, timedelta] = field(default_factory=dict)  # message id -> delay
    report: DeliveryReport = field(default_factory=DeliveryReport)
    ended: list[Run] = field(default_factory=list)  # the runs recorded as ended (for the hourly counts)


@dataclass
class _Work:
    received: Received
    schedule: Schedule | None = None
    target: Target | None = None

    @property
    def item(self) -> HandOffItem:
        return self.received.item

    @property
    def delivery(self) -> Delivery:
        return self.received.item.delivery


class DeliveryStage:
    def __init__(
        self,
        store: DeliveryStore,
        targets: TargetDirectory,
        senders: Mapping[TargetKind, TargetSender],
        settings: DeliverySettings,
        *,
        handoff: HandOff | None = None,
        dead_letters: DeadLetters | None = None,
        planner: RetryPlanner | None = None,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self._handoff = handoff
        self._dead_letters = dead_letters
        self._planner = planner or RetryPlanner(settings.max_attempts, settings.first_retry)
        # Reads, history puts of the same keys and version-fenced advances are safe to try
        # again in place; a run is offered again only once those tries are spent.
        self._retry = Retry(attempts=settings.call_attempts, sleep=sleep)
        self._targets = targets
        self._senders = senders
        self._settings = settings
        self._clock = clock
        self._sleep = sleep

    def deliver(self, batch: Sequence[Received], deadline: datetime) -> BatchResult:
        result = BatchResult()
        result.report.add(received=len(batch))
        by_second: dict[datetime, list[Received]] = defaultdict(list)
        for received in batch:
            by_second[received.item.visible_at.replace(microsecond=0)].append(received)
        for second in sorted(by_second):
            group = by_second[second]
            wait = (group[0].item.visible_at - self._clock()).total_seconds()
            if wait > self._settings.max_hold.total_seconds() or self._clock() + timedelta(seconds=wait) > deadline:
                # Offered again at its time (the deadline: by another invocation).
                self._come_again(group, timedelta(seconds=max(1, round(wait))), result)
                continue
            self._hold(group, result.report)
            self._deliver_group(group, result)
        self._count(result.ended)
        return result

    def _count(self, runs: list[Run]) -> None:
        """The hourly counts of the runs this batch ended: one write per namespace and hour.
        They are a picture, not the record: a failure to count costs only the count."""
        if not runs:
            return
        try:
            self._store.count(tally(runs))
        except Exception:
            logger.warning("could not count %d ended run(s) in the hourly figures", len(runs), exc_info=True)

    # -- steps -------------------------------------------------------------------------

    def _come_again(self, group: list[Received], wait: timedelta, result: BatchResult) -> None:
        """A resent run far ahead goes back as a new hand-off (a receive of its message
        would count towards the queue's dead letters); any other run, or one the hand-off
        refuses, is offered again."""
        resent = [r for r in group if r.item.resent and wait > self._settings.max_hold] if self._handoff else []
        taken: set[str] = set()
        if resent and self._handoff is not None:
            try:
                now = self._clock()
                outcomes = self._handoff.hand_off([replace(r.item, handed_off_at=now) for r in resent])
            except Exception:
                logger.warning("could not hand off %d resent run(s) again; offered again", len(resent), exc_info=True)
            else:
                taken = {r.message_id for r, o in zip(resent, outcomes, strict=True) if o.handed_off}
        for received in group:
            if received.message_id not in taken:
                result.later[received.message_id] = wait
        result.report.add(retried=len(group))

    def _hold(self, group: list[Received], report: DeliveryReport) -> None:
        """Until every run of the group is due, by this clock: never early."""
        due = max(r.item.visible_at for r in group)
        held = 0.0
        while (left := (due - self._clock()).total_seconds()) > 0:
            self._sleep(left)
            held += left
        report.add(held_ms=int(held * 1000))

    def _deliver_group(self, group: list[Received], result: BatchResult) -> None:
        report = result.report
        refs: list[ScheduleRef] = sorted({(r.item.delivery.namespace, r.item.delivery.job_id) for r in group})
        try:
            schedules = self._retry.call(lambda: self._store.schedules(refs), _failed_call("read"))
        except Exception:
            logger.exception("could not read the schedules of %d runs; they are offered again", len(group))
            for received in group:
                self._later(result, received, self._backoff(received))
            return
        dead: list[_Work] = []
        now = self._clock()
        to_deliver: list[_Work] = []
        to_record: list[Run] = []
        settled: list[tuple[_Work, Run]] = []
        for received in _distinct(group, result):
            work = _Work(received, schedules.get((received.item.delivery.namespace, received.item.delivery.job_id)))
            verdict = judge(_handed_off_run(received.item), work.schedule, now, self._settings.catch_up)
            if verdict.verdict is Verdict.DELIVER:
                to_deliver.append(work)
            elif verdict.verdict is Verdict.WAIT:
                self._later(result, received, self._backoff(received))
            elif verdict.verdict is Verdict.CANCEL:
                report.add(canceled=1)
                if verdict.reason is not CancelReason.DELETED and verdict.reason is not None:
                    to_record.append(self._canceled(received.item, now, verdict.reason))
            elif verdict.verdict is Verdict.MISSED:
                report.add(missed=1)
                settled.append((work, run_records.missed(*_ids(work), received.item.delivery.scheduled_for, now)))
            else:
                report.add(dropped=1)
        if to_record and self._add_runs(to_record, group, result):
            result.ended.extend(to_record)
        self._send(to_deliver, settled, dead, result)
        self._record(settled, result)
        self._keep_dead_letters([w for w in dead if w.received.message_id not in result.later])

    def _send(
        self, works: list[_Work], settled: list[tuple[_Work, Run]], dead: list[_Work], result: BatchResult
    ) -> None:
        by_target: dict[tuple[str, str], list[_Work]] = defaultdict(list)
        targets: dict[tuple[str, str], Target] = {}
        for work in works:
            assert work.schedule is not None
            try:
                target = self._targets.resolve(work.delivery.namespace, work.schedule.target)
            except ValidationFailed as exc:  # the target was removed since the run was planned
                settled.append((work, self._failed(work, exc.message, result)))
                continue
            key = (target.namespace, target.name)
            targets[key] = target
            by_target[key].append(work)
        for key, group in by_target.items():
            target = targets[key]
            sender = self._senders.get(target.kind)
            if sender is None:
                reason = f"targets of kind {target.kind.value!r} cannot be delivered to here"
                settled.extend((work, self._failed(work, reason, result)) for work in group)
                continue
            outcomes = sender.deliver(target, [w.delivery for w in group])
            for work, outcome in zip(group, outcomes, strict=True):
                run = self._settle(work, target, outcome, dead, result)
                if run is not None:
                    settled.append((work, run))

    def _settle(
        self, work: _Work, target: Target, outcome: DeliveryOutcome, dead: list[_Work], result: BatchResult
    ) -> Run | None:
        """The run's record once its target answered; None if its message is offered again."""
        if outcome.accepted:
            assert outcome.accepted_at is not None
            run = run_records.delivered(
                *_ids(work),
                work.delivery.scheduled_for,
                work.item.trigger,
                outcome.accepted_at,
                outcome.message_id,
                run_id=work.delivery.run_id,
                attempts=work.delivery.attempt if work.delivery.attempt > 1 or work.item.resent else None,
            )
            if work.item.resent:  # late by its retries: no measure of the stage's lateness
                result.report.add(delivered=1)
            else:
                result.report.record_delivery(run.lateness_ms or 0)
            return run
        error = outcome.error or "refused"
        decision = self._planner.decide(target, work.received, outcome, self._clock())
        if decision.action is Next.FAIL:
            if decision.dead_letter:
                dead.append(work)
            return self._failed(work, error, result, attempts=decision.attempts)
        if decision.action is Next.RETRY:
            return self._try_again(work, error, decision, result)
        logger.warning("target refused %s (%s); offered again", work.delivery.occurrence_id, error)
        self._later(result, work.received, decision.delay)
        return None

    def _try_again(self, work: _Work, error: str, decision: RetryDecision, result: BatchResult) -> Run | None:
        """Hand the run off again for its next attempt; its record says so (None: the hand-off
        failed, and the message is offered again, for the same attempt)."""
        assert decision.at is not None
        now = self._clock()
        item = replace(
            work.item,
            delivery=replace(work.delivery, attempt=decision.attempts + 1),
            handed_off_at=now,
            not_before=decision.at,
            first_attempt_at=decision.first_attempt_at,
        )
        try:
            handed_off = self._handoff is not None and self._handoff.hand_off([item])[0].handed_off
        except Exception:
            handed_off = False
        if not handed_off:
            logger.warning("could not hand off the next attempt of %s; offered again", work.delivery.occurrence_id)
            self._later(result, work.received, self._backoff(work.received))
            return None
        logger.info("target refused %s (%s); next attempt at %s", work.delivery.occurrence_id, error, decision.at)
        result.report.add(retried=1)
        return run_records.retrying(
            *_ids(work),
            work.delivery.scheduled_for,
            work.item.trigger,
            now,
            attempts=decision.attempts,
            last_error=error,
            next_attempt_at=decision.at,
            run_id=work.delivery.run_id,
        )

    def _failed(self, work: _Work, reason: str, result: BatchResult, attempts: int | None = None) -> Run:
        result.report.add(failed=1)
        return run_records.failed(
            *_ids(work),
            work.delivery.scheduled_for,
            work.item.trigger,
            self._clock(),
            reason,
            run_id=work.delivery.run_id,
            attempts=attempts if attempts is not None else work.received.receive_count,
            last_error=reason,
        )

    def _keep_dead_letters(self, dead: list[_Work]) -> None:
        dead_letters = self._dead_letters
        if not dead or dead_letters is None:
            return
        try:
            self._retry.call(lambda: dead_letters.keep([w.item for w in dead]), _failed_call("dead letters"))
        except Exception:  # recorded failed all the same, and redeliverable
            logger.exception("could not keep %d failed run(s) in the dead-letter queue", len(dead))

    def _record(self, settled: list[tuple[_Work, Run]], result: BatchResult) -> None:
        """Record each run and move its schedule past it (a manual run moves nothing)."""
        now = self._clock()
        moves: list[tuple[_Work, Run, Schedule, list[Run]]] = []
        for work, run in settled:
            schedule = work.schedule
            # A run out of its rule's course (a run now, a backfill) or a resent one (a retry, a
            # redelivery) is none of its schedule's pending runs: it moves nothing.
            if schedule is None or run.trigger in OUT_OF_COURSE or work.item.resent:
                recorded = self._add_runs([run], [work.received], result)
                if recorded:
                    result.ended.append(run)
                if recorded and schedule is not None and run.trigger is not RunTrigger.BACKFILL:
                    self._update_last_run(run, now)
                continue
            skipped, _ = missed_before(schedule, run.scheduled_for)
            missed = [run_records.missed(schedule.namespace, schedule.job_id, at, now) for at in skipped]
            result.report.add(missed=len(missed))
            updated = schedule.after_run(run.scheduled_for, now, run)
            history = [r for r in (*missed, run) if needs_history_item(updated, r)]
            moves.append((work, run, updated, history))
        moves = self._hand_off_next(moves, now)
        # Every history item of the batch in one write (batches of 25), before any schedule
        # moves on past its run: a schedule whose history is not written stays as it is.
        histories = [r for *_, history in moves for r in history]
        if histories and not self._add_runs(histories, [m[0].received for m in moves if m[3]], result):
            moves = [m for m in moves if not m[3]]
        for work, run, updated, history in moves:
            self._move(work, run, updated, history, result)

    def _update_last_run(self, run: Run, now: datetime) -> None:
        """A manual run is its schedule's last run while it is the latest: shown delivered now."""
        try:
            self._retry.call(lambda: self._store.update_last_run(run, now), _failed_call("last run"))
        except Exception:  # its history item says delivered; the schedule's copy stays queued
            logger.warning("could not show %s delivered as its schedule's last run", run.occurrence_id)

    def _hand_off_next(
        self, moves: list[tuple[_Work, Run, Schedule, list[Run]]], now: datetime
    ) -> list[tuple[_Work, Run, Schedule, list[Run]]]:
        """Hand off the next runs due within the lookahead; mark each schedule that has one."""
        due = [
            index
            for index, (_, _, updated, _) in enumerate(moves)
            if self._handoff is not None
            and updated.is_due_pending
            and updated.run_at is not None
            and updated.run_at - now <= self._settings.lookahead
        ]
        if not due or self._handoff is None:
            return moves
        # The payload is the run's own: the schedule as read has no large payload, and the
        # same revision has the same payload.
        items = [_next_item(moves[index][2], moves[index][0].delivery.payload, now) for index in due]
        try:
            outcomes = self._handoff.hand_off(items)
        except Exception:  # the dispatcher hands them off at its next look
            logger.warning("could not hand off %d next run(s); the dispatcher will", len(items), exc_info=True)
            return moves
        marked = list(moves)
        for index, outcome in zip(due, outcomes, strict=True):
            if outcome.handed_off:
                work, run, updated, history = marked[index]
                marked[index] = (work, run, replace(updated, handed_off=updated.run_at), history)
        return marked

    def _move(self, work: _Work, run: Run, updated: Schedule, history: list[Run], result: BatchResult) -> None:
        schedule = work.schedule
        assert schedule is not None
        try:
            advanced = self._retry.call(
                lambda: self._store.advance(updated, schedule.version), _failed_call(f"advance {schedule.job_id}")
            )
        except Exception:
            logger.exception("could not move %s on; the run is offered again", schedule.job_id)
            result.report.add(not_recorded=1)
            self._later(result, work.received, self._backoff(work.received))
            return
        # Changed meanwhile, its new state stands: the run keeps a record of its own.
        if not advanced and run not in history and not self._add_runs([run], [work.received], result):
            return
        result.ended.extend([*history, run] if run not in history else history)

    def _add_runs(self, runs: list[Run], received: Sequence[Received], result: BatchResult) -> bool:
        try:
            self._retry.call(lambda: self._store.add_runs(runs), _failed_call("history"))
        except Exception:
            logger.exception("could not record %d run(s); offered again", len(runs))
            result.report.add(not_recorded=len(received))
            for r in received:
                self._later(result, r, self._backoff(r))
            return False
        return True

    def _canceled(self, item: HandOffItem, now: datetime, reason: CancelReason) -> Run:
        d = item.delivery
        return run_records.canceled(d.namespace, d.job_id, d.scheduled_for, item.trigger, now, reason, d.run_id)

    def _later(self, result: BatchResult, received: Received, delay: timedelta) -> None:
        result.later[received.message_id] = delay
        result.report.add(retried=1)

    def _backoff(self, received: Received) -> timedelta:
        return backoff(received.receive_count, self._settings.first_retry)


def _failed_call(what: str) -> Callable[[Exception], None]:
    return lambda exc: logger.warning("%s: %s: %s", what, type(exc).__name__, exc)


def _distinct(group: list[Received], result: BatchResult) -> list[Received]:
    """One run of each occurrence: of several in one batch (repeats, or a run and the one a
    change of its schedule handed off again), the one of the newest revision."""
    kept: dict[str, Received] = {}
    for received in group:
        occurrence = received.item.delivery.occurrence_id
        other = kept.get(occurrence)
        if other is None or received.item.revision > other.item.revision:
            kept[occurrence] = received
    result.report.add(dropped=len(group) - len(kept))
    return list(kept.values())


def _ids(work: _Work) -> tuple[str, str]:
    return work.delivery.namespace, work.delivery.job_id


def _next_item(schedule: Schedule, payload: str, now: datetime) -> HandOffItem:
    assert schedule.run_at is not None
    return HandOffItem(
        delivery=Delivery(schedule.namespace, schedule.job_id, schedule.run_at, payload),
        trigger=RunTrigger.SCHEDULE,
        revision=schedule.revision,
        due_run_at=schedule.run_at,
        handed_off_at=now,
    )


def _handed_off_run(item: HandOffItem) -> HandedOffRun:
    return HandedOffRun(
        job_id=item.delivery.job_id,
        scheduled_for=item.delivery.scheduled_for,
        revision=item.revision,
        due_run_at=item.due_run_at,
        handed_off_at=item.handed_off_at,
        manual=item.trigger in OUT_OF_COURSE,
        resent=item.resent,
    )
