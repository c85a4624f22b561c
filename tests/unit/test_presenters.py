"""One presenter per concept: every field REST and GraphQL show comes from it, every input
field goes through one mapping, and every domain error has its row in one table."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import fields, replace
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel
from strawberry.types.private import is_private

import service.adapters
import service.domain
import service.services
from service.domain.errors import DomainError, ScheduleNotFound, ValidationFailed
from service.domain.recurrence import RecurrenceKind
from service.domain.runs import RunTrigger, delivered
from service.domain.schedule import Schedule, ScheduleInput
from service.entrypoints.graphql import types as graphql
from service.entrypoints.graphql.errors import NotFoundError
from service.entrypoints.presenters.errors import ERRORS, graphql_result, row_for, status_for
from service.entrypoints.presenters.schedules import (
    RunShape,
    RunTimeShape,
    ScheduleShape,
    present_schedule,
    schedule_input,
)
from service.entrypoints.rest import models as rest
from tests.builders import NS, a_schedule

SHAPES = [
    (ScheduleShape, rest.SchedulePublic, graphql.Schedule),
    (RunShape, rest.RunPublic, graphql.Run),
    (RunTimeShape, rest.RunTime, graphql.RunTime),
]
AT = datetime(2027, 3, 28, 1, 0, tzinfo=UTC)


def names_of(shape: type) -> set[str]:
    return {field.name for field in fields(shape)}


def plain_fields_of(strawberry_type: type) -> set[str]:
    """The fields a Strawberry type shows that are values, not resolvers."""
    definition = strawberry_type.__strawberry_definition__  # type: ignore[attr-defined]
    return {f.python_name for f in definition.fields if f.base_resolver is None and not is_private(f.type)}


def a_daily_schedule_that_ran() -> Schedule:
    schedule = a_schedule(run_at=AT)
    return replace(schedule, last_run=delivered(NS, schedule.job_id, AT, RunTrigger.SCHEDULE, AT, "msg-1"))


@pytest.mark.parametrize(("shape", "model", "strawberry_type"), SHAPES)
def test_every_field_of_the_rest_model_and_the_graphql_type_comes_from_the_presenter(
    shape: type, model: type[BaseModel], strawberry_type: type
) -> None:
    assert set(model.model_fields) == names_of(shape)
    assert plain_fields_of(strawberry_type) == names_of(shape)


def test_a_schedule_shows_the_same_values_through_rest_and_graphql() -> None:
    schedule = a_daily_schedule_that_ran()

    public = rest.SchedulePublic.present(present_schedule(schedule)).model_dump(mode="json")
    typed = graphql.Schedule.from_domain(schedule)

    assert public["jobId"] == typed.job_id == schedule.job_id
    assert public["recurring"] == "daily" and typed.recurring is RecurrenceKind.DAILY
    assert public["runAt"] == typed.run_at == "2027-03-28T01:00:00Z"
    assert typed.last_run is not None
    assert (
        public["lastRun"]["occurrenceId"] == typed.last_run.occurrence_id == f"{schedule.job_id}/2027-03-28T01:00:00Z"
    )


def test_the_rest_body_and_the_graphql_input_carry_every_field_of_the_domain_input() -> None:
    assert set(rest.ScheduleCreate.model_fields) == names_of(ScheduleInput)
    assert plain_fields_of(graphql.ScheduleInput) == names_of(ScheduleInput)


def test_both_inputs_map_to_the_same_domain_input() -> None:
    body = rest.ScheduleCreate.model_validate(
        {"payload": "x", "recurring": "daily", "runAt": "2027-01-05T09:00", "timezone": "Europe/Berlin"}
    )
    given = graphql.ScheduleInput(
        payload="x", recurring=RecurrenceKind.DAILY, run_at="2027-01-05T09:00", timezone="Europe/Berlin"
    )

    assert (
        schedule_input(body)
        == schedule_input(given)
        == ScheduleInput(payload="x", recurring="daily", timezone="Europe/Berlin", run_at="2027-01-05T09:00")
    )


def domain_error_classes() -> set[type[DomainError]]:
    """Every subclass of DomainError that the service's packages define."""
    for package in (service.domain, service.services, service.adapters):
        for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    found: set[type[DomainError]] = set()
    pending = [DomainError]
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return {cls for cls in found if cls.__module__.startswith("service.")}


def test_every_domain_error_class_has_a_row_of_its_own() -> None:
    rows = {row.error for row in ERRORS}

    assert domain_error_classes() <= rows


def test_a_row_gives_the_http_status_and_the_graphql_result_with_the_errors_code() -> None:
    missing = ScheduleNotFound("job-1")

    result = graphql_result(missing)

    assert status_for(missing) == 404
    assert isinstance(result, NotFoundError)
    assert (result.code, result.job_id) == ("not_found", "job-1")


def test_an_error_with_no_graphql_result_is_raised_again() -> None:
    class UnforeseenError(DomainError):
        code = "unforeseen"

    with pytest.raises(UnforeseenError):
        graphql_result(UnforeseenError("no typed result"))
    assert row_for(UnforeseenError("x")).error is DomainError
    assert status_for(ValidationFailed.single("runAt", "is wrong")) == 422
