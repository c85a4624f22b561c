"""A schedule's target: one of its namespace's, or none for the namespace's default (no AWS)."""

from __future__ import annotations

import pytest

from service.domain.errors import ScheduleNotFound
from service.domain.schedule import ScheduleInput
from service.domain.targets import NoDefaultTarget, TargetNotFound
from service.services.schedules import ScheduleService
from tests.fakes import FakeClock, FakeHandOff, InMemoryRepository, id_factory
from tests.target_fakes import a_directory, sqs_target

UNKNOWN_ID = "00000000-0000-7000-8000-999999999999"


@pytest.fixture
def repository() -> InMemoryRepository:
    return InMemoryRepository()


@pytest.fixture
def service(repository: InMemoryRepository) -> ScheduleService:
    targets = a_directory(
        sqs_target("team-a", "orders", default=True),
        sqs_target("team-a", "audit"),
        sqs_target("team-b", "billing"),  # team-b has no default
    )
    return ScheduleService(repository, FakeHandOff(), id_factory(), FakeClock(), targets=targets)


def later(target: str | None = None) -> ScheduleInput:
    return ScheduleInput(payload="report", run_at="2027-02-01T09:00:00Z", target=target)


def test_the_default_namespace_needs_no_target_as_before(service: ScheduleService) -> None:
    assert service.create("default", later()).target is None


@pytest.mark.parametrize("target", [None, "orders", "audit"])
def test_a_schedule_names_a_target_of_its_namespace_or_none_for_the_default(
    service: ScheduleService, repository: InMemoryRepository, target: str | None
) -> None:
    created = service.create("team-a", later(target))

    assert created.target == target
    assert repository.get("team-a", created.job_id) == created


@pytest.mark.parametrize(
    ("namespace", "target", "error"),
    [
        ("team-a", "shipping", TargetNotFound),  # no such target
        ("team-a", "billing", TargetNotFound),  # team-b's
        ("default", "orders", TargetNotFound),  # team-a's
        ("team-b", None, NoDefaultTarget),
        ("team-c", None, NoDefaultTarget),  # no targets at all
    ],
)
def test_a_target_the_namespace_does_not_have_is_refused_naming_target_and_nothing_is_stored(
    service: ScheduleService, repository: InMemoryRepository, namespace: str, target: str | None, error: type
) -> None:
    with pytest.raises(error) as refused:
        service.create(namespace, later(target))

    assert [p.field for p in refused.value.problems] == ["target"]
    assert repository.schedules == {}


def test_no_default_says_how_an_operator_adds_one(service: ScheduleService) -> None:
    with pytest.raises(NoDefaultTarget, match="scheduler targets add --namespace team-b --name NAME"):
        service.create("team-b", later())


def test_an_update_to_another_target_of_the_namespace_is_stored(service: ScheduleService) -> None:
    created = service.create("team-a", later())

    updated = service.replace("team-a", created.job_id, later("audit"))

    assert updated.target == "audit"
    assert service.get("team-a", created.job_id).target == "audit"


def test_an_update_to_a_target_the_namespace_does_not_have_changes_nothing(
    service: ScheduleService, repository: InMemoryRepository
) -> None:
    created = service.create("team-a", later("audit"))

    with pytest.raises(TargetNotFound):
        service.replace("team-a", created.job_id, later("billing"))

    assert repository.get("team-a", created.job_id) == created


def test_an_unknown_schedule_is_not_found_whatever_target_its_update_names(service: ScheduleService) -> None:
    with pytest.raises(ScheduleNotFound):
        service.replace("team-b", UNKNOWN_ID, later())
