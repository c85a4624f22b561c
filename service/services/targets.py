"""Targets by namespace: where a schedule's runs go (``service.domain.targets``).

``TargetStore`` is where operators' (and, for webhooks, namespaces') targets are kept;
``TargetDirectory`` answers the API and the delivery stage from it, with the stack's own
queue as the ``default`` namespace's built-in default target. Answers are remembered for
a short while per warm instance: a target removed is seen within ``cache_ttl``; a target
added is found at once, since a name (or a default) not among those remembered is looked
up in the store again before it is refused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

from service.domain.targets import (
    BUILT_IN_NAME,
    DEFAULT_NAMESPACE,
    NoDefaultTarget,
    Target,
    TargetKind,
    TargetNotFound,
)
from service.services.target_ports import TargetStore

DEFAULT_CACHE_TTL = timedelta(seconds=10)


class TargetDirectory:
    def __init__(
        self,
        store: TargetStore,
        stack_queue_url: str,
        *,
        cache_ttl: timedelta = DEFAULT_CACHE_TTL,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._built_in = Target(DEFAULT_NAMESPACE, BUILT_IN_NAME, TargetKind.SQS, stack_queue_url, built_in=True)
        self._ttl = cache_ttl.total_seconds()
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, list[Target]]] = {}
        self._lock = threading.Lock()

    def targets(self, namespace: str) -> list[Target]:
        """The namespace's targets, by name; for ``default``, the built-in one among them
        (the default one unless an operator made another the default)."""
        return self._lookup(namespace)[0]

    def resolve(self, namespace: str, name: str | None) -> Target:
        """The target a schedule of ``namespace`` naming ``name`` (None: none) delivers to.

        Raises ``TargetNotFound`` or ``NoDefaultTarget`` (422s naming ``target``).
        """
        targets, remembered = self._lookup(namespace)
        found = _pick(targets, name)
        if found is None and remembered:  # added since it was remembered?
            self.forget(namespace)
            found = _pick(self._lookup(namespace)[0], name)
        if found is None:
            raise NoDefaultTarget(namespace) if name is None else TargetNotFound(namespace, name)
        return found

    def _lookup(self, namespace: str) -> tuple[list[Target], bool]:
        """The namespace's targets, and whether they are remembered rather than just read."""
        with self._lock:
            cached = self._cache.get(namespace)
            if cached is not None and self._monotonic() < cached[0]:
                return cached[1], True
        found = self._with_built_in(namespace, self._store.targets(namespace))
        with self._lock:
            self._cache[namespace] = (self._monotonic() + self._ttl, found)
        return found, False

    def forget(self, namespace: str | None = None) -> None:
        """Drop what is remembered (of one namespace, or all): the next answer reads the store."""
        with self._lock:
            if namespace is None:
                self._cache.clear()
            else:
                self._cache.pop(namespace, None)

    def _with_built_in(self, namespace: str, stored: list[Target]) -> list[Target]:
        if namespace != DEFAULT_NAMESPACE or any(t.name == BUILT_IN_NAME for t in stored):
            return sorted(stored, key=lambda t: t.name)
        has_default = any(t.default for t in stored)
        built_in = Target(
            self._built_in.namespace,
            self._built_in.name,
            self._built_in.kind,
            self._built_in.url,
            default=not has_default,
            built_in=True,
        )
        return sorted([*stored, built_in], key=lambda t: t.name)


def _pick(targets: list[Target], name: str | None) -> Target | None:
    """The target named ``name``, or the default one for None."""
    if name is None:
        return next((t for t in targets if t.default), None)
    return next((t for t in targets if t.name == name), None)
