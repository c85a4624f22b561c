"""What each domain error becomes in an answer: one row per error class, with its HTTP
status (and headers) and its GraphQL result.

The stable code is the error's own (``DomainError.code``): REST sends it as ``error``,
GraphQL as a result's ``code`` or an error's ``extensions.code``. A row without a GraphQL
result is an error no GraphQL field answers with a typed result: raised, it reaches the
client as an error with its code (an invalid cursor), or it is answered before GraphQL
runs (keys, rate limits).

The GraphQL results are Strawberry types, imported when one is made: the table is the REST
side's too, and REST alone never loads Strawberry (the API's cold start).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from service.domain.errors import (
    DeliveryFailed,
    DomainError,
    InvalidCursor,
    InvalidState,
    PayloadTooLarge,
    ScheduleNotFound,
    ValidationFailed,
    VersionConflict,
)
from service.domain.idempotency import IdempotencyKeyInUse, IdempotencyKeyReused
from service.domain.keys import KeyNotFound, RateLimited, Unauthorized
from service.domain.targets import BuiltInTarget, NoDefaultTarget, TargetExists, TargetNotFound, TargetsChanged
from service.domain.webhook_urls import WebhookUrlRefused
from service.entrypoints.auth import www_authenticate
from service.services.redelivery import RunNotFound
from service.services.webhook_targets import OperatorTarget, UnknownTarget

if TYPE_CHECKING:
    from service.entrypoints.graphql.errors import ErrorResult

E = TypeVar("E", bound=DomainError)


@dataclass(frozen=True)
class ErrorRow(Generic[E]):
    error: type[E]
    status: int
    graphql: Callable[[E], ErrorResult] | None = None
    headers: Callable[[E], dict[str, str]] | None = None


def _invalid(error: ValidationFailed) -> ErrorResult:
    from service.entrypoints.graphql import errors as gql

    problems = [gql.Problem(field=p.field, message=p.message) for p in error.problems]
    return gql.ValidationError(code=error.code, message=error.message, problems=problems)


def _not_found(error: ScheduleNotFound) -> ErrorResult:
    import strawberry

    from service.entrypoints.graphql import errors as gql

    return gql.NotFoundError(code=error.code, message=error.message, job_id=strawberry.ID(error.job_id))


def _version_conflict(error: VersionConflict) -> ErrorResult:
    from service.entrypoints.graphql import errors as gql

    return gql.VersionConflictError(
        code=error.code, message=error.message, expected_version=error.expected, actual_version=error.actual
    )


def _invalid_state(error: DomainError) -> ErrorResult:
    from service.entrypoints.graphql import errors as gql

    return gql.InvalidStateError(code=error.code, message=error.message)


def _delivery_failed(error: DeliveryFailed) -> ErrorResult:
    from service.entrypoints.graphql import errors as gql

    return gql.DeliveryError(code=error.code, message=error.message)


def _idempotency(error: DomainError) -> ErrorResult:
    from service.entrypoints.graphql import errors as gql

    return gql.IdempotencyError(code=error.code, message=error.message)


def _run_not_found(error: RunNotFound) -> ErrorResult:
    import strawberry

    from service.entrypoints.graphql import errors as gql

    return gql.NotFoundError(code=error.code, message=error.message, job_id=strawberry.ID(error.job_id))


def _unknown_target(error: UnknownTarget) -> ErrorResult:
    from service.entrypoints.graphql import errors as gql

    return gql.TargetNotFoundError(code=error.code, message=error.message, name=error.name)


def _forbidden(error: OperatorTarget) -> ErrorResult:
    from service.entrypoints.graphql import errors as gql

    return gql.ForbiddenError(code=error.code, message=error.message)


ERRORS: list[ErrorRow[Any]] = [
    ErrorRow(ValidationFailed, 422, _invalid),
    ErrorRow(TargetNotFound, 422, _invalid),
    ErrorRow(NoDefaultTarget, 422, _invalid),
    ErrorRow(WebhookUrlRefused, 422, _invalid),
    ErrorRow(TargetExists, 409, _invalid),
    ErrorRow(BuiltInTarget, 409, _invalid_state),
    ErrorRow(TargetsChanged, 409, _invalid_state),
    ErrorRow(RunNotFound, 404, _run_not_found),
    ErrorRow(UnknownTarget, 404, _unknown_target),
    ErrorRow(OperatorTarget, 403, _forbidden),
    ErrorRow(PayloadTooLarge, 413, _invalid),
    ErrorRow(ScheduleNotFound, 404, _not_found),
    ErrorRow(VersionConflict, 412, _version_conflict),
    ErrorRow(InvalidState, 409, _invalid_state),
    ErrorRow(DeliveryFailed, 503, _delivery_failed),
    ErrorRow(IdempotencyKeyReused, 422, _idempotency),
    ErrorRow(IdempotencyKeyInUse, 409, _idempotency),
    ErrorRow(InvalidCursor, 400),
    ErrorRow(Unauthorized, 401, headers=lambda e: {"WWW-Authenticate": www_authenticate(e)}),
    ErrorRow(RateLimited, 429, headers=lambda e: {"Retry-After": str(e.retry_after_seconds)}),
    ErrorRow(KeyNotFound, 404),
    ErrorRow(DomainError, 400),  # an expected failure of a class with no row of its own
]
_ROWS: dict[type[DomainError], ErrorRow[Any]] = {row.error: row for row in ERRORS}


def row_for(error: DomainError) -> ErrorRow[Any]:
    """The row of the error's class, or of its nearest base class that has one."""
    return next(_ROWS[cls] for cls in type(error).__mro__ if cls in _ROWS)


def status_for(error: DomainError) -> int:
    return row_for(error).status


def headers_for(error: DomainError) -> dict[str, str] | None:
    headers = row_for(error).headers
    return headers(error) if headers else None


def graphql_result(error: DomainError) -> ErrorResult:
    """The typed GraphQL result of an expected failure; an error without one is raised again."""
    result = row_for(error).graphql
    if result is None:
        raise error
    return result(error)
