"""Expected failures in GraphQL: typed results a client selects, and errors with a code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import strawberry
from graphql import GraphQLError

from service.domain.errors import DomainError


@contextmanager
def expected_failures() -> Iterator[None]:
    """Around a resolver's work: an expected failure becomes a GraphQL error with its code."""
    try:
        yield
    except DomainError as exc:
        raise GraphQLError(exc.message, extensions={"code": exc.code}, original_error=exc) from exc


@strawberry.interface(description="An expected failure, with a stable code.")
class Error:
    code: str
    message: str


@strawberry.type
class Problem:
    field: str
    message: str


@strawberry.type
class NotFoundError(Error):
    job_id: strawberry.ID  # an ID, as on Schedule: a client selects jobId on both in one union


@strawberry.type
class ValidationError(Error):
    problems: list[Problem]


@strawberry.type
class VersionConflictError(Error):
    expected_version: int
    actual_version: int | None


@strawberry.type
class InvalidStateError(Error):
    pass


@strawberry.type
class DeliveryError(Error):
    pass


@strawberry.type(description="The namespace has no target of that name.")
class TargetNotFoundError(Error):
    name: str


@strawberry.type(description="Not for a key to do: an SQS target, the stack's own queue, only operators change.")
class ForbiddenError(Error):
    pass


@strawberry.type(
    description="An idempotency key used before with another input (`idempotency_key_reused`), or whose first "
    "request is still running (`idempotency_key_in_use`: retry shortly)."
)
class IdempotencyError(Error):
    pass


ErrorResult = (
    NotFoundError
    | ValidationError
    | VersionConflictError
    | InvalidStateError
    | DeliveryError
    | IdempotencyError
    | TargetNotFoundError
    | ForbiddenError
)
