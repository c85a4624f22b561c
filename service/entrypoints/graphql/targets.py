"""GraphQL ``targets``: the targets of the key's namespace, from their presenter shape."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from service.domain import targets as domain
from service.domain.targets import TargetKind
from service.entrypoints.presenters.schedules import shown
from service.entrypoints.presenters.targets import present_target

strawberry.enum(TargetKind, name="TargetKind")


@strawberry.type(description="Where a namespace's runs can go: a schedule names one as its target.")
class Target:
    name: str = strawberry.field(description="What a schedule gives as its `target`.")
    kind: TargetKind = strawberry.field(description="SQS: one message on a queue per run.")
    url: str = strawberry.field(description="The queue's URL.")
    default: bool = strawberry.field(description="Takes the runs of the namespace's schedules that name no target.")
    built_in: bool = strawberry.field(description="The stack's own queue (the default namespace's): not removable.")
    created_at: str | None = strawberry.field(description="When an operator added it; null for the built-in one.")

    @classmethod
    def from_domain(cls, target: domain.Target) -> Target:
        return cls(**shown(present_target(target)))


def namespace_targets(info: Info) -> list[Target]:
    context = info.context
    return [Target.from_domain(t) for t in context.targets.targets(context.namespace)]
