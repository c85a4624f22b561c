"""Only canonical IANA names are accepted as a schedule's zone; an alias is refused with the
name to send instead; what the system lists beside the database (``localtime``) is refused."""

from __future__ import annotations

from zoneinfo import ZoneInfo, available_timezones

import pytest

from service.domain.errors import ValidationFailed
from service.domain.zone_names import accepted_zones, aliases, check_zone_name


def _refusal(name: str) -> str:
    with pytest.raises(ValidationFailed) as caught:
        check_zone_name(name)
    (problem,) = caught.value.problems
    assert problem.field == "timezone"
    return problem.message


@pytest.mark.parametrize("name", ["UTC", "Etc/UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Etc/GMT+12"])
def test_canonical_names_and_the_default_utc_are_accepted(name: str) -> None:
    assert check_zone_name(name) == name


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("US/Eastern", "America/New_York"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("Europe/Oslo", "Europe/Berlin"),
        ("GMT", "Etc/GMT"),
        ("Zulu", "Etc/UTC"),
    ],
)
def test_an_alias_is_refused_suggesting_its_canonical_name(alias: str, canonical: str) -> None:
    assert f"send its canonical name {canonical!r}" in _refusal(alias)


@pytest.mark.parametrize("name", ["localtime", "Factory", "posixrules", "posix/Europe/Berlin", "Mars/Base", ""])
def test_names_outside_the_database_and_its_placeholder_are_refused(name: str) -> None:
    assert "is not an IANA time zone name" in _refusal(name)


def test_a_name_in_the_wrong_case_is_refused_suggesting_the_right_one() -> None:
    assert "did you mean 'Europe/Berlin'?" in _refusal("europe/berlin")


def test_every_name_the_system_lists_is_accepted_an_alias_or_one_of_the_two_non_zones() -> None:
    listed = available_timezones()

    assert listed - accepted_zones() - set(aliases()) <= {"localtime", "Factory"}
    assert accepted_zones() <= listed | {"UTC"}


def test_every_accepted_name_loads_and_every_alias_points_at_an_accepted_name() -> None:
    for name in accepted_zones():
        ZoneInfo(name)
    assert set(aliases().values()) <= accepted_zones()
    assert not set(aliases()) & accepted_zones()
