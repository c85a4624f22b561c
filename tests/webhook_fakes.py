"""Fakes around webhook delivery for unit tests: a webhook sender that answers as the test
scripts it, the stage's dead-letter queue, and webhook targets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from service.domain.retry_policy import RetryPolicy
from service.domain.targets import Target, TargetKind
from service.domain.webhooks import WebhookConfig, new_secret
from service.services.delivery_ports import DeadLetters
from service.services.handoff import HandOffItem
from service.services.target_ports import Delivery, DeliveryOutcome, TargetSender


@dataclass(frozen=True)
class Reply:
    """One answer of the receiver: an HTTP status, or an error before any (a timeout)."""

    status: int | None = 204
    error: str | None = None
    retry_after: timedelta | None = None
    permanent: bool = False


OK = Reply(204)
SERVER_ERROR = Reply(500)
TIMEOUT = Reply(None, error="no answer within 10 s")


def too_many(retry_after: timedelta) -> Reply:
    return Reply(429, retry_after=retry_after)


class ScriptedWebhookSender(TargetSender):
    """Answers each delivery with the next scripted reply (2xx once the script runs out) and
    remembers when each attempt was made."""

    def __init__(self, clock: Callable[[], datetime], *replies: Reply) -> None:
        self.clock = clock
        self.replies = list(replies)
        self.attempts: list[tuple[datetime, Delivery]] = []

    def deliver(self, target: Target, deliveries: Sequence[Delivery]) -> list[DeliveryOutcome]:
        outcomes = []
        for delivery in deliveries:
            self.attempts.append((self.clock(), delivery))
            reply = self.replies.pop(0) if self.replies else OK
            if reply.status is not None and 200 <= reply.status < 300:
                outcomes.append(DeliveryOutcome(delivery, accepted_at=self.clock(), status_code=reply.status))
                continue
            error = reply.error or f"HTTP {reply.status}"
            outcomes.append(
                DeliveryOutcome(
                    delivery,
                    status_code=reply.status,
                    error=error,
                    retry_after=reply.retry_after,
                    permanent=reply.permanent,
                )
            )
        return outcomes

    @property
    def attempt_times(self) -> list[datetime]:
        return [at for at, _ in self.attempts]


class FakeDeadLetters(DeadLetters):
    def __init__(self) -> None:
        self.kept: list[HandOffItem] = []

    def keep(self, items: Sequence[HandOffItem]) -> None:
        self.kept.extend(items)


def webhook_target(
    namespace: str,
    name: str = "billing",
    *,
    default: bool = False,
    url: str = "https://hooks.example.com/billing",
    retry: RetryPolicy | None = None,
) -> Target:
    config = WebhookConfig(secret=new_secret(), retry=retry or RetryPolicy())
    return Target(namespace, name, TargetKind.WEBHOOK, url, default=default, webhook=config)
