"""The targets every function resolves runs to: the stored ones, and the stack's own queue."""

from __future__ import annotations

from typing import Any

from service.config import Settings
from service.domain.targets import Target
from service.services.target_ports import TargetStore
from service.services.targets import TargetDirectory


class NoStoredTargets(TargetStore):
    """A deployment whose namespaces have no targets of their own yet: the default
    namespace's built-in target (the stack's queue) is the only one."""

    def targets(self, namespace: str) -> list[Target]:
        return []


def target_directory(settings: Settings, dynamodb: Any, store: TargetStore | None = None) -> TargetDirectory:
    return TargetDirectory(store or NoStoredTargets(), settings.queue_url)
