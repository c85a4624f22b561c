"""``POST /schedules/{jobId}/backfill``: a past range of a schedule's occurrences, delivered now."""

from __future__ import annotations

from fastapi import APIRouter

from service.entrypoints.dependencies import Backfills, Namespace
from service.entrypoints.error_responses import error_responses
from service.entrypoints.offload import in_thread
from service.entrypoints.presenters.schedules import present_run
from service.entrypoints.rest.models import BackfillPublic, BackfillRequest, RunPublic

router = APIRouter()


@router.post(
    "/schedules/{jobId}/backfill",
    status_code=201,
    response_model=BackfillPublic,
    responses=error_responses(400, 401, 404, 422, 429, 503),
    tags=["schedules"],
    description="Deliver every occurrence the schedule's rule had between `from` and `to` (both included, at "
    "most 1,000, the range past), now, with trigger `backfill`. Each carries the occurrenceId it would have "
    "had on time, so a consumer that de-duplicates skips those it already handled. The runs are `queued` "
    "in the schedule's runs until the delivery stage delivers them; the schedule itself is unchanged.",
)
async def backfill(jobId: str, body: BackfillRequest, backfills: Backfills, namespace: Namespace) -> BackfillPublic:
    done = await in_thread(backfills.backfill, namespace, jobId, body.start, body.end)
    return BackfillPublic(jobId=done.schedule.job_id, runs=[RunPublic.present(present_run(r)) for r in done.runs])
