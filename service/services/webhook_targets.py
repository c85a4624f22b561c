"""A namespace's own webhooks, registered, removed and given a new secret through its keys
(``POST /targets``, ``DELETE /targets/{name}``, ``POST /targets/{name}/rotate-secret``,
and their GraphQL mutations).

A key registers webhooks only: an SQS target makes the service write to a queue, and those
are declared by operators (``scheduler targets add``), so a key never adds, removes or
changes one, nor the stack's own queue. A webhook's URL is checked by the SSRF rules and
its host resolved at registration, every address answered checked (a name that resolves
to a private address is refused now, not at its first delivery); the delivery checks it
all again. The signing secret is answered once, at registration and at each rotation.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from service.domain.errors import DomainError, FieldProblem, ValidationFailed, quoted
from service.domain.keys import check_namespace
from service.domain.targets import Target, TargetExists, TargetKind, check_target_name, is_built_in
from service.domain.webhook_urls import WebhookUrl, check_webhook_url
from service.domain.webhooks import WebhookConfig, WebhookInput, new_secret, webhook_config
from service.services.target_admin import TargetRegistry, utc_now
from service.services.targets import TargetDirectory


class AddressCheck(abc.ABC):
    """Resolves a webhook URL's host, as a delivery would."""

    @abc.abstractmethod
    def check(self, url: WebhookUrl) -> None:
        """Raises ``WebhookUrlRefused`` if the host resolves to no address, or to any the
        SSRF rules refuse."""


class UnknownTarget(DomainError):  # noqa: N818 - the names say what failed
    """The namespace has no target of that name (404)."""

    code = "not_found"

    def __init__(self, namespace: str, name: str) -> None:
        self.name = name
        super().__init__(f"namespace {quoted(namespace)} has no target {quoted(name)}")


class OperatorTarget(DomainError):  # noqa: N818 - the names say what failed
    """A target only operators may change: an SQS queue, the stack's own included (403)."""

    code = "forbidden"

    def __init__(self, target: Target) -> None:
        self.name = target.name
        what = "the stack's own queue" if target.built_in else f"an {target.kind.value} target"
        super().__init__(
            f"target {quoted(target.name)} is {what}: only operators change it (scheduler targets); "
            "a key changes the namespace's webhooks only"
        )


@dataclass(frozen=True)
class WebhookRegistration:
    """A webhook as a client registers it, before validation."""

    name: object
    url: object
    kind: object = TargetKind.WEBHOOK.value
    default: bool = False
    settings: WebhookInput = field(default_factory=WebhookInput)


@dataclass(frozen=True)
class WithSecret:
    """A webhook target and its signing secret, which is answered this once."""

    target: Target
    secret: str


@dataclass
class WebhookTargets:
    registry: TargetRegistry
    directory: TargetDirectory  # this instance's: told at once of a change
    addresses: AddressCheck
    allow_loopback: bool = False  # the local stack's setting (Settings.webhook_allow_loopback)
    clock: Callable[[], datetime] = utc_now
    make_secret: Callable[[], str] = new_secret

    def create(self, namespace: str, raw: WebhookRegistration) -> WithSecret:
        """The webhook, stored; every broken rule reported at once, nothing stored then."""
        check_namespace(namespace)
        problems: list[FieldProblem] = []
        name = _checked(lambda: _name(raw.name), problems)
        if raw.kind != TargetKind.WEBHOOK.value:
            problems.append(FieldProblem("kind", _KIND_RULE))
        url = _checked(lambda: check_webhook_url(raw.url, allow_loopback=self.allow_loopback), problems)
        config = _checked(lambda: webhook_config(raw.settings, self.make_secret), problems)
        if problems:
            raise ValidationFailed(problems)
        assert name is not None and url is not None and config is not None and isinstance(raw.url, str)
        if is_built_in(namespace, name):
            raise TargetExists(namespace, name)
        self.addresses.check(url)
        target = Target(
            namespace=namespace,
            name=name,
            kind=TargetKind.WEBHOOK,
            url=raw.url,
            default=raw.default,
            created_at=self.clock().replace(microsecond=0),
            webhook=config,
        )
        self.registry.add(target)
        self.directory.forget(namespace)
        return WithSecret(target, config.secret)

    def delete(self, namespace: str, name: str) -> Target:
        target = self._webhook(namespace, name)
        removed = self.registry.remove(namespace, target.name)
        self.directory.forget(namespace)
        return removed

    def rotate_secret(self, namespace: str, name: str) -> WithSecret:
        """A new secret; the one it replaces is still accepted for 24 hours."""
        target = self._webhook(namespace, name)
        assert target.webhook is not None
        config: WebhookConfig = target.webhook.rotated(self.make_secret(), self.clock())
        rotated = self.registry.replace_webhook(target, config)
        self.directory.forget(namespace)
        return WithSecret(rotated, config.secret)

    def _webhook(self, namespace: str, name: str) -> Target:
        """The namespace's webhook of that name, read from the store (never a remembered answer)."""
        check_namespace(namespace)
        known = TargetDirectory(self.registry, "", cache_ttl=timedelta(0)).targets(namespace)
        target = next((t for t in known if t.name == name), None)
        if target is None:
            raise UnknownTarget(namespace, name)
        if target.kind is not TargetKind.WEBHOOK or target.webhook is None:
            raise OperatorTarget(target)
        return target


T = TypeVar("T")
_KIND_RULE = (
    "must be 'webhook': a key registers the namespace's webhooks; SQS targets are added by operators "
    "(scheduler targets add)"
)


def _name(value: object) -> str:
    if not isinstance(value, str):
        raise ValidationFailed.single("name", "must be a target name: 1 to 63 of a-z, 0-9 and '-'")
    return check_target_name(value, field="name")


def _checked(check: Callable[[], T], problems: list[FieldProblem]) -> T | None:
    try:
        return check()
    except ValidationFailed as exc:
        problems.extend(exc.problems)
        return None
