"""The public shape of a target: what a key's holder may know of where its runs go.

A target's secrets (a webhook's) are never part of it: a webhook's signing secret is
answered once, at registration and at each rotation (``TargetWithSecretShape``).
"""

from __future__ import annotations

from dataclasses import dataclass

from service.domain.runs import iso_seconds
from service.domain.targets import Target, TargetKind
from service.domain.webhooks import RetryInput, WebhookInput
from service.services.webhook_targets import WebhookRegistration, WithSecret


@dataclass(frozen=True)
class RetryShape:
    max_attempts: int
    max_age_seconds: int


@dataclass(frozen=True)
class TargetShape:
    name: str
    kind: TargetKind
    url: str
    default: bool
    built_in: bool
    created_at: str | None
    # A webhook's settings; null for a queue.
    timeout_seconds: float | None = None
    content_type: str | None = None
    retry: RetryShape | None = None


@dataclass(frozen=True)
class TargetWithSecretShape:
    target: TargetShape
    secret: str


def present_target(target: Target) -> TargetShape:
    webhook = target.webhook
    return TargetShape(
        name=target.name,
        kind=target.kind,
        url=target.url,
        default=target.default,
        built_in=target.built_in,
        created_at=iso_seconds(target.created_at) if target.created_at else None,
        timeout_seconds=webhook.timeout_seconds if webhook else None,
        content_type=webhook.content_type if webhook else None,
        retry=RetryShape(webhook.retry.max_attempts, int(webhook.retry.max_age.total_seconds())) if webhook else None,
    )


def present_with_secret(created: WithSecret) -> TargetWithSecretShape:
    return TargetWithSecretShape(present_target(created.target), created.secret)


def webhook_registration(raw: object, kind: object = TargetKind.WEBHOOK.value) -> WebhookRegistration:
    """The use case's registration from a client's: a REST body or a GraphQL input, each with
    ``name``, ``url``, ``default``, ``timeout_seconds``, ``content_type`` and ``retry``."""
    retry = getattr(raw, "retry", None)
    return WebhookRegistration(
        name=getattr(raw, "name", None),
        url=getattr(raw, "url", None),
        kind=getattr(raw, "kind", kind),
        default=bool(getattr(raw, "default", False)),
        settings=WebhookInput(
            timeout_seconds=getattr(raw, "timeout_seconds", None),
            content_type=getattr(raw, "content_type", None),
            retry=RetryInput(retry.max_attempts, retry.max_age_seconds) if retry is not None else None,
        ),
    )
