"""Which time zone names a schedule may use: the canonical IANA names.

The IANA database names each zone once (a ``Zone`` entry) and keeps other names as
``Link`` entries to it: old names kept for backward compatibility (``US/Eastern``,
``Asia/Calcutta``), and names of zones merged into another (``Europe/Oslo``, since 2022 the
same clock as ``Europe/Berlin``). The ``tzdata`` package ships the database's source in
one file, ``tzdata.zi``, in zic's compact form: ``Z <name> ...`` and ``L <target> <alias>``.

Accepted: every ``Zone`` but ``Factory`` (a placeholder whose abbreviation is "-00"), and
``UTC``, the API's default since the original service, an alias of ``Etc/UTC``. Refused:
the other links, each with its canonical name as the suggestion, and any other name the
system may list (``localtime``, ``posixrules``...).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from service.domain.errors import ValidationFailed, quoted

DEFAULT_ZONE = "UTC"
_NOT_ZONES = frozenset({"Factory"})


@lru_cache(maxsize=1)
def _database() -> tuple[frozenset[str], dict[str, str]]:
    zones: set[str] = set()
    links: dict[str, str] = {}
    source = resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text(encoding="utf-8")
    for line in source.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0] == "Z":
            zones.add(fields[1])
        elif len(fields) == 3 and fields[0] == "L":
            links[fields[2]] = fields[1]
    accepted = frozenset(zones - _NOT_ZONES) | {DEFAULT_ZONE}
    aliases = {alias: _target(alias, links) for alias in links if alias not in accepted}
    return accepted, aliases


def _target(alias: str, links: dict[str, str]) -> str:
    target = links[alias]
    for _ in range(len(links)):  # zic allows a link to a link; tzdata has none today
        if target not in links:
            break
        target = links[target]
    return target


def accepted_zones() -> frozenset[str]:
    return _database()[0]


def aliases() -> dict[str, str]:
    """Every refused IANA alias, with the canonical name it stands for."""
    return dict(_database()[1])


def check_zone_name(name: str) -> str:
    """``name`` if a schedule may use it; ``ValidationFailed`` naming ``timezone`` otherwise."""
    accepted, alias_of = _database()
    if name in accepted:
        return name
    canonical = alias_of.get(name)
    if canonical is not None:
        raise ValidationFailed.single(
            "timezone",
            f"{quoted(name)} is an alias in the IANA time zone database: send its canonical name {canonical!r}",
        )
    folded = {z.casefold(): z for z in accepted}.get(name.casefold())
    hint = f"did you mean {folded!r}?" if folded else "for example 'Europe/Berlin' or 'UTC'"
    raise ValidationFailed.single("timezone", f"{quoted(name)} is not an IANA time zone name ({hint})")
