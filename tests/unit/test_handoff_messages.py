"""A run handed to the delivery stage, as a message of its queue: its delay, its attributes,
and the run read back from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.adapters.handoff_messages import (
    HANDOFF_ATTRIBUTE,
    MalformedHandOff,
    delay_seconds,
    event_attributes,
    handoff_message,
    read_handoff,
)
from service.domain.runs import RunTrigger
from service.services.handoff import HandOffItem
from service.services.target_ports import Delivery

AT = datetime(2027, 1, 4, 12, 0, 40, tzinfo=UTC)
JOB = "00000000-0000-7000-8000-000000000001"


def _item(**changes: object) -> HandOffItem:
    fields: dict[str, object] = {
        "delivery": Delivery("team-a", JOB, AT, '{"report": "ü"}\n'),
        "trigger": RunTrigger.SCHEDULE,
        "revision": 3,
        "due_run_at": AT - timedelta(minutes=1),
        "handed_off_at": datetime(2027, 1, 4, 12, 0, 0, 300_000, tzinfo=UTC),
        **changes,
    }
    return HandOffItem(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sent_at", "delay"),
    [
        (datetime(2027, 1, 4, 12, 0, 0, 300_000, tzinfo=UTC), 39),  # visible at 12:00:39.3, never after 12:00:40
        (datetime(2027, 1, 4, 12, 0, 0, tzinfo=UTC), 40),  # exactly at its time
        (datetime(2027, 1, 4, 12, 0, 39, 999_000, tzinfo=UTC), 0),
        (datetime(2027, 1, 4, 12, 1, 0, tzinfo=UTC), 0),  # already due: at once
    ],
)
def test_a_run_becomes_visible_at_its_time_or_up_to_a_second_before_never_after(sent_at: datetime, delay: int) -> None:
    assert delay_seconds(_item(), sent_at) == delay
    visible = sent_at + timedelta(seconds=delay)
    assert visible <= max(AT, sent_at) and (AT - visible < timedelta(seconds=1) or sent_at >= AT)


def test_a_run_further_ahead_than_15_minutes_waits_the_longest_delay_sqs_allows() -> None:
    item = _item(not_before=AT + timedelta(hours=2))

    assert delay_seconds(item, AT) == 900


def test_the_message_carries_the_payload_exactly_the_target_attributes_and_the_hand_off() -> None:
    message = handoff_message(_item(), _item().handed_off_at)
    attributes = {name: value["StringValue"] for name, value in message.attributes.items()}

    assert message.body == '{"report": "ü"}\n'
    assert attributes["jobId"] == JOB
    assert attributes["scheduledFor"] == "2027-01-04T12:00:40Z"
    assert attributes["occurrenceId"] == f"{JOB}/2027-01-04T12:00:40Z"
    assert attributes["namespace"] == "team-a"
    assert set(attributes) == {"jobId", "scheduledFor", "occurrenceId", "namespace", HANDOFF_ATTRIBUTE}


@pytest.mark.parametrize(
    "item",
    [
        _item(),
        _item(
            delivery=Delivery("default", JOB, AT, "x", run_id="00000000-0000-7000-8000-0000000000ff"), due_run_at=None
        ),
        _item(trigger=RunTrigger.IMMEDIATE, not_before=AT + timedelta(seconds=30)),
    ],
)
def test_the_run_read_back_from_its_message_is_the_run_handed_off(item: HandOffItem) -> None:
    message = handoff_message(item, item.handed_off_at)
    attributes = {name: value["StringValue"] for name, value in message.attributes.items()}

    assert read_handoff(message.body, attributes) == item


def test_the_attributes_of_a_lambda_sqs_record_and_of_a_received_message_read_alike() -> None:
    lambda_record = {"messageAttributes": {"jobId": {"stringValue": JOB, "dataType": "String"}}}
    received = {"MessageAttributes": {"jobId": {"StringValue": JOB, "DataType": "String"}}}

    assert event_attributes(lambda_record) == event_attributes(received) == {"jobId": JOB}


@pytest.mark.parametrize(
    "attributes",
    [
        {},
        {"jobId": JOB, "scheduledFor": "2027-01-04T12:00:40Z", "namespace": "team-a", HANDOFF_ATTRIBUTE: "not json"},
        {"jobId": JOB, "scheduledFor": "2027-01-04T12:00:40Z", "namespace": "team-a", HANDOFF_ATTRIBUTE: '{"v": 9}'},
        {"jobId": JOB, "scheduledFor": "yesterday", "namespace": "team-a", HANDOFF_ATTRIBUTE: '{"v": 1}'},
    ],
)
def test_a_message_no_hand_off_wrote_is_refused_as_malformed(attributes: dict[str, str]) -> None:
    with pytest.raises(MalformedHandOff):
        read_handoff("payload", attributes)
