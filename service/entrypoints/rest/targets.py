"""``GET /targets``: the targets of the key's namespace, and nobody else's."""

from __future__ import annotations

from fastapi import APIRouter

from service.entrypoints.dependencies import Namespace, Targets
from service.entrypoints.offload import in_thread
from service.entrypoints.presenters.targets import present_target
from service.entrypoints.rest.models import ErrorBody, TargetPublic

router = APIRouter()


@router.get(
    "/targets",
    response_model=list[TargetPublic],
    responses={code: {"model": ErrorBody} for code in (401, 429)},
    tags=["targets"],
    description="Where the namespace's runs can go, by name: a schedule names one as `target`, or none for "
    "the one whose `default` is true. Targets are added by operators (`scheduler targets add`); a change "
    "shows here within 10 seconds.",
)
async def list_targets(targets: Targets, namespace: Namespace) -> list[TargetPublic]:
    found = await in_thread(targets.targets, namespace)
    return [TargetPublic.present(present_target(t)) for t in found]
