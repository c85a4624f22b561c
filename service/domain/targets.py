"""Targets: where a schedule's runs are delivered (SPEC section 4).

A target belongs to one namespace and has a name there. Its kind says how a run reaches
it: ``sqs``, one message on a standard or FIFO queue; ``webhook``, one signed HTTPS POST.
Each namespace has at most one default target, which takes the runs of its schedules
that name none. The stack's own queue is the default target of the ``default``
namespace (``BUILT_IN_NAME``), so a client of the original service works unchanged.

SQS targets are declared by operators only: a key must never make the service write to a
queue the key names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from service.domain.errors import DomainError, FieldProblem, ValidationFailed, quoted
from service.domain.webhooks import WebhookConfig

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
DEFAULT_NAMESPACE = "default"
# The stack's own queue, the default namespace's default target unless an operator names another.
BUILT_IN_NAME = "default"
ADD_TARGET_COMMAND = "scheduler targets add --namespace {namespace} --name NAME --sqs-queue-url URL --default"


class TargetKind(StrEnum):
    SQS = "sqs"
    WEBHOOK = "webhook"


@dataclass(frozen=True)
class Target:
    namespace: str
    name: str
    kind: TargetKind
    url: str  # the queue URL of an ``sqs`` target, the endpoint of a ``webhook``
    default: bool = False
    created_at: datetime | None = None
    built_in: bool = False  # the stack's own queue: not stored, cannot be removed
    webhook: WebhookConfig | None = None  # a ``webhook`` target's secrets, timeout and retries


def check_target_name(name: str, field: str = "target") -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise ValidationFailed.single(
            field,
            f"{quoted(name)} is not a target name: 1 to 63 lower-case letters, digits or '-', "
            "starting with a letter or digit",
        )
    return name


class TargetNotFound(ValidationFailed):
    """A schedule names a target its namespace does not have (422, naming ``target``)."""

    def __init__(self, namespace: str, name: str) -> None:
        self.namespace, self.name = namespace, name
        super().__init__([FieldProblem("target", f"namespace {quoted(namespace)} has no target {quoted(name)}")])


class NoDefaultTarget(ValidationFailed):
    """A schedule names no target, and its namespace has no default one (422, naming ``target``)."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        command = ADD_TARGET_COMMAND.format(namespace=namespace)
        super().__init__(
            [
                FieldProblem(
                    "target",
                    f"namespace {quoted(namespace)} has no default target: name one of its targets, "
                    f"or ask an operator to add a default one ({command})",
                )
            ]
        )


class TargetExists(ValidationFailed):
    """The namespace already has a target of that name (the built-in one's included)."""

    def __init__(self, namespace: str, name: str) -> None:
        self.namespace, self.name = namespace, name
        taken = "the stack's own queue" if is_built_in(namespace, name) else "a target"
        message = f"namespace {quoted(namespace)} already has {taken} named {quoted(name)}"
        super().__init__([FieldProblem("name", message)])


class BuiltInTarget(DomainError):  # noqa: N818 - the names say what failed
    """The stack's own queue is no stored target: it cannot be removed or replaced."""

    code = "built_in_target"

    def __init__(self) -> None:
        super().__init__(
            f"target {quoted(BUILT_IN_NAME)} of namespace {quoted(DEFAULT_NAMESPACE)} is the stack's own queue: "
            "it cannot be removed (add another target with --default to take its place as the default)"
        )


class TargetsChanged(DomainError):  # noqa: N818 - the names say what failed
    """Others kept changing the namespace's targets while this change was tried."""

    code = "targets_changed"

    def __init__(self, namespace: str) -> None:
        super().__init__(f"the targets of namespace {quoted(namespace)} changed meanwhile; try again")


def is_built_in(namespace: str, name: str) -> bool:
    return namespace == DEFAULT_NAMESPACE and name == BUILT_IN_NAME
