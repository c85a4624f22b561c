"""The public shape of a target: what a key's holder may know of where its runs go.

A target's secrets (a webhook's) are never part of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.domain.runs import iso_seconds
from service.domain.targets import Target, TargetKind


@dataclass(frozen=True)
class TargetShape:
    name: str
    kind: TargetKind
    url: str
    default: bool
    built_in: bool
    created_at: str | None


def present_target(target: Target) -> TargetShape:
    return TargetShape(
        name=target.name,
        kind=target.kind,
        url=target.url,
        default=target.default,
        built_in=target.built_in,
        created_at=iso_seconds(target.created_at) if target.created_at else None,
    )
