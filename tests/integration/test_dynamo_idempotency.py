"""Idempotent creates on moto: the key's record and the schedule in one transaction, so one
key creates one schedule, also when two requests race; per namespace; for 24 hours."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from service.adapters import table_schema as ts
from service.bootstrap.api import ApiContainer
from service.domain.errors import DomainError
from service.domain.idempotency import IdempotencyKeyInUse, IdempotencyKeyReused
from service.domain.schedule import ScheduleInput
from service.services.schedules import Created
from tests.conftest import Aws, table_items
from tests.fakes import FakeClock
from tests.target_setup import add_target

DAILY = ScheduleInput(payload="report", recurring="daily", run_at="2030-01-06T09:00:00", labels=(("team", "ops"),))


def schedules_in(aws: Aws) -> list[dict[str, Any]]:
    return [i for i in table_items(aws) if i["sk"]["S"].startswith("JOB#")]


def test_the_same_key_twice_creates_one_schedule_and_answers_the_same(aws: Aws, container: ApiContainer) -> None:
    first = container.schedules.create_once("default", DAILY, "k-1")
    again = container.schedules.create_once("default", DAILY, "k-1")

    assert again.replayed and again.schedule == first.schedule
    assert len(schedules_in(aws)) == 1
    (record,) = [i for i in table_items(aws) if i["pk"]["S"].startswith("IDEMPOTENCY#default#")]
    assert int(record[ts.TTL_ATTRIBUTE]["N"]) == int((first.schedule.created_at + timedelta(hours=24)).timestamp())
    assert "k-1" not in record["pk"]["S"]  # the key is hashed into the item's key


def test_two_requests_racing_with_one_key_create_one_schedule(aws: Aws, container: ApiContainer) -> None:
    answers: list[Created | DomainError] = []
    start = threading.Barrier(4)

    def create() -> None:
        start.wait()
        try:
            answers.append(container.schedules.create_once("default", DAILY, "race"))
        except IdempotencyKeyInUse as exc:  # a write that met the first one's in flight
            answers.append(exc)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(schedules_in(aws)) == 1
    created = [a for a in answers if isinstance(a, Created)]
    assert sum(not a.replayed for a in created) == 1
    assert len({a.schedule.job_id for a in created}) == 1


def test_another_body_with_the_same_key_is_refused_and_writes_nothing(aws: Aws, container: ApiContainer) -> None:
    container.schedules.create_once("default", DAILY, "k-1")

    with pytest.raises(IdempotencyKeyReused):
        container.schedules.create_once("default", ScheduleInput(payload="other", immediate=True), "k-1")

    assert len(schedules_in(aws)) == 1
    assert [i for i in table_items(aws) if i["pk"]["S"].startswith("LABEL#")]  # the first's entries only


def test_keys_are_per_namespace(aws: Aws, container: ApiContainer) -> None:
    for namespace in ("team-a", "team-b"):
        add_target(aws, container, namespace, "main", default=True)
    a = container.schedules.create_once("team-a", DAILY, "k-1")
    b = container.schedules.create_once("team-b", DAILY, "k-1")

    assert not b.replayed and a.schedule.job_id != b.schedule.job_id


def test_a_key_is_free_again_after_24_hours_even_before_ttl_deletes_its_record(
    aws: Aws, container: ApiContainer, clock: FakeClock
) -> None:
    first = container.schedules.create_once("default", DAILY, "k-1")
    clock.advance(hours=23, minutes=59)
    assert container.schedules.create_once("default", DAILY, "k-1").replayed
    clock.advance(minutes=2)

    later = container.schedules.create_once("default", DAILY, "k-1")

    assert not later.replayed and later.schedule.job_id != first.schedule.job_id
    assert len(schedules_in(aws)) == 2


def test_a_large_payload_is_not_copied_into_the_record_but_comes_back_whole(aws: Aws, container: ApiContainer) -> None:
    large = ScheduleInput(payload="x" * 100_000, run_at="2030-01-06T09:00:00Z", description="d" * 2000)

    first = container.schedules.create_once("default", large, "k-big")
    again = container.schedules.create_once("default", large, "k-big")

    (record,) = [i for i in table_items(aws) if i["pk"]["S"].startswith("IDEMPOTENCY#")]
    assert len(str(record)) < 5000
    assert again.schedule == first.schedule
