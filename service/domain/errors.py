"""Domain errors: the expected failures a caller can act on.

Entry points map each class to one HTTP status and one GraphQL error code
(see ``service.entrypoints.errors``); nothing else in the domain knows about HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass

# The most of a client's input an error message repeats: enough to recognise it, never
# a 10,000-character zone echoed back in a 20 KB answer.
MAX_QUOTED = 100


def quoted(value: object) -> str:
    """``value`` as error messages show what a client sent: a string in quotes (as ``repr``
    writes it), anything else as text; past ``MAX_QUOTED`` characters, cut with its length."""
    text = value if isinstance(value, str) else str(value)
    clipped = text if len(text) <= MAX_QUOTED else text[:MAX_QUOTED]
    shown = repr(clipped) if isinstance(value, str) else clipped
    if clipped is text:
        return shown
    return f"{shown}… ({len(text)} characters)"


class DomainError(Exception):
    """Base class of every expected failure."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldProblem:
    """One broken rule: the field it concerns (dotted path) and a human message."""

    field: str
    message: str


class ValidationFailed(DomainError):  # noqa: N818 - the names say what failed
    """The input breaks one or more rules; nothing was written."""

    code = "validation_failed"

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls([FieldProblem(field, message)])


class PayloadTooLarge(ValidationFailed):
    """The payload is over the SQS message limit."""

    code = "payload_too_large"


class ScheduleNotFound(DomainError):  # noqa: N818 - the names say what failed
    code = "not_found"

    def __init__(self, job_id: str) -> None:
        super().__init__(f"no schedule with jobId {quoted(job_id)}")
        self.job_id = job_id


class VersionConflict(DomainError):  # noqa: N818 - the names say what failed
    """The caller's expected version is not the stored one (optimistic locking)."""

    code = "version_conflict"

    def __init__(self, job_id: str, expected: int, actual: int | None) -> None:
        actual_text = "it was changed concurrently" if actual is None else f"it is at version {actual}"
        super().__init__(
            f"schedule {quoted(job_id)} is not at version {expected}: {actual_text}; read it again and retry"
        )
        self.job_id = job_id
        self.expected = expected
        self.actual = actual


class InvalidCursor(DomainError):  # noqa: N818 - the names say what failed
    code = "invalid_cursor"

    def __init__(self) -> None:
        super().__init__("cursor is not one this API returned; start again without a cursor")


class DeliveryFailed(DomainError):  # noqa: N818 - the names say what failed
    """The queue refused a message after retries."""

    code = "delivery_failed"


class InvalidState(DomainError):  # noqa: N818 - the names say what failed
    """The action does not apply to the schedule's current state."""

    code = "invalid_state"
