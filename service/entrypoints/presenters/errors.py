"""What each domain error becomes in an answer: one row per error class, with its HTTP
status (and headers) and its GraphQL result.

The stable code is the error's own (``DomainError.code``): REST sends it as ``error``,
GraphQL as a result's ``code`` or an error's ``extensions.code``. A row without a GraphQL
result is an error no GraphQL field answers with a typed result: raised, it reaches the
client as an error with its code (an invalid cursor), or it is answered before GraphQL
runs (keys, rate limits).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry

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
from service.domain.keys import KeyNotFound, RateLimited, Unauthorized
from service.domain.targets import BuiltInTarget, NoDefaultTarget, TargetExists, TargetNotFound, TargetsChanged
from service.domain.webhook_urls import WebhookUrlRefused
from service.entrypoints.auth import www_authenticate
from service.entrypoints.graphql.errors import (
    DeliveryError,
    ErrorResult,
    ForbiddenError,
    InvalidStateError,
    NotFoundError,
    Problem,
    TargetNotFoundError,
    ValidationError,
    VersionConflictError,
)
from service.services.redelivery import RunNotFound
from service.services.webhook_targets import OperatorTarget, UnknownTarget

E = TypeVar("E", bound=DomainError)


@dataclass(frozen=True)
class ErrorRow(Generic[E]):
    error: type[E]
    status: int
    graphql: Callable[[E], ErrorResult] | None = None
    headers: Callable[[E], dict[str, str]] | None = None


def _invalid(error: ValidationFailed) -> ValidationError:
    problems = [Problem(field=p.field, message=p.message) for p in error.problems]
    return ValidationError(code=error.code, message=error.message, problems=problems)


ERRORS: list[ErrorRow[Any]] = [
    ErrorRow(ValidationFailed, 422, _invalid),
    ErrorRow(TargetNotFound, 422, _invalid),
    ErrorRow(NoDefaultTarget, 422, _invalid),
    ErrorRow(WebhookUrlRefused, 422, _invalid),
    ErrorRow(TargetExists, 409, _invalid),
    ErrorRow(BuiltInTarget, 409, lambda e: InvalidStateError(code=e.code, message=e.message)),
    ErrorRow(TargetsChanged, 409, lambda e: InvalidStateError(code=e.code, message=e.message)),
    ErrorRow(RunNotFound, 404, lambda e: NotFoundError(code=e.code, message=e.message, job_id=strawberry.ID(e.job_id))),
    ErrorRow(UnknownTarget, 404, lambda e: TargetNotFoundError(code=e.code, message=e.message, name=e.name)),
    ErrorRow(OperatorTarget, 403, lambda e: ForbiddenError(code=e.code, message=e.message)),
    ErrorRow(PayloadTooLarge, 413, _invalid),
    ErrorRow(
        ScheduleNotFound,
        404,
        lambda e: NotFoundError(code=e.code, message=e.message, job_id=strawberry.ID(e.job_id)),
    ),
    ErrorRow(
        VersionConflict,
        412,
        lambda e: VersionConflictError(
            code=e.code, message=e.message, expected_version=e.expected, actual_version=e.actual
        ),
    ),
    ErrorRow(InvalidState, 409, lambda e: InvalidStateError(code=e.code, message=e.message)),
    ErrorRow(DeliveryFailed, 503, lambda e: DeliveryError(code=e.code, message=e.message)),
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
