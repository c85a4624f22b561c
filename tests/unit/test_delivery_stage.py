"""The delivery stage among fakes: each run taken at its instant, judged against its schedule
as stored then, delivered once, and recorded as what really happened."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from service.domain.runs import RunStatus, RunTrigger
from service.domain.schedule import ScheduleInput, State
from service.domain.targets import Target, TargetKind
from service.services.delivery_ports import Received
from tests.dispatch_fakes import NS, START, World, dispatch_world

RUN_AT = START + timedelta(minutes=10)


@pytest.fixture
def world() -> World:
    return dispatch_world()


def _iso(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def _handed_off(world: World, run_at: datetime = RUN_AT, **fields: object) -> str:
    """A schedule whose run at ``run_at`` the dispatcher handed off, 40.7 s ahead: its message
    becomes visible 0.7 s before its time."""
    job = world.create(run_at=_iso(run_at), **fields)
    world.clock.set(run_at - timedelta(seconds=40, milliseconds=700))
    world.tick()
    return job


def test_a_run_that_comes_early_is_held_until_its_second_and_never_delivered_before_it(world: World) -> None:
    _handed_off(world)
    world.clock.set(RUN_AT - timedelta(milliseconds=700))  # SQS shows it up to a second early

    result = world.deliver_due()

    (accepted_at,) = world.target_sender.accepted_at
    assert accepted_at >= RUN_AT
    assert result.report.held_ms == 700


def test_lateness_is_measured_when_the_target_accepts_the_run(world: World) -> None:
    job = _handed_off(world)
    world.clock.set(RUN_AT + timedelta(milliseconds=1250))  # the stage was behind

    world.deliver_due()

    stored = world.repository.get(NS, job)
    assert stored is not None and stored.last_run is not None
    assert stored.last_run.lateness_ms == 1250
    assert stored.last_run.recorded_at == RUN_AT + timedelta(milliseconds=1250)


def test_a_schedule_deleted_seconds_before_its_run_is_not_delivered(world: World) -> None:
    job = _handed_off(world)
    world.clock.set(RUN_AT - timedelta(seconds=3))
    world.api.delete(NS, job)

    world.clock.set(RUN_AT)
    result = world.deliver_due()

    assert world.target_sender.delivered == []
    assert result.report.canceled == 1
    assert world.waiting == []  # dealt with: not offered again


def test_a_schedule_paused_seconds_before_its_run_has_it_canceled_and_recorded_so(world: World) -> None:
    job = _handed_off(world, recurring="daily")
    world.clock.set(RUN_AT - timedelta(seconds=3))
    world.api.pause(NS, job)

    world.run_until(RUN_AT + timedelta(seconds=2))

    assert world.target_sender.delivered == []
    (run,) = world.api.runs(NS, job).items
    assert (run.status, run.reason, run.scheduled_for) == (RunStatus.CANCELED, "paused", RUN_AT)


def test_a_schedule_changed_seconds_before_its_run_delivers_that_run_once_under_the_new_definition(
    world: World,
) -> None:
    job = _handed_off(world)
    world.clock.set(RUN_AT - timedelta(seconds=3))
    world.api.replace(NS, job, ScheduleInput(payload="the new payload", run_at=_iso(RUN_AT)))

    world.run_until(RUN_AT + timedelta(seconds=2))

    ((_, delivery),) = world.target_sender.delivered
    assert delivery.payload == "the new payload"
    assert [r.status for r in world.api.runs(NS, job).items] == [RunStatus.DELIVERED]  # nothing called off


def test_a_schedule_moved_seconds_before_its_run_cancels_it_and_runs_at_the_new_time(world: World) -> None:
    job = _handed_off(world)
    world.clock.set(RUN_AT - timedelta(seconds=3))
    later = RUN_AT + timedelta(seconds=30)
    world.api.replace(NS, job, ScheduleInput(payload="moved", run_at=_iso(later)))

    world.run_until(later + timedelta(seconds=2))

    ((_, delivery),) = world.target_sender.delivered
    assert delivery.scheduled_for == later
    runs = {r.scheduled_for: (r.status, r.reason) for r in world.api.runs(NS, job).items}
    assert runs == {RUN_AT: (RunStatus.CANCELED, "changed"), later: (RunStatus.DELIVERED, None)}


def test_a_run_handed_off_before_its_write_landed_waits_for_it_then_is_delivered(world: World) -> None:
    job = world.create(immediate=True)
    stored = world.repository.schedules.pop((NS, job))  # the API's write has not landed yet

    first = world.deliver_due()
    world.repository.put(stored)  # ...and lands now
    world.clock.advance(seconds=1)
    world.deliver_due()

    assert first.report.retried == 1 and first.report.delivered == 0
    assert [d.job_id for _, d in world.target_sender.delivered] == [job]


def test_a_run_handed_off_by_a_write_that_never_landed_is_dropped_after_its_grace(world: World) -> None:
    job = world.create(immediate=True)
    world.repository.schedules.pop((NS, job))  # the write was refused

    for _ in range(10):
        world.deliver_due()
        world.clock.advance(seconds=30)

    assert world.target_sender.delivered == []
    assert world.waiting == []


def test_the_same_run_handed_off_twice_is_delivered_once(world: World) -> None:
    job = _handed_off(world)
    (item,) = world.handoff.items
    world.handoff.items.append(item)  # a crash made the dispatcher hand it off again
    world.clock.set(RUN_AT)

    world.deliver_due()
    world.waiting.append((world.clock(), Received("late-repeat", item)))  # and once more, later
    world.clock.advance(seconds=5)
    world.deliver_due()

    assert Counter(d.job_id for _, d in world.target_sender.delivered) == {job: 1}


def test_a_run_reaching_the_stage_a_catch_up_window_after_its_hand_off_is_recorded_missed(world: World) -> None:
    job = _handed_off(world)
    world.clock.set(RUN_AT + timedelta(hours=25))  # the stage was down for a day

    world.deliver_due()

    assert world.target_sender.delivered == []
    stored = world.repository.get(NS, job)
    assert stored is not None and stored.state is State.COMPLETED
    assert stored.last_run is not None and stored.last_run.status is RunStatus.MISSED


def test_a_run_whose_target_was_removed_is_recorded_failed_with_the_reason(world: World) -> None:
    world.targets.stored.append(Target("team-a", "main", TargetKind.SQS, "https://sqs/1/team-a", default=True))
    job = world.api.create("team-a", ScheduleInput(payload="p", run_at=_iso(RUN_AT), target="main")).job_id
    world.clock.set(RUN_AT - timedelta(seconds=40))
    world.tick()
    world.targets.stored.clear()  # an operator removed it meanwhile

    world.run_until(RUN_AT + timedelta(seconds=1))

    stored = world.repository.get("team-a", job)
    assert stored is not None and stored.last_run is not None
    assert stored.last_run.status is RunStatus.FAILED
    assert "has no target 'main'" in (stored.last_run.reason or "")


def test_a_passing_refusal_is_tried_again_with_backoff_and_the_run_delivered(world: World) -> None:
    job = _handed_off(world)
    world.target_sender.refuse_next = 2
    world.clock.set(RUN_AT)

    first = world.deliver_due()
    world.clock.advance(seconds=1)
    second = world.deliver_due()
    world.clock.advance(seconds=2)
    world.deliver_due()

    assert (first.later["m-0"], second.later["m-0"]) == (timedelta(seconds=1), timedelta(seconds=2))
    assert [d.job_id for _, d in world.target_sender.delivered] == [job]


def test_a_run_refused_past_its_attempts_is_recorded_failed_never_dropped(world: World) -> None:
    job = _handed_off(world)
    world.target_sender.refuse_next = 100
    world.clock.set(RUN_AT)

    for _ in range(world.stage_settings.max_attempts):
        world.deliver_due()
        world.clock.advance(minutes=1)

    stored = world.repository.get(NS, job)
    assert stored is not None and stored.last_run is not None
    assert (stored.last_run.status, stored.last_run.attempts) == (RunStatus.FAILED, world.stage_settings.max_attempts)
    assert world.waiting == []


def test_a_permanent_refusal_is_recorded_failed_at_once(world: World) -> None:
    job = _handed_off(world)
    world.target_sender.refuse_next = 1
    world.target_sender.refusal_is_permanent = True
    world.clock.set(RUN_AT)

    world.deliver_due()

    stored = world.repository.get(NS, job)
    assert stored is not None and stored.last_run is not None and stored.last_run.status is RunStatus.FAILED


def test_a_manual_run_is_queued_then_delivered_and_the_schedule_s_own_runs_are_left_as_they_were(
    world: World,
) -> None:
    job = world.create(recurring="weekly", run_at=_iso(START + timedelta(days=3)))
    before = world.repository.get(NS, job)

    ran = world.api.run_now(NS, job)
    queued = [r.status for r in world.api.runs(NS, job).items]
    world.deliver_due()

    (run,) = world.api.runs(NS, job).items
    after = world.repository.get(NS, job)
    assert queued == [RunStatus.QUEUED]
    assert ran.last_run is not None and ran.last_run.status is RunStatus.QUEUED
    assert (run.status, run.trigger) == (RunStatus.DELIVERED, RunTrigger.MANUAL)
    assert before is not None and after is not None and after.last_run == run
    assert (after.run_at, after.revision, after.state) == (before.run_at, before.revision, before.state)


def test_a_manual_run_of_a_schedule_deleted_before_it_went_out_is_not_delivered(world: World) -> None:
    job = world.create(run_at=_iso(START + timedelta(days=3)))
    world.api.run_now(NS, job)
    world.api.delete(NS, job)

    world.deliver_due()

    assert world.target_sender.delivered == []


def test_an_immediate_daily_schedule_starting_later_runs_now_and_then_from_its_start_day(world: World) -> None:
    job = world.create(recurring="daily", run_at=_iso(START + timedelta(days=20)), immediate=True)

    world.deliver_due()

    ((_, delivery),) = world.target_sender.delivered
    stored = world.repository.get(NS, job)
    assert delivery.scheduled_for == START
    assert stored is not None and stored.run_at == START + timedelta(days=20)  # not tomorrow


def test_a_next_run_inside_the_lookahead_is_handed_off_by_the_stage_in_the_same_write(world: World) -> None:
    job = world.create(recurring="cron", cron="* * * * *")  # 12:00, handed off by the API

    world.deliver_due()

    stored = world.repository.get(NS, job)
    assert stored is not None and stored.run_at == START + timedelta(minutes=1)
    assert stored.pending_handed_off  # the dispatcher leaves it alone
    (item,) = world.handoff.items
    assert (item.delivery.scheduled_for, item.due_run_at, item.revision) == (
        START + timedelta(minutes=1),
        stored.run_at,
        stored.revision,
    )


def test_a_large_payload_goes_out_whole_on_every_run_of_a_chain(world: World) -> None:
    payload = "x" * 5000
    world.create(recurring="cron", cron="* * * * *", payload=payload)
    stored = world.repository.get(NS, world.handoff.items[0].delivery.job_id)
    assert stored is not None
    # As the delivery store reads it: the schedule item without its large payload.
    world.repository.put(replace(stored, payload=""))

    world.run_until(START + timedelta(minutes=3))

    assert [d.payload for _, d in world.target_sender.delivered] == [payload] * 4


def test_a_past_run_handed_off_by_the_api_because_a_client_asked_is_delivered_however_old(world: World) -> None:
    job = world.create(minute=27789898)  # 2022-11-02 12:58, years before now

    world.deliver_due()

    ((_, delivery),) = world.target_sender.delivered
    assert delivery.job_id == job
