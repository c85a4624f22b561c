"""The message contract of SPEC section 4, as a consumer reads it from (moto) SQS."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from service.adapters.sqs_sender import SqsSender
from service.bootstrap.api import ApiContainer
from service.domain.schedule import ScheduleInput
from service.services.ports import Occurrence
from tests.conftest import Aws, received

JOB = "00000000-0000-7000-8000-000000000001"
AT = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def _attributes(message: dict[str, object]) -> dict[str, str]:
    attributes = message["MessageAttributes"]
    assert isinstance(attributes, dict)
    return {name: value["StringValue"] for name, value in attributes.items()}


def test_the_body_is_the_payload_exactly_and_the_attributes_identify_the_occurrence(aws: Aws) -> None:
    payload = '  {"task": "report", "for": "Zoë"}\r\n\t🎉 '
    sender = SqsSender(aws.sqs, aws.queue_url)

    (outcome,) = sender.send([Occurrence(JOB, AT, payload)])

    (message,) = received(aws)
    assert message["Body"] == payload
    assert message["MessageId"] == outcome.message_id
    assert _attributes(message) == {
        "jobId": JOB,
        "scheduledFor": "2027-01-04T12:00:00Z",
        "occurrenceId": f"{JOB}/2027-01-04T12:00:00Z",
    }


def test_a_256_kib_payload_is_delivered_whole(aws: Aws) -> None:
    payload = "x" * (256 * 1024)

    (outcome,) = SqsSender(aws.sqs, aws.queue_url).send([Occurrence(JOB, AT, payload)])

    assert outcome.delivered, outcome.error
    (message,) = received(aws)
    assert message["Body"] == payload


def test_many_occurrences_arrive_once_each(aws: Aws) -> None:
    occurrences = [Occurrence(f"00000000-0000-7000-8000-{n:012d}", AT, f"job {n}") for n in range(23)]

    outcomes = SqsSender(aws.sqs, aws.queue_url).send(occurrences)

    assert all(o.delivered for o in outcomes)
    assert sorted(m["Body"] for m in received(aws)) == sorted(f"job {n}" for n in range(23))


def test_on_a_fifo_queue_the_group_is_the_job_and_a_repeat_of_an_occurrence_is_dropped(aws: Aws) -> None:
    sender = SqsSender(aws.sqs, aws.fifo_queue_url)
    occurrence = Occurrence(JOB, AT, "fifo payload")

    sender.send([occurrence])
    sender.send([occurrence])  # a repeat after a crash: same occurrenceId

    (message,) = received(aws, aws.fifo_queue_url)
    assert message["Body"] == "fifo payload"
    attributes = message["Attributes"]
    assert isinstance(attributes, dict)
    assert attributes["MessageGroupId"] == JOB
    assert attributes["MessageDeduplicationId"] == hashlib.sha256(occurrence.occurrence_id.encode()).hexdigest()
    assert _attributes(message)["occurrenceId"] == f"{JOB}/2027-01-04T12:00:00Z"


def test_an_immediate_schedule_created_through_the_service_reaches_the_queue_with_its_job_id(
    aws: Aws, container: ApiContainer
) -> None:
    created = container.schedules.create("default", ScheduleInput(payload="now please", immediate=True))

    (message,) = received(aws)
    assert message["Body"] == "now please"
    assert _attributes(message)["jobId"] == created.job_id
    assert created.last_run is not None
    assert _attributes(message)["occurrenceId"] == created.last_run.occurrence_id
