"""A hand-written fake of the target store, for unit tests, and a directory over it."""

from __future__ import annotations

import builtins
from dataclasses import replace
from datetime import timedelta

from service.domain.targets import Target, TargetExists, TargetKind, TargetNotFound, TargetsChanged
from service.domain.webhooks import WebhookConfig
from service.services.target_admin import TargetRegistry
from service.services.targets import TargetDirectory

STACK_QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/scheduler-deliveries"


class InMemoryTargetStore(TargetRegistry):
    def __init__(self, *targets: Target) -> None:
        self.stored: dict[tuple[str, str], Target] = {}
        self.reads = 0
        for target in targets:
            self.add(target)

    def targets(self, namespace: str) -> builtins.list[Target]:
        self.reads += 1
        return [t for (ns, _), t in self.stored.items() if ns == namespace]

    def every_target(self) -> builtins.list[Target]:
        return list(self.stored.values())

    def add(self, target: Target) -> str | None:
        key = (target.namespace, target.name)
        if key in self.stored:
            raise TargetExists(*key)
        replaced = None
        if target.default:
            for other in self.targets(target.namespace):
                if other.default:
                    replaced = other.name
                    self.stored[(other.namespace, other.name)] = replace(other, default=False)
        self.stored[key] = target
        return replaced

    def replace_webhook(self, target: Target, config: WebhookConfig) -> Target:
        stored = self.stored.get((target.namespace, target.name))
        if stored is None or stored.webhook is None or target.webhook is None:
            raise TargetNotFound(target.namespace, target.name)
        if stored.webhook.secret != target.webhook.secret:
            raise TargetsChanged(target.namespace)
        self.stored[(target.namespace, target.name)] = replace(stored, webhook=config)
        return self.stored[(target.namespace, target.name)]

    def remove(self, namespace: str, name: str) -> Target:
        if (namespace, name) not in self.stored:
            raise TargetNotFound(namespace, name)
        return self.stored.pop((namespace, name))


def sqs_target(namespace: str, name: str, *, default: bool = False, queue: str | None = None) -> Target:
    url = f"https://sqs.us-east-1.amazonaws.com/123456789012/{queue or name}"
    return Target(namespace, name, TargetKind.SQS, url, default=default)


def a_directory(*targets: Target) -> TargetDirectory:
    """A directory over ``targets`` (the stack's queue the default namespace's built-in one),
    which reads its store at every question."""
    return TargetDirectory(InMemoryTargetStore(*targets), STACK_QUEUE_URL, cache_ttl=timedelta(0))
