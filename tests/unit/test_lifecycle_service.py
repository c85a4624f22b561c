"""The use cases with names, labels, bounds, pause notes and idempotency keys, on the fakes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from service.domain.errors import ValidationFailed
from service.domain.idempotency import IdempotencyKeyReused
from service.domain.schedule import ScheduleInput, State
from service.services.schedules import ScheduleService
from tests.fakes import FakeClock, FakeHandOff, InMemoryRepository, id_factory
from tests.target_fakes import a_directory, sqs_target

NS = "default"
NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
DAILY = ScheduleInput(payload="report", recurring="daily", run_at="2027-01-05T09:00:00Z", name="Report")


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
    defaults = (sqs_target("team-a", "main", default=True), sqs_target("team-b", "main", default=True))
    return ScheduleService(
        repository=repository, handoff=handoff, new_id=id_factory(), clock=clock, targets=a_directory(*defaults)
    )


def test_the_same_key_twice_gets_the_first_answer_and_creates_nothing(
    service: ScheduleService, repository: InMemoryRepository, clock: FakeClock
) -> None:
    first = service.create_once(NS, DAILY, "key-1")
    clock.advance(minutes=5)
    again = service.create_once(NS, DAILY, "key-1")

    assert not first.replayed and again.replayed
    assert again.schedule == first.schedule
    assert len(repository.schedules) == 1


def test_the_same_key_with_another_body_is_refused(service: ScheduleService, repository: InMemoryRepository) -> None:
    service.create_once(NS, DAILY, "key-1")

    with pytest.raises(IdempotencyKeyReused) as caught:
        service.create_once(
            NS, ScheduleInput(payload="other", recurring="daily", run_at="2027-01-05T09:00:00Z"), "key-1"
        )

    assert caught.value.code == "idempotency_key_reused"
    assert len(repository.schedules) == 1


def test_keys_are_kept_per_namespace(service: ScheduleService, repository: InMemoryRepository) -> None:
    a = service.create_once("team-a", DAILY, "key-1")
    b = service.create_once("team-b", DAILY, "key-1")

    assert a.schedule.job_id != b.schedule.job_id and not b.replayed


def test_after_24_hours_the_same_key_creates_again(
    service: ScheduleService, repository: InMemoryRepository, clock: FakeClock
) -> None:
    first = service.create_once(NS, DAILY, "key-1")
    clock.advance(hours=24, seconds=1)

    later = service.create_once(NS, DAILY, "key-1")

    assert not later.replayed and later.schedule.job_id != first.schedule.job_id


def test_a_refused_body_records_nothing_and_the_key_can_be_sent_again_fixed(
    service: ScheduleService, repository: InMemoryRepository
) -> None:
    with pytest.raises(ValidationFailed):
        service.create_once(NS, ScheduleInput(payload="x", recurring="daily"), "key-1")

    assert not service.create_once(NS, DAILY, "key-1").replayed


def test_a_key_is_checked(service: ScheduleService) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.create_once(NS, DAILY, "has space")

    assert caught.value.problems[0].field == "Idempotency-Key"


def test_an_immediate_create_replays_its_answer_and_hands_its_run_off_once(
    service: ScheduleService, repository: InMemoryRepository, handoff: FakeHandOff
) -> None:
    now = ScheduleInput(payload="now", immediate=True)

    first = service.create_once(NS, now, "key-1")
    again = service.create_once(NS, now, "key-1")

    assert first.schedule.pending_handed_off and again.schedule == first.schedule
    assert len(handoff.items) == 1


def test_pause_keeps_its_note_until_resume(service: ScheduleService) -> None:
    created = service.create(NS, DAILY)

    paused = service.pause(NS, created.job_id, note="holiday until Monday")
    renoted = service.pause(NS, created.job_id, note="back on Tuesday")
    resumed = service.resume(NS, created.job_id)

    assert (paused.state, paused.pause_note) == (State.PAUSED, "holiday until Monday")
    assert renoted.pause_note == "back on Tuesday" and renoted.version == paused.version + 1
    assert (resumed.state, resumed.pause_note) == (State.ACTIVE, None)


def test_a_pause_note_over_500_characters_is_refused(service: ScheduleService) -> None:
    created = service.create(NS, DAILY)

    with pytest.raises(ValidationFailed) as caught:
        service.pause(NS, created.job_id, note="n" * 501)

    assert caught.value.problems[0].field == "note"


def test_an_update_keeps_the_runs_delivered_against_max_runs(
    service: ScheduleService, repository: InMemoryRepository
) -> None:
    created = service.create(NS, ScheduleInput(payload="x", recurring="daily", run_at="2027-01-05T09:00:00Z",
                                               max_runs=2))  # fmt: skip
    repository.put(replace(created, runs_delivered=1))  # one run delivered since

    updated = service.replace(
        NS, created.job_id, ScheduleInput(payload="y", recurring="daily", run_at="2027-01-05T09:00:00Z", max_runs=1)
    )

    assert (updated.state, updated.remaining_runs, updated.run_at) == (State.COMPLETED, 0, None)


def test_lists_filter_by_labels_and_name_prefix(service: ScheduleService) -> None:
    ops = service.create(NS, ScheduleInput(payload="a", run_at="2030-01-01T00:00:00Z", name="Cool stuff",
                                           labels=(("team", "ops"), ("env", "prod"))))  # fmt: skip
    service.create(NS, ScheduleInput(payload="b", run_at="2030-01-01T00:00:00Z", name="cool things",
                                     labels=(("team", "ops"),)))  # fmt: skip

    both = service.list(NS, labels=(("team", "ops"), ("env", "prod")))
    named = service.list(NS, name_prefix="COOL")

    assert [s.job_id for s in both.items] == [ops.job_id]
    assert len(named.items) == 2
    with pytest.raises(ValidationFailed) as caught:
        service.list(NS, labels=(("bad key", "x"),))
    assert caught.value.problems[0].field == "label"


def test_an_interval_schedule_runs_every_interval_from_its_run_at(service: ScheduleService, clock: FakeClock) -> None:
    created = service.create(
        NS, ScheduleInput(payload="x", recurring="interval", interval="PT15M", run_at="2027-01-04T11:00:00Z")
    )

    assert created.run_at == NOW and created.pending_handed_off  # 11:00 + 4 x 15 min: due now, handed off
    assert service.upcoming(created, 3) == [NOW, NOW + timedelta(minutes=15), NOW + timedelta(minutes=30)]


def test_a_preview_shows_no_more_runs_than_max_runs_and_none_past_end_at(service: ScheduleService) -> None:
    daily = ScheduleInput(payload="x", recurring="daily", run_at="2027-01-05T09:00:00Z")

    capped = service.preview(replace(daily, max_runs=2), 5)
    ended = service.preview(replace(daily, end_at="2027-01-07T12:00:00Z"), 5)

    assert len(capped) == 2
    assert ended == [datetime(2027, 1, d, 9, 0, tzinfo=UTC) for d in (5, 6, 7)]
