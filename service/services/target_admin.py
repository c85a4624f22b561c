"""The operators' use cases on targets: add, list and remove (``scheduler targets``).

SQS targets are declared by operators only, never through a key (SPEC section 4): a key
must never make the service write to a queue the key names. Every input is checked here,
before the store is asked.
"""

from __future__ import annotations

import abc
import builtins
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from service.domain.keys import check_namespace
from service.domain.queue_urls import check_sqs_queue_url
from service.domain.targets import (
    BUILT_IN_NAME,
    DEFAULT_NAMESPACE,
    BuiltInTarget,
    Target,
    TargetExists,
    TargetKind,
    check_target_name,
    is_built_in,
)
from service.domain.webhooks import WebhookConfig
from service.services.target_ports import TargetStore
from service.services.targets import TargetDirectory


class TargetRegistry(TargetStore):
    """Where operators' targets are kept, with the writes that change them."""

    @abc.abstractmethod
    def add(self, target: Target) -> str | None:
        """Store a new target: ``TargetExists`` if its namespace has one of that name. A
        ``default`` one becomes its namespace's default in the same write; the name of the
        default it replaced is returned (None: there was none, or the target is no default)."""

    @abc.abstractmethod
    def remove(self, namespace: str, name: str) -> Target:
        """Remove a target (``TargetNotFound`` if there is none) and, if it was the default,
        the namespace's default with it. The target as it was (its ``default`` included)."""

    @abc.abstractmethod
    def every_target(self) -> builtins.list[Target]:
        """The stored targets of every namespace (a webhook's without its secrets)."""

    @abc.abstractmethod
    def replace_webhook(self, target: Target, config: WebhookConfig) -> Target:
        """Store a webhook target's new settings (a rotated secret) if its secret is still the
        one ``target`` has; ``TargetsChanged`` if another change came first."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AddedTarget:
    target: Target
    replaced_default: str | None  # the name of the default it took over from, if it is the default


@dataclass
class TargetAdmin:
    registry: TargetRegistry
    # The stack's own queue, shown as the default namespace's built-in target ("" if unknown here).
    stack_queue_url: str = ""
    clock: Callable[[], datetime] = utc_now

    def add_sqs(self, namespace: str, name: str, queue_url: str, *, default: bool = False) -> AddedTarget:
        target = Target(
            namespace=check_namespace(namespace),
            name=check_target_name(name, field="name"),
            kind=TargetKind.SQS,
            url=check_sqs_queue_url(queue_url.strip(), field="sqs-queue-url"),
            default=default,
            created_at=self.clock().replace(microsecond=0),
        )
        if is_built_in(namespace, name):
            raise TargetExists(namespace, name)
        replaced = self.registry.add(target)
        if default and replaced is None and namespace == DEFAULT_NAMESPACE:
            replaced = BUILT_IN_NAME  # the stack's own queue was the default until now
        return AddedTarget(target, replaced if default else None)

    def list(self, namespace: str | None = None) -> builtins.list[Target]:
        """Targets by namespace and name; the default namespace's with its built-in one."""
        if namespace is not None:
            return self._directory().targets(check_namespace(namespace))
        others = [t for t in self.registry.every_target() if t.namespace != DEFAULT_NAMESPACE]
        listed = [*self._directory().targets(DEFAULT_NAMESPACE), *others]
        return sorted(listed, key=lambda t: (t.namespace, t.name))

    def remove(self, namespace: str, name: str) -> Target:
        """The removed target; if it was the default, its namespace has none now (the
        default namespace: its built-in one again)."""
        check_namespace(namespace)
        check_target_name(name, field="name")
        if is_built_in(namespace, name):
            raise BuiltInTarget()
        return self.registry.remove(namespace, name)

    def _directory(self) -> TargetDirectory:
        # Nothing remembered: an operator sees the table as it is now.
        return TargetDirectory(self.registry, self.stack_queue_url, cache_ttl=timedelta(0))
