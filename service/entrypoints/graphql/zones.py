"""The time zone names the API accepts, for clients that offer a choice of zone (the web UI)."""

from __future__ import annotations

import strawberry

from service.domain.zone_names import accepted_zones, aliases


@strawberry.type(description="An IANA alias the API refuses, and the canonical name to send instead.")
class ZoneAlias:
    name: str
    canonical: str


@strawberry.type(description="The time zone names a schedule may use, and the IANA aliases it may not.")
class TimeZones:
    names: list[str]
    aliases: list[ZoneAlias]


def time_zones() -> TimeZones:
    return TimeZones(
        names=sorted(accepted_zones()),
        aliases=[ZoneAlias(name=name, canonical=canonical) for name, canonical in sorted(aliases().items())],
    )
