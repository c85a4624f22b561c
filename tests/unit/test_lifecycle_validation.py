"""Every new field of a definition is checked, with a message that names it; all problems are
reported at once."""

from __future__ import annotations

import pytest

from service.domain.about import MAX_LABELS, check_about, name_key, parse_label_filter
from service.domain.errors import ValidationFailed
from service.domain.lifecycle import CatchUp
from service.domain.schedule import ScheduleInput, define

DAILY = {"payload": "x", "recurring": "daily", "run_at": "2027-01-05T09:00:00"}


def problems(**fields: object) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        define(ScheduleInput(**{**DAILY, **fields}))  # type: ignore[arg-type]
    return {p.field: p.message for p in caught.value.problems}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "must be 1 to 200 characters, got 0"),
        ({"name": "n" * 201}, "name", "must be 1 to 200 characters, got 201"),
        ({"name": "two\nlines"}, "name", "contains the control character U+000A at position 3"),
        ({"description": "d" * 2001}, "description", "must be 0 to 2000 characters, got 2001"),
        ({"labels": (("Bad Key", "x"),)}, "labels", "'Bad Key' is not a label key"),
        ({"labels": (("team", "not ok"),)}, "labels.team", "'not ok' is not a label value"),
        ({"labels": (("team", "a"), ("team", "b"))}, "labels.team", "is given more than once"),
        ({"labels": tuple((f"k{n}", "v") for n in range(21))}, "labels", "has 21 labels; the limit is 20"),
        ({"start_at": "soon"}, "startAt", "'soon' is not an ISO-8601 date and time"),
        ({"end_at": "2027-13-01T00:00:00"}, "endAt", "is not an ISO-8601 date and time"),
        ({"start_at": "2027-02-01T00:00:00Z", "end_at": "2027-01-01T00:00:00Z"}, "endAt", "must be after startAt"),
        ({"max_runs": 0}, "maxRuns", "must be between 1 and 1,000,000,000, got 0"),
        ({"interval": "PT15M"}, "interval", "is only allowed when recurring is 'interval'"),
        ({"recurring": "interval"}, "interval", "is required when recurring is 'interval'"),
        ({"recurring": "interval", "interval": "PT30S"}, "interval", "between one minute (PT1M) and 366 days"),
        ({"catch_up": "some"}, "catchUp", "'some' is not one of 'latest', 'all', 'none'"),
        ({"immediate": True, "start_at": "2027-02-01T00:00:00Z"}, "immediate", "cannot be combined with startAt"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(fields: dict[str, object], field: str, message: str) -> None:
    found = problems(**fields)

    assert field in found, found
    assert message in found[field]


@pytest.mark.parametrize(("field", "name"), [("start_at", "startAt"), ("end_at", "endAt"), ("max_runs", "maxRuns")])
def test_bounds_are_for_recurring_schedules_only(field: str, name: str) -> None:
    value: object = 3 if field == "max_runs" else "2030-01-01T00:00:00Z"
    found = problems(recurring="none", **{field: value})

    assert found == {name: "is only allowed on a recurring schedule (recurring is 'none')"}


def test_every_problem_is_reported_at_once() -> None:
    found = problems(name="", max_runs=-1, catch_up="x", labels=(("a", "b c"),))

    assert set(found) == {"name", "maxRuns", "catchUp", "labels.a"}


def test_a_valid_definition_keeps_every_new_field() -> None:
    definition = define(
        ScheduleInput(
            payload="x",
            recurring="interval",
            interval="PT15M",
            run_at="2027-01-05T09:00:00Z",
            name="Cool stuff",
            description="what it is for",
            labels=(("team", "payments"), ("example.com/tier", "gold"), ("empty", "")),
            start_at="2027-01-06T00:00:00",
            end_at="2027-03-01T00:00:00",
            max_runs=10,
            catch_up="all",
            timezone="Europe/Berlin",
        )
    )

    fields = definition.schedule_fields()
    assert fields["name"] == "Cool stuff" and fields["description"] == "what it is for"
    assert fields["labels"] == (("empty", ""), ("example.com/tier", "gold"), ("team", "payments"))
    assert fields["start_at"].isoformat() == "2027-01-05T23:00:00+00:00"  # local midnight in Berlin
    assert (fields["max_runs"], fields["catch_up"], fields["interval"].total_seconds()) == (10, CatchUp.ALL, 900)


def test_an_empty_description_is_no_description() -> None:
    about, found = check_about(None, "", None)

    assert (about.description, found) == (None, [])


def test_twenty_labels_are_allowed() -> None:
    _, found = check_about(None, None, [(f"k{n}", "v") for n in range(MAX_LABELS)])

    assert found == []


def test_a_label_filter_is_key_equals_value() -> None:
    assert parse_label_filter("team=payments") == ("team", "payments")
    assert parse_label_filter("tier=") == ("tier", "")
    with pytest.raises(ValidationFailed) as caught:
        parse_label_filter("team")
    assert caught.value.problems[0].field == "label"


def test_names_are_matched_whatever_their_case() -> None:
    assert name_key("Cool Stuff").startswith(name_key("cOOL"))
    assert name_key("STRASSE") == name_key("Straße")
