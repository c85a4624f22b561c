"""``/targets``: the targets of the key's namespace, and nobody else's; the namespace's own
webhooks registered, removed and given a new secret (``service.services.webhook_targets``)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from service.entrypoints.dependencies import Namespace, Targets, Webhooks
from service.entrypoints.error_responses import error_responses
from service.entrypoints.offload import in_thread
from service.entrypoints.presenters.targets import present_target, present_with_secret, webhook_registration
from service.entrypoints.rest.models import TargetCreate, TargetPublic, TargetWithSecret

router = APIRouter()

_SECRET_ONCE = (
    "The answer holds its signing secret (`whsec_...`, Standard Webhooks): it is shown this once, never "
    "in a listing. Deliveries are signed with it; see docs/webhooks.md to verify them."
)


@router.get(
    "/targets",
    response_model=list[TargetPublic],
    responses=error_responses(401, 429),
    tags=["targets"],
    description="Where the namespace's runs can go, by name: a schedule names one as `target`, or none for "
    "the one whose `default` is true. SQS targets are added by operators (`scheduler targets add`), webhooks "
    "by the namespace (`POST /targets`); a change shows here within 10 seconds. A webhook's secret is never shown.",
)
async def list_targets(targets: Targets, namespace: Namespace) -> list[TargetPublic]:
    found = await in_thread(targets.targets, namespace)
    return [TargetPublic.present(present_target(t)) for t in found]


@router.post(
    "/targets",
    status_code=201,
    response_model=TargetWithSecret,
    responses=error_responses(400, 401, 409, 413, 422, 429),
    tags=["targets"],
    description="Register a webhook of the namespace: each run is POSTed to `url`, signed. The URL must be "
    "https and resolve only to public addresses (checked now and at every delivery). " + _SECRET_ONCE,
)
async def create_webhook(
    body: TargetCreate, response: Response, webhooks: Webhooks, namespace: Namespace
) -> TargetWithSecret:
    created = await in_thread(webhooks.create, namespace, webhook_registration(body))
    response.headers["Location"] = f"/targets/{created.target.name}"
    return TargetWithSecret.present(present_with_secret(created))


@router.delete(
    "/targets/{name}",
    response_model=TargetPublic,
    responses=error_responses(401, 403, 404, 429),
    tags=["targets"],
    description="Remove a webhook of the namespace. SQS targets (the stack's own queue among them) are "
    "removed by operators only (403). Schedules that name it can no longer run until they name another.",
)
async def delete_target(name: str, webhooks: Webhooks, namespace: Namespace) -> TargetPublic:
    return TargetPublic.present(present_target(await in_thread(webhooks.delete, namespace, name)))


@router.post(
    "/targets/{name}/rotate-secret",
    response_model=TargetWithSecret,
    responses=error_responses(401, 403, 404, 409, 429),
    tags=["targets"],
    description="Give a webhook a new signing secret. For 24 hours every delivery is signed with the new "
    "secret and the old one, so a receiver can switch without losing a delivery. " + _SECRET_ONCE,
)
async def rotate_secret(name: str, webhooks: Webhooks, namespace: Namespace) -> TargetWithSecret:
    return TargetWithSecret.present(present_with_secret(await in_thread(webhooks.rotate_secret, namespace, name)))
