"""Every rule of ``define()``: what a client may send, and the message it gets otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.domain.errors import PayloadTooLarge, ValidationFailed
from service.domain.recurrence import RecurrenceKind
from service.domain.schedule import MAX_MINUTE, MAX_PAYLOAD_BYTES, ScheduleInput, define

MINUTE_2027_03_28_0930 = int(datetime(2027, 3, 28, 9, 30, tzinfo=UTC).timestamp()) // 60


def _problems(raw: ScheduleInput) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        define(raw)
    return {p.field: p.message for p in caught.value.problems}


def test_a_seed_style_one_time_definition_is_valid() -> None:
    definition = define(ScheduleInput(payload="cool stuff", minute=27789898, recurring="none"))

    assert definition.payload == "cool stuff"
    assert definition.recurrence.kind is RecurrenceKind.NONE
    assert definition.run_at == datetime(2022, 11, 2, 12, 58, tzinfo=UTC)  # 27789898 * 60 s
    assert definition.timezone == "UTC"


def test_an_empty_payload_is_refused() -> None:
    assert _problems(ScheduleInput(payload="", minute=MINUTE_2027_03_28_0930)) == {"payload": "must not be empty"}


def test_a_payload_of_exactly_256_kib_is_accepted() -> None:
    definition = define(ScheduleInput(payload="x" * MAX_PAYLOAD_BYTES, minute=MINUTE_2027_03_28_0930))

    assert len(definition.payload) == MAX_PAYLOAD_BYTES


def test_a_payload_over_256_kib_in_utf8_is_payload_too_large_naming_the_limit() -> None:
    # 87,382 three-byte characters: under the limit in characters, over it in bytes.
    payload = "€" * (MAX_PAYLOAD_BYTES // 3 + 1)

    with pytest.raises(PayloadTooLarge) as caught:
        define(ScheduleInput(payload=payload, minute=MINUTE_2027_03_28_0930))

    assert caught.value.code == "payload_too_large"
    assert caught.value.problems[0].field == "payload"
    assert "262144 bytes (256 KiB)" in caught.value.problems[0].message


@pytest.mark.parametrize("char", ["\x00", "\x08", "\ufffe", "\ud800"])
def test_a_payload_with_characters_sqs_refuses_is_refused_with_the_position(char: str) -> None:
    problems = _problems(ScheduleInput(payload=f"ab{char}", minute=MINUTE_2027_03_28_0930))

    assert f"U+{ord(char):04X} at position 2" in problems["payload"]


def test_tabs_newlines_and_emoji_are_allowed_in_a_payload() -> None:
    assert define(ScheduleInput(payload="a\tb\r\nc 🎉", minute=MINUTE_2027_03_28_0930)).payload == "a\tb\r\nc 🎉"


def test_an_unknown_recurring_value_names_the_allowed_ones() -> None:
    problems = _problems(ScheduleInput(payload="x", recurring="hourly", minute=MINUTE_2027_03_28_0930))

    assert problems == {"recurring": "'hourly' is not one of 'none', 'daily', 'weekly', 'cron', 'interval'"}


def test_an_unknown_time_zone_is_refused_with_an_example() -> None:
    problems = _problems(ScheduleInput(payload="x", timezone="Mars/Olympus", minute=MINUTE_2027_03_28_0930))

    assert "'Mars/Olympus' is not an IANA time zone name" in problems["timezone"]


@pytest.mark.parametrize("name", ["../../etc/passwd", "", "europe/berlin"])
def test_zone_names_that_are_not_listed_are_refused(name: str) -> None:
    assert "timezone" in _problems(ScheduleInput(payload="x", timezone=name, minute=MINUTE_2027_03_28_0930))


def test_a_cron_rule_with_four_fields_says_it_needs_five() -> None:
    problems = _problems(ScheduleInput(payload="x", recurring="cron", cron="0 9 * *"))

    assert "has 4 fields; a cron expression has five" in problems["cron"]


@pytest.mark.parametrize("cron", ["61 * * * *", "0 25 * * *", "0 9 * 13 *", "0 9 * * FOO", "*/0 * * * *"])
def test_a_cron_rule_with_bad_values_is_refused(cron: str) -> None:
    problems = _problems(ScheduleInput(payload="x", recurring="cron", cron=cron))

    assert "is not a valid cron expression" in problems["cron"]


def test_a_cron_rule_needs_its_expression() -> None:
    assert _problems(ScheduleInput(payload="x", recurring="cron")) == {"cron": "is required when recurring is 'cron'"}


def test_a_cron_expression_with_another_recurring_value_is_refused() -> None:
    problems = _problems(ScheduleInput(payload="x", recurring="daily", cron="0 9 * * *", minute=1))

    assert problems == {"cron": "is only allowed when recurring is 'cron'"}


def test_a_cron_rule_is_normalized_to_single_spaces() -> None:
    definition = define(ScheduleInput(payload="x", recurring="cron", cron="  0  9 * *   MON-FRI "))

    assert definition.recurrence.cron == "0 9 * * MON-FRI"
    assert definition.run_at is None


def test_minute_and_run_at_naming_different_times_are_refused() -> None:
    problems = _problems(ScheduleInput(payload="x", minute=MINUTE_2027_03_28_0930 + 1, run_at="2027-03-28T09:30:00Z"))

    assert "name different times; give one of them" in problems["minute"]


def test_minute_and_run_at_naming_the_same_time_are_accepted_with_run_at_seconds() -> None:
    definition = define(ScheduleInput(payload="x", minute=MINUTE_2027_03_28_0930, run_at="2027-03-28T09:30:15Z"))

    assert definition.run_at == datetime(2027, 3, 28, 9, 30, 15, tzinfo=UTC)


def test_neither_minute_nor_run_at_is_refused_for_a_one_time_schedule() -> None:
    problems = _problems(ScheduleInput(payload="x"))

    assert problems == {"runAt": "one of runAt or minute is required, unless immediate is true or recurring is 'cron'"}


def test_an_immediate_one_time_schedule_needs_no_time() -> None:
    definition = define(ScheduleInput(payload="x", immediate=True))

    assert definition.immediate is True
    assert definition.run_at is None


def test_a_daily_schedule_needs_a_time_of_day_even_when_immediate() -> None:
    # Without runAt or minute a daily rule has no time of day to repeat at.
    problems = _problems(ScheduleInput(payload="x", recurring="daily", immediate=True))

    assert problems == {"runAt": "one of runAt or minute is required: a daily schedule repeats at it"}


def test_a_run_at_without_offset_is_local_time_in_the_schedule_zone() -> None:
    definition = define(ScheduleInput(payload="x", timezone="Europe/Berlin", run_at="2027-07-01T09:30:00"))

    assert definition.run_at == datetime(2027, 7, 1, 7, 30, tzinfo=UTC)  # CEST is UTC+2


def test_a_local_run_at_in_the_spring_forward_gap_runs_at_the_jump() -> None:
    definition = define(ScheduleInput(payload="x", timezone="Europe/Berlin", run_at="2027-03-28T02:30:00"))

    assert definition.run_at == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)  # 03:00 CEST


def test_a_local_run_at_in_the_repeated_hour_runs_at_its_first_pass() -> None:
    definition = define(ScheduleInput(payload="x", timezone="Europe/Berlin", run_at="2027-10-31T02:30:00"))

    assert definition.run_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST, not CET


def test_a_run_at_with_an_offset_is_that_instant_whatever_the_zone() -> None:
    definition = define(ScheduleInput(payload="x", timezone="Asia/Tokyo", run_at="2027-07-01T09:30:00+02:00"))

    assert definition.run_at == datetime(2027, 7, 1, 7, 30, tzinfo=UTC)


def test_run_at_is_kept_to_whole_seconds() -> None:
    definition = define(ScheduleInput(payload="x", run_at="2027-07-01T09:30:00.987Z"))

    assert definition.run_at == datetime(2027, 7, 1, 9, 30, tzinfo=UTC)


def test_a_run_at_that_is_not_iso_8601_is_refused_with_an_example() -> None:
    problems = _problems(ScheduleInput(payload="x", run_at="next tuesday"))

    assert "'next tuesday' is not an ISO-8601 date and time" in problems["runAt"]


@pytest.mark.parametrize("minute", [-1, MAX_MINUTE + 1, 10**18])
def test_a_minute_out_of_range_is_refused(minute: int) -> None:
    problems = _problems(ScheduleInput(payload="x", minute=minute))

    assert "must be between 0 and" in problems["minute"]


def test_the_last_minute_before_the_year_9000_is_accepted() -> None:
    definition = define(ScheduleInput(payload="x", minute=MAX_MINUTE))

    assert definition.run_at == datetime(8999, 12, 31, 23, 59, tzinfo=UTC)


def test_a_run_at_before_1970_is_refused() -> None:
    assert "runAt" in _problems(ScheduleInput(payload="x", run_at="1969-12-31T23:59:59Z"))


def test_every_broken_rule_is_reported_at_once() -> None:
    problems = _problems(ScheduleInput(payload="", recurring="hourly", timezone="Nowhere/Land", cron="* * * * *"))

    assert set(problems) == {"payload", "recurring", "timezone", "cron"}
