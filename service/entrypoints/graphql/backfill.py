"""GraphQL ``backfillSchedule``: a past range of a schedule's occurrences, delivered now."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from service.domain.errors import DomainError
from service.entrypoints.graphql.errors import DeliveryError, NotFoundError, ValidationError
from service.entrypoints.graphql.types import Run
from service.entrypoints.presenters.errors import graphql_result

if TYPE_CHECKING:
    from service.services.backfill import BackfillService


@strawberry.type(description="The runs a backfill queued, oldest first.")
class Backfill:
    job_id: strawberry.ID
    runs: list[Run]


BackfillResult = Annotated[
    Backfill | NotFoundError | ValidationError | DeliveryError, strawberry.union("BackfillResult")
]


def backfill_schedule(
    info: Info[Any, None],
    job_id: strawberry.ID,
    start: Annotated[str, strawberry.argument(name="from", description="ISO-8601, the range's start (included).")],
    end: Annotated[str, strawberry.argument(name="to", description="ISO-8601, the range's end (included, past).")],
) -> BackfillResult:
    backfills: BackfillService = info.context.backfill
    try:
        done = backfills.backfill(info.context.namespace, str(job_id), start, end)
    except DomainError as exc:
        return graphql_result(exc)  # type: ignore[return-value]
    return Backfill(job_id=strawberry.ID(done.schedule.job_id), runs=[Run.from_domain(r) for r in done.runs])
