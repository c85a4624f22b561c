"""The message contract of SPEC section 4, as a consumer reads it from (moto) SQS, and the
hand-off queue's messages as the delivery function reads them back."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta

from service.adapters.handoff_messages import event_attributes, read_handoff
from service.adapters.sqs_handoff import SqsHandOff
from service.adapters.sqs_target_sender import SqsTargetSender
from service.bootstrap.api import ApiContainer
from service.domain.runs import RunTrigger
from service.domain.schedule import ScheduleInput
from service.domain.targets import Target, TargetKind
from service.services.handoff import HandOffItem
from service.services.target_ports import Delivery
from tests.conftest import Aws, Stage, received
from tests.fakes import FakeClock

JOB = "00000000-0000-7000-8000-000000000001"
AT = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def _attributes(message: dict[str, object]) -> dict[str, str]:
    attributes = message["MessageAttributes"]
    assert isinstance(attributes, dict)
    return {name: value["StringValue"] for name, value in attributes.items()}


def _target(url: str) -> Target:
    return Target("team-a", "main", TargetKind.SQS, url)


def test_the_body_is_the_payload_exactly_and_the_attributes_identify_the_occurrence(aws: Aws) -> None:
    payload = '  {"task": "report", "for": "Zoë"}\r\n\t🎉 '
    sender = SqsTargetSender.over(aws.sqs, FakeClock(AT))

    (outcome,) = sender.deliver(_target(aws.queue_url), [Delivery("team-a", JOB, AT, payload)])

    (message,) = received(aws)
    assert message["Body"] == payload
    assert message["MessageId"] == outcome.message_id
    assert _attributes(message) == {
        "jobId": JOB,
        "scheduledFor": "2027-01-04T12:00:00Z",
        "occurrenceId": f"{JOB}/2027-01-04T12:00:00Z",
        "namespace": "team-a",
    }


def test_a_256_kib_payload_is_delivered_whole(aws: Aws) -> None:
    payload = "x" * (256 * 1024)

    (outcome,) = SqsTargetSender.over(aws.sqs, FakeClock(AT)).deliver(
        _target(aws.queue_url), [Delivery("team-a", JOB, AT, payload)]
    )

    assert outcome.accepted, outcome.error
    (message,) = received(aws)
    assert message["Body"] == payload


def test_many_runs_arrive_once_each(aws: Aws) -> None:
    deliveries = [Delivery("team-a", f"00000000-0000-7000-8000-{n:012d}", AT, f"job {n}") for n in range(23)]

    outcomes = SqsTargetSender.over(aws.sqs, FakeClock(AT)).deliver(_target(aws.queue_url), deliveries)

    assert all(o.accepted for o in outcomes)
    assert sorted(m["Body"] for m in received(aws)) == sorted(f"job {n}" for n in range(23))


def test_on_a_fifo_queue_the_group_is_the_job_and_a_repeat_of_an_occurrence_is_dropped(aws: Aws) -> None:
    sender = SqsTargetSender.over(aws.sqs, FakeClock(AT))
    delivery = Delivery("team-a", JOB, AT, "fifo payload")

    sender.deliver(_target(aws.fifo_queue_url), [delivery])
    sender.deliver(_target(aws.fifo_queue_url), [delivery])  # a repeat after a crash: same occurrenceId

    (message,) = received(aws, aws.fifo_queue_url)
    assert message["Body"] == "fifo payload"
    attributes = message["Attributes"]
    assert isinstance(attributes, dict)
    assert attributes["MessageGroupId"] == JOB
    assert attributes["MessageDeduplicationId"] == hashlib.sha256(delivery.occurrence_id.encode()).hexdigest()
    assert _attributes(message)["occurrenceId"] == f"{JOB}/2027-01-04T12:00:00Z"


def test_a_run_handed_off_to_the_stage_queue_on_sqs_reads_back_as_the_same_run_with_its_delay(aws: Aws) -> None:
    queue_url = aws.sqs.create_queue(QueueName="scheduler-test-handoff")["QueueUrl"]
    now = datetime.now(UTC).replace(microsecond=0)  # a message keeps times to the millisecond
    item = HandOffItem(
        delivery=Delivery("team-a", JOB, (now + timedelta(seconds=2)).replace(microsecond=0), "büro"),
        trigger=RunTrigger.SCHEDULE,
        revision=4,
        due_run_at=(now + timedelta(seconds=2)).replace(microsecond=0),
        handed_off_at=now,
    )
    calls = _recording(aws)

    (outcome,) = SqsHandOff.over(aws.sqs, queue_url, lambda: now).hand_off([item])

    assert outcome.handed_off, outcome.error
    ((entry,),) = calls
    assert entry["DelaySeconds"] in (1, 2)  # at its second, or up to one before: never after
    assert aws.sqs.receive_message(QueueUrl=queue_url).get("Messages", []) == []  # not yet visible
    message = _receive_within(aws, queue_url, seconds=5)
    assert read_handoff(message["Body"], event_attributes(message)) == item


def test_an_immediate_schedule_created_through_the_service_reaches_the_queue_with_its_job_id(
    aws: Aws, container: ApiContainer, stage: Stage
) -> None:
    created = container.schedules.create("default", ScheduleInput(payload="now please", immediate=True))
    stage.deliver()

    (message,) = received(aws)
    assert message["Body"] == "now please"
    assert _attributes(message)["jobId"] == created.job_id
    assert _attributes(message)["namespace"] == "default"
    assert _attributes(message)["occurrenceId"] == f"{created.job_id}/2027-01-04T12:00:00Z"


def _recording(aws: Aws) -> list[list[dict[str, object]]]:
    """Every SendMessageBatch's entries, as the client is asked for them."""
    calls: list[list[dict[str, object]]] = []
    aws.sqs.meta.events.register(
        "provide-client-params.sqs.SendMessageBatch", lambda params, **_: calls.append(params["Entries"])
    )
    return calls


def _receive_within(aws: Aws, queue_url: str, seconds: float) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        messages = aws.sqs.receive_message(
            QueueUrl=queue_url, MessageAttributeNames=["All"], AttributeNames=["All"]
        ).get("Messages", [])
        if messages:
            return dict(messages[0])
        time.sleep(0.1)
    raise AssertionError(f"nothing became visible within {seconds} s")
