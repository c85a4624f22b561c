"""GraphQL ``targets``, and the namespace's own webhooks: ``createWebhookTarget``,
``deleteTarget`` and ``rotateTargetSecret`` (``service.services.webhook_targets``), from the
targets' presenter shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import strawberry
from strawberry.types import Info

from service.domain import targets as domain
from service.domain.errors import DomainError
from service.domain.targets import TargetKind
from service.entrypoints.graphql.errors import ForbiddenError, InvalidStateError, TargetNotFoundError, ValidationError
from service.entrypoints.presenters.errors import graphql_result
from service.entrypoints.presenters.schedules import shown
from service.entrypoints.presenters.targets import present_target, present_with_secret, webhook_registration
from service.services.webhook_targets import WithSecret

strawberry.enum(TargetKind, name="TargetKind")


@strawberry.type(description="A webhook's retry policy.")
class WebhookRetry:
    max_attempts: int = strawberry.field(description="Attempts in all.")
    max_age_seconds: int = strawberry.field(description="No attempt later than this after the first.")


@strawberry.type(description="Where a namespace's runs can go: a schedule names one as its target.")
class Target:
    name: str = strawberry.field(description="What a schedule gives as its `target`.")
    kind: TargetKind = strawberry.field(description="SQS: one message on a queue per run; WEBHOOK: one signed POST.")
    url: str = strawberry.field(description="The queue's URL, or the webhook's.")
    default: bool = strawberry.field(description="Takes the runs of the namespace's schedules that name no target.")
    built_in: bool = strawberry.field(description="The stack's own queue (the default namespace's): not removable.")
    created_at: str | None = strawberry.field(description="When it was added; null for the built-in one.")
    timeout_seconds: float | None = strawberry.field(description="A webhook's timeout; null for a queue.")
    content_type: str | None = strawberry.field(description="A webhook's own content-type, if it has one.")
    retry: WebhookRetry | None = strawberry.field(description="A webhook's retry policy; null for a queue.")

    @classmethod
    def from_domain(cls, target: domain.Target) -> Target:
        shape = present_target(target)
        retry = WebhookRetry(**shown(shape.retry)) if shape.retry else None
        return cls(**{**shown(shape), "retry": retry})


@strawberry.type(description="A webhook target and its signing secret, which is shown this once.")
class WebhookTargetWithSecret:
    target: Target
    secret: str = strawberry.field(description="`whsec_...` (Standard Webhooks): keep it, it is never shown again.")


@strawberry.type(description="The target removed.")
class DeletedTarget:
    name: str
    target: Target


@strawberry.input(description="A retry policy; each field null: its default.")
class WebhookRetryInput:
    max_attempts: int | None = strawberry.field(default=None, description="1..10 (default 8, about a day).")
    max_age_seconds: int | None = strawberry.field(default=None, description="1..345600 (default 115200, 32 h).")


@strawberry.input(description="A webhook of the namespace: each run is POSTed to `url`, signed.")
class WebhookTargetInput:
    name: str = strawberry.field(description="Its name in the namespace (a-z, 0-9, '-').")
    url: str = strawberry.field(description="https, to a public address.")
    default: bool = strawberry.field(default=False, description="Make it the namespace's default target.")
    timeout_seconds: float | None = strawberry.field(default=None, description="1..30 seconds (default 10).")
    content_type: str | None = strawberry.field(default=None, description="The deliveries' content-type.")
    retry: WebhookRetryInput | None = None


CreateWebhookTargetResult = Annotated[
    WebhookTargetWithSecret | ValidationError | InvalidStateError, strawberry.union("CreateWebhookTargetResult")
]
DeleteTargetResult = Annotated[
    DeletedTarget | TargetNotFoundError | ForbiddenError, strawberry.union("DeleteTargetResult")
]
RotateTargetSecretResult = Annotated[
    WebhookTargetWithSecret | TargetNotFoundError | ForbiddenError | InvalidStateError,
    strawberry.union("RotateTargetSecretResult"),
]


def namespace_targets(info: Info) -> list[Target]:
    context = info.context
    return [Target.from_domain(t) for t in context.targets.targets(context.namespace)]


def create_webhook_target(info: Info, input: WebhookTargetInput) -> CreateWebhookTargetResult:
    context = info.context
    return _with_secret(lambda: context.webhooks.create(context.namespace, webhook_registration(input)))


def delete_target(info: Info, name: str) -> DeleteTargetResult:
    context = info.context
    try:
        removed = context.webhooks.delete(context.namespace, name)
    except DomainError as exc:
        return graphql_result(exc)  # type: ignore[return-value]
    return DeletedTarget(name=removed.name, target=Target.from_domain(removed))


def rotate_target_secret(info: Info, name: str) -> RotateTargetSecretResult:
    context = info.context
    return _with_secret(lambda: context.webhooks.rotate_secret(context.namespace, name))  # type: ignore[return-value]


def _with_secret(action: Callable[[], WithSecret]) -> CreateWebhookTargetResult:
    try:
        created = action()
    except DomainError as exc:
        return graphql_result(exc)  # type: ignore[return-value]
    shape = present_with_secret(created)
    return WebhookTargetWithSecret(target=Target.from_domain(created.target), secret=shape.secret)
