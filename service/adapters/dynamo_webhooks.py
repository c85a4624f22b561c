"""A webhook target's settings in its items: with its signing secrets in the target item
(what delivery reads), without them in the operators' ``TARGETS`` record (what a listing
shows), so no listing of every namespace's targets ever carries a secret."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from service.domain.retry_policy import RetryPolicy
from service.domain.webhooks import WebhookConfig

WEBHOOK = "webhook"
# A record's settings have no secret; the target read from it has this one, which signs nothing.
NO_SECRET = ""


def webhook_values(config: WebhookConfig, *, with_secrets: bool) -> dict[str, Any]:
    values: dict[str, Any] = {
        "timeoutSeconds": Decimal(str(config.timeout_seconds)),
        "contentType": config.content_type,
        "retry": {
            "maxAttempts": config.retry.max_attempts,
            "maxAgeSeconds": int(config.retry.max_age.total_seconds()),
        },
    }
    if with_secrets:
        values["secret"] = config.secret
        if config.previous_secret is not None and config.previous_secret_expires_at is not None:
            values["previousSecret"] = config.previous_secret
            values["previousSecretExpiresAt"] = config.previous_secret_expires_at.isoformat()
    return {k: v for k, v in values.items() if v is not None}


def webhook_of(values: dict[str, Any] | None) -> WebhookConfig | None:
    if not values:
        return None
    retry = values.get("retry") or {}
    expires = values.get("previousSecretExpiresAt")
    defaults = RetryPolicy()
    return WebhookConfig(
        secret=str(values.get("secret", NO_SECRET)),
        previous_secret=values.get("previousSecret"),
        previous_secret_expires_at=datetime.fromisoformat(expires) if expires else None,
        timeout_seconds=float(values["timeoutSeconds"]),
        content_type=values.get("contentType"),
        retry=RetryPolicy(
            max_attempts=int(retry.get("maxAttempts", defaults.max_attempts)),
            max_age=timedelta(seconds=int(retry.get("maxAgeSeconds", defaults.max_age.total_seconds()))),
        ),
    )
