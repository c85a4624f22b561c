"""``POST /schedules/{jobId}/runs/{occurrenceId}/redeliver``: a failed run of the key's
namespace delivered again, now (``service.services.redelivery``)."""

from __future__ import annotations

from fastapi import APIRouter

from service.entrypoints.dependencies import Namespace, Redeliveries
from service.entrypoints.error_responses import error_responses
from service.entrypoints.offload import in_thread
from service.entrypoints.presenters.schedules import present_run
from service.entrypoints.rest.models import RunPublic

router = APIRouter()


@router.post(
    # An occurrence id holds slashes (``<jobId>/<scheduledFor>``): sent as they are, or as %2F.
    "/schedules/{jobId}/runs/{occurrenceId:path}/redeliver",
    response_model=RunPublic,
    responses=error_responses(401, 404, 409, 429, 503),
    tags=["history"],
    description="Deliver a `failed` run again, now: the same occurrenceId and trigger, its target's retry "
    "policy from its first attempt, the schedule's payload as it is now. The answer is the run, `queued`; "
    "its history shows what became of it. Only a failed run (409 otherwise); "
    "`GET /schedules/{jobId}/runs?status=failed` lists them.",
)
async def redeliver_run(jobId: str, occurrenceId: str, redeliveries: Redeliveries, namespace: Namespace) -> RunPublic:
    run = await in_thread(redeliveries.redeliver, namespace, jobId, occurrenceId)
    return RunPublic.present(present_run(run))
