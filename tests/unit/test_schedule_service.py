"""The use cases on schedules, against the hand-written fakes (no AWS)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from service.domain.errors import DeliveryFailed, InvalidState, ScheduleNotFound, ValidationFailed, VersionConflict
from service.domain.runs import RunStatus, RunTrigger
from service.domain.schedule import ScheduleInput, State
from service.services.schedules import ScheduleService
from tests.fakes import FakeClock, FakeHandOff, InMemoryRepository, id_factory
from tests.target_fakes import a_directory

NS = "default"
NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)  # a Monday
UNKNOWN_ID = "00000000-0000-7000-8000-999999999999"


@pytest.fixture
def repository() -> InMemoryRepository:
    return InMemoryRepository()


@pytest.fixture
def handoff() -> FakeHandOff:
    return FakeHandOff()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def service(repository: InMemoryRepository, handoff: FakeHandOff, clock: FakeClock) -> ScheduleService:
    return ScheduleService(
        repository=repository, handoff=handoff, new_id=id_factory(), clock=clock, targets=a_directory()
    )


def _at(text: str) -> ScheduleInput:
    return ScheduleInput(payload="hello", run_at=text)


# -- create ----------------------------------------------------------------------------


def test_a_future_one_time_schedule_is_stored_active_and_nothing_is_sent(
    service: ScheduleService, repository: InMemoryRepository, handoff: FakeHandOff
) -> None:
    created = service.create(NS, _at("2027-01-05T09:00:00Z"))

    assert created.state is State.ACTIVE
    assert created.version == 1
    assert created.run_at == datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
    assert created.last_run is None
    assert repository.get(NS, created.job_id) == created
    assert handoff.items == []


def test_an_immediate_schedule_is_handed_to_the_delivery_stage_at_once_and_stored_marked_so(
    service: ScheduleService, repository: InMemoryRepository, handoff: FakeHandOff
) -> None:
    created = service.create(NS, ScheduleInput(payload='{"task": "send report"}', immediate=True))

    (item,) = handoff.items
    assert item.delivery.job_id == created.job_id
    assert item.delivery.namespace == NS
    assert item.delivery.payload == '{"task": "send report"}'
    assert item.delivery.scheduled_for == NOW
    assert item.delivery.occurrence_id == f"{created.job_id}/2027-01-04T12:00:00Z"
    assert item.trigger is RunTrigger.IMMEDIATE
    assert (item.revision, item.due_run_at, item.handed_off_at) == (created.revision, NOW, NOW)
    # Pending until the stage delivers it: the dispatcher leaves the marked run alone.
    assert created.state is State.ACTIVE and created.run_at == NOW
    assert created.pending_handed_off
    assert created.last_run is None
    assert repository.get(NS, created.job_id) == created


def test_a_past_due_one_time_schedule_is_handed_off_at_once_for_its_own_time(
    service: ScheduleService, handoff: FakeHandOff
) -> None:
    created = service.create(NS, ScheduleInput(payload="cool stuff", minute=27789898))

    (item,) = handoff.items
    assert item.delivery.scheduled_for == datetime(2022, 11, 2, 12, 58, tzinfo=UTC)
    assert item.trigger is RunTrigger.SCHEDULE
    assert created.minute == 27789898
    assert created.pending_handed_off


def test_a_schedule_due_exactly_now_is_delivered_at_once(service: ScheduleService, handoff: FakeHandOff) -> None:
    created = service.create(NS, _at("2027-01-04T12:00:00Z"))

    assert len(handoff.items) == 1
    assert created.pending_handed_off


def test_a_past_due_daily_schedule_delivers_its_latest_occurrence_once_and_moves_to_the_next(
    service: ScheduleService, handoff: FakeHandOff
) -> None:
    # Daily at 09:00 Berlin from 1 January; now is 4 January 12:00 UTC (13:00 Berlin).
    created = service.create(
        NS, ScheduleInput(payload="x", recurring="daily", timezone="Europe/Berlin", run_at="2027-01-01T09:00:00")
    )

    (item,) = handoff.items
    assert item.delivery.scheduled_for == datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # 09:00 CET today
    assert created.state is State.ACTIVE
    assert created.run_at == item.due_run_at == datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # until delivered
    assert created.job_id == item.delivery.job_id  # a recurring schedule keeps its id


def test_a_refused_hand_off_leaves_the_schedule_stored_unmarked_and_due_for_the_dispatcher(
    service: ScheduleService, repository: InMemoryRepository, handoff: FakeHandOff
) -> None:
    handoff.refuse_next = 1

    created = service.create(NS, ScheduleInput(payload="x", immediate=True))

    stored = repository.get(NS, created.job_id)
    assert stored is not None
    assert stored.state is State.ACTIVE
    assert stored.run_at is not None and stored.run_at <= NOW  # still due
    assert stored.is_due_pending
    assert not stored.pending_handed_off  # the dispatcher hands it off
    assert handoff.items == []
    assert service.runs(NS, created.job_id).items == []


def test_an_invalid_definition_stores_nothing_and_sends_nothing(
    service: ScheduleService, repository: InMemoryRepository, handoff: FakeHandOff
) -> None:
    with pytest.raises(ValidationFailed):
        service.create(NS, ScheduleInput(payload="", immediate=True))

    assert repository.schedules == {}
    assert handoff.items == []


def test_a_cron_schedule_starts_at_the_next_match_in_its_zone(service: ScheduleService) -> None:
    created = service.create(
        NS, ScheduleInput(payload="x", recurring="cron", cron="0 9 * * MON-FRI", timezone="America/New_York")
    )

    assert created.run_at == datetime(2027, 1, 4, 14, 0, tzinfo=UTC)  # today 09:00 EST (now is 07:00 there)


# -- replace and delete ------------------------------------------------------------------


def test_replace_of_an_unknown_id_raises_not_found_and_creates_nothing(
    service: ScheduleService, repository: InMemoryRepository
) -> None:
    with pytest.raises(ScheduleNotFound):
        service.replace(NS, UNKNOWN_ID, _at("2027-02-01T00:00:00Z"))

    assert repository.schedules == {}


def test_replace_with_a_malformed_id_raises_not_found(service: ScheduleService) -> None:
    with pytest.raises(ScheduleNotFound):
        service.replace(NS, "not-an-id", _at("2027-02-01T00:00:00Z"))


def test_replace_changes_the_definition_keeps_the_id_and_bumps_the_version(
    service: ScheduleService, repository: InMemoryRepository, clock: FakeClock
) -> None:
    created = service.create(NS, _at("2027-02-01T00:00:00Z"))
    clock.advance(minutes=5)

    updated = service.replace(NS, created.job_id, ScheduleInput(payload="drink more water", run_at="2027-03-01T08:00Z"))

    assert updated.job_id == created.job_id
    assert updated.payload == "drink more water"
    assert updated.run_at == datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    assert updated.version == 2
    assert updated.created_at == NOW
    assert updated.updated_at == NOW + timedelta(minutes=5)
    assert repository.get(NS, created.job_id) == updated


def test_replace_with_a_stale_expected_version_is_a_version_conflict_and_changes_nothing(
    service: ScheduleService, repository: InMemoryRepository
) -> None:
    created = service.create(NS, _at("2027-02-01T00:00:00Z"))
    service.pause(NS, created.job_id)

    with pytest.raises(VersionConflict) as caught:
        service.replace(NS, created.job_id, _at("2027-03-01T00:00:00Z"), expected_version=1)

    assert caught.value.actual == 2
    stored = repository.get(NS, created.job_id)
    assert stored is not None and stored.run_at == datetime(2027, 2, 1, tzinfo=UTC)


def test_replace_of_a_paused_schedule_keeps_it_paused(service: ScheduleService, handoff: FakeHandOff) -> None:
    created = service.create(NS, _at("2027-02-01T00:00:00Z"))
    service.pause(NS, created.job_id)

    updated = service.replace(NS, created.job_id, _at("2020-01-01T00:00:00Z"))

    assert updated.state is State.PAUSED
    assert handoff.items == []  # paused: a past time is not delivered until resumed


def test_replace_with_a_past_time_delivers_at_once(service: ScheduleService, handoff: FakeHandOff) -> None:
    created = service.create(NS, _at("2027-02-01T00:00:00Z"))

    updated = service.replace(NS, created.job_id, ScheduleInput(payload="drink more water", minute=27789493))

    (item,) = handoff.items
    assert item.delivery.payload == "drink more water"
    assert item.revision == updated.revision == 2
    assert updated.pending_handed_off


def test_delete_returns_the_schedule_and_a_second_delete_is_not_found(
    service: ScheduleService, repository: InMemoryRepository
) -> None:
    created = service.create(NS, _at("2027-02-01T00:00:00Z"))

    assert service.delete(NS, created.job_id).job_id == created.job_id
    assert repository.schedules == {}
    with pytest.raises(ScheduleNotFound):
        service.delete(NS, created.job_id)


def test_delete_with_a_stale_version_is_a_conflict_and_keeps_the_schedule(
    service: ScheduleService, repository: InMemoryRepository
) -> None:
    created = service.create(NS, _at("2027-02-01T00:00:00Z"))

    with pytest.raises(VersionConflict):
        service.delete(NS, created.job_id, expected_version=7)

    assert repository.get(NS, created.job_id) is not None


# -- pause, resume, run now --------------------------------------------------------------


def test_pause_then_resume_a_future_schedule_keeps_its_time(service: ScheduleService, handoff: FakeHandOff) -> None:
    created = service.create(NS, _at("2027-02-01T00:00:00Z"))

    paused = service.pause(NS, created.job_id)
    resumed = service.resume(NS, created.job_id)

    assert paused.state is State.PAUSED and not paused.is_due_pending
    assert resumed.state is State.ACTIVE
    assert resumed.run_at == created.run_at
    assert resumed.version == 3
    assert handoff.items == []


def test_pausing_twice_changes_nothing_the_second_time(service: ScheduleService) -> None:
    created = service.create(NS, _at("2027-02-01T00:00:00Z"))
    first = service.pause(NS, created.job_id)

    assert service.pause(NS, created.job_id) == first


def test_pausing_a_completed_schedule_is_an_invalid_state(
    service: ScheduleService, repository: InMemoryRepository
) -> None:
    created = service.create(NS, _at("2027-02-01T00:00:00Z"))
    repository.put(replace(created, state=State.COMPLETED))

    with pytest.raises(InvalidState):
        service.pause(NS, created.job_id)


def test_resuming_a_one_time_schedule_whose_time_passed_while_paused_delivers_it(
    service: ScheduleService, handoff: FakeHandOff, clock: FakeClock
) -> None:
    created = service.create(NS, _at("2027-01-04T12:30:00Z"))
    service.pause(NS, created.job_id)
    clock.advance(hours=1)

    resumed = service.resume(NS, created.job_id)

    (item,) = handoff.items
    assert item.delivery.scheduled_for == datetime(2027, 1, 4, 12, 30, tzinfo=UTC)
    assert item.trigger is RunTrigger.IMMEDIATE
    assert resumed.pending_handed_off


def test_resuming_a_daily_schedule_skips_the_runs_missed_while_paused(
    service: ScheduleService, handoff: FakeHandOff, clock: FakeClock
) -> None:
    created = service.create(NS, ScheduleInput(payload="x", recurring="daily", run_at="2027-01-05T09:00:00Z"))
    service.pause(NS, created.job_id)
    clock.set(datetime(2027, 1, 8, 10, 0, tzinfo=UTC))

    resumed = service.resume(NS, created.job_id)

    assert resumed.run_at == datetime(2027, 1, 9, 9, 0, tzinfo=UTC)
    assert handoff.items == []


def test_pause_with_a_stale_expected_version_is_a_conflict(service: ScheduleService) -> None:
    created = service.create(NS, _at("2027-02-01T00:00:00Z"))

    with pytest.raises(VersionConflict):
        service.pause(NS, created.job_id, expected_version=created.version + 1)


def test_run_now_hands_off_one_manual_run_queued_and_leaves_the_schedule_as_it_was(
    service: ScheduleService, repository: InMemoryRepository, handoff: FakeHandOff, clock: FakeClock
) -> None:
    created = service.create(NS, ScheduleInput(payload="x", recurring="weekly", run_at="2027-01-11T09:00:00Z"))
    clock.advance(seconds=30.25)

    ran = service.run_now(NS, created.job_id)

    (item,) = handoff.items
    assert item.delivery.scheduled_for == datetime(2027, 1, 4, 12, 0, 30, tzinfo=UTC)  # whole seconds
    assert item.trigger is RunTrigger.MANUAL and item.due_run_at is None
    assert item.delivery.run_id is not None
    assert ran == repository.get(NS, created.job_id)
    assert (ran.run_at, ran.revision, ran.state) == (created.run_at, created.revision, created.state)
    (run,) = service.runs(NS, created.job_id).items
    assert ran.last_run == run
    assert (run.trigger, run.status, run.occurrence_id) == (
        RunTrigger.MANUAL,
        RunStatus.QUEUED,
        item.delivery.occurrence_id,
    )


def test_run_now_refused_by_the_stage_is_a_delivery_failure_that_records_nothing(
    service: ScheduleService, handoff: FakeHandOff
) -> None:
    created = service.create(NS, _at("2027-02-01T00:00:00Z"))
    handoff.refuse_next = 1

    with pytest.raises(DeliveryFailed):
        service.run_now(NS, created.job_id)

    assert service.runs(NS, created.job_id).items == []


def test_run_now_of_an_unknown_id_sends_nothing(service: ScheduleService, handoff: FakeHandOff) -> None:
    with pytest.raises(ScheduleNotFound):
        service.run_now(NS, UNKNOWN_ID)

    assert handoff.items == []


# -- reads -------------------------------------------------------------------------------


def test_next_runs_of_a_daily_berlin_schedule_follow_local_time_across_spring_forward(
    service: ScheduleService, clock: FakeClock
) -> None:
    clock.set(datetime(2027, 3, 20, tzinfo=UTC))
    created = service.create(
        NS, ScheduleInput(payload="x", recurring="daily", timezone="Europe/Berlin", run_at="2027-03-27T02:30:00")
    )

    _, runs = service.next_runs(NS, created.job_id, 3)

    assert runs == [
        datetime(2027, 3, 27, 1, 30, tzinfo=UTC),  # 02:30 CET
        datetime(2027, 3, 28, 1, 0, tzinfo=UTC),  # 02:30 does not exist: 03:00 CEST
        datetime(2027, 3, 29, 0, 30, tzinfo=UTC),  # 02:30 CEST
    ]


def test_next_runs_keep_a_run_handed_off_until_it_is_delivered(service: ScheduleService) -> None:
    created = service.create(NS, ScheduleInput(payload="x", immediate=True))

    assert service.next_runs(NS, created.job_id, 5)[1] == [NOW]


def test_preview_of_a_weekly_rule_stores_nothing(service: ScheduleService, repository: InMemoryRepository) -> None:
    runs = service.preview(ScheduleInput(payload="x", recurring="weekly", run_at="2027-01-06T07:15:00Z"), 3)

    assert runs == [datetime(2027, 1, d, 7, 15, tzinfo=UTC) for d in (6, 13, 20)]
    assert repository.schedules == {}


def test_preview_of_an_immediate_one_time_definition_is_now(service: ScheduleService) -> None:
    assert service.preview(ScheduleInput(payload="x", immediate=True), 5) == [NOW]


@pytest.mark.parametrize("count", [0, 101])
def test_preview_and_next_counts_out_of_range_are_refused(service: ScheduleService, count: int) -> None:
    with pytest.raises(ValidationFailed, match="count: must be between 1 and 100"):
        service.preview(ScheduleInput(payload="x", immediate=True), count)


@pytest.mark.parametrize("limit", [0, 101])
def test_list_limits_out_of_range_are_refused(service: ScheduleService, limit: int) -> None:
    with pytest.raises(ValidationFailed, match="limit: must be between 1 and 100"):
        service.list(NS, limit)


def test_get_of_a_malformed_id_is_not_found_without_reading_the_store(service: ScheduleService) -> None:
    with pytest.raises(ScheduleNotFound):
        service.get(NS, "'; DROP TABLE")


def test_an_immediate_daily_schedule_starting_later_runs_now_and_then_from_its_start_day(
    service: ScheduleService, handoff: FakeHandOff
) -> None:
    created = service.create(
        NS, ScheduleInput(payload="x", recurring="daily", run_at="2027-02-01T09:00:00Z", immediate=True)
    )

    assert [i.delivery.scheduled_for for i in handoff.items] == [NOW]
    assert created.run_at == NOW  # the run now, pending until the stage delivers it
    assert service.preview(
        ScheduleInput(payload="x", recurring="weekly", run_at="2027-02-01T09:00:00Z", immediate=True), 3
    ) == [NOW, datetime(2027, 2, 1, 9, 0, tzinfo=UTC), datetime(2027, 2, 8, 9, 0, tzinfo=UTC)]


def test_an_immediate_run_is_kept_to_whole_seconds_like_every_run_time(
    service: ScheduleService, handoff: FakeHandOff, clock: FakeClock
) -> None:
    clock.advance(seconds=1.75)

    created = service.create(NS, ScheduleInput(payload="x", immediate=True))
    (preview,) = service.preview(ScheduleInput(payload="x", immediate=True), 1)

    assert created.run_at == handoff.items[0].delivery.scheduled_for == datetime(2027, 1, 4, 12, 0, 1, tzinfo=UTC)
    assert preview == datetime(2027, 1, 4, 12, 0, 1, tzinfo=UTC)
