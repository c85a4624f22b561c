"""The local consumer prints one JSON line per delivered message, then deletes it; it reads
every queue it is given, each with several pollers."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from service.domain.targets import Target, TargetKind
from service.entrypoints.local.consumer import Consumer, DefaultTargetQueues, delivery_line, iso_millis
from service.entrypoints.local.emulator_calls import Arrivals

RECEIVED = datetime(2027, 1, 1, 12, 0, 5, 250_000, tzinfo=UTC)


def message(job_id: str = "job-1", scheduled_for: str | None = "2027-01-01T12:00:05Z") -> dict[str, Any]:
    attributes = {
        "jobId": {"DataType": "String", "StringValue": job_id},
        "namespace": {"DataType": "String", "StringValue": "team-a"},
    }
    if scheduled_for is not None:
        attributes["scheduledFor"] = {"DataType": "String", "StringValue": scheduled_for}
    return {"MessageId": "m", "ReceiptHandle": f"rh-{job_id}", "Body": "payload", "MessageAttributes": attributes}


def test_a_delivery_line_has_exactly_the_documented_fields() -> None:
    line = delivery_line(message(), RECEIVED)

    assert line == {
        "event": "delivered",
        "namespace": "team-a",
        "jobId": "job-1",
        "scheduledFor": "2027-01-01T12:00:05Z",
        "receivedAt": "2027-01-01T12:00:05.250Z",
        "latenessMs": 250,
    }


def test_an_early_message_has_a_negative_lateness() -> None:
    assert delivery_line(message(scheduled_for="2027-01-01T12:00:06Z"), RECEIVED)["latenessMs"] == -750


def test_a_message_without_the_contract_attributes_is_still_logged() -> None:
    line = delivery_line({"Body": "from elsewhere", "ReceiptHandle": "x"}, RECEIVED)

    assert line["jobId"] is None
    assert line["namespace"] is None
    assert line["scheduledFor"] is None
    assert line["latenessMs"] is None


def test_a_scheduled_for_that_is_not_a_time_gives_no_lateness() -> None:
    assert delivery_line(message(scheduled_for="soon"), RECEIVED)["latenessMs"] is None


def test_received_at_is_utc_with_milliseconds() -> None:
    assert iso_millis(datetime(2027, 1, 1, 12, 0, 0, 7_900, tzinfo=UTC)) == "2027-01-01T12:00:00.007Z"


class FakeSqs:
    def __init__(self, batches: list[list[dict[str, Any]]]) -> None:
        self.batches = batches
        self.receives: list[dict[str, Any]] = []
        self.deleted: list[str] = []

    def receive_message(self, **kwargs: Any) -> dict[str, Any]:
        self.receives.append(kwargs)
        return {"Messages": self.batches.pop(0)} if self.batches else {}

    def delete_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        self.deleted.extend(entry["ReceiptHandle"] for entry in Entries)
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries]}


def test_receive_once_prints_a_json_line_per_message_and_deletes_them_all() -> None:
    sqs = FakeSqs([[message("a"), message("b")]])
    printed: list[str] = []
    consumer = Consumer(sqs, ["queue-url"], emit=printed.append, clock=lambda: RECEIVED)

    count = consumer.receive_once("queue-url")

    assert count == 2
    assert [json.loads(line)["jobId"] for line in printed] == ["a", "b"]
    assert sqs.deleted == ["rh-a", "rh-b"]
    # The attributes are asked for: without them SQS sends none, and the line has no jobId.
    assert sqs.receives[0]["MessageAttributeNames"] == ["All"]
    assert sqs.receives[0]["QueueUrl"] == "queue-url"


def test_an_empty_receive_prints_and_deletes_nothing() -> None:
    sqs = FakeSqs([])
    printed: list[str] = []

    assert Consumer(sqs, ["queue-url"], emit=printed.append).receive_once("queue-url") == 0
    assert printed == []
    assert sqs.deleted == []


class CountingSqs(FakeSqs):
    """Hands out ``total`` messages, 10 at a time, to whichever poller asks, per queue."""

    def __init__(self, total_per_queue: dict[str, int]) -> None:
        super().__init__([])
        self.left = dict(total_per_queue)
        self.pollers: set[str] = set()
        self.lock = threading.Lock()

    def receive_message(self, **kwargs: Any) -> dict[str, Any]:
        with self.lock:
            self.pollers.add(threading.current_thread().name + "@" + kwargs["QueueUrl"])
            take = min(10, self.left[kwargs["QueueUrl"]])
            self.left[kwargs["QueueUrl"]] -= take
        return {"Messages": [message(f"{kwargs['QueueUrl']}-{i}") for i in range(take)]}

    def delete_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        with self.lock:
            return super().delete_message_batch(QueueUrl, Entries)


def test_every_queue_listed_is_read_by_several_pollers_until_it_is_empty() -> None:
    sqs = CountingSqs({"team-a": 200, "default": 50})
    printed: list[str] = []
    consumer = Consumer(sqs, lambda: ["default", "team-a"], emit=printed.append, poll_interval=0.01, pollers=3)

    consumer.start()
    deadline = time.monotonic() + 10
    while len(printed) < 250 and time.monotonic() < deadline:
        time.sleep(0.01)
    consumer.stop()

    assert len(printed) == 250 and len(sqs.deleted) == 250
    assert len(sqs.pollers) == 6  # three per queue


class LaterSqs(FakeSqs):
    """Empty until a message is put on it; tells when a receive found it empty."""

    def __init__(self) -> None:
        super().__init__([])
        self.found_empty = threading.Event()

    def receive_message(self, **kwargs: Any) -> dict[str, Any]:
        answer = super().receive_message(**kwargs)
        if not answer:
            self.found_empty.set()
        return answer


def test_an_idle_poller_told_of_a_send_reads_the_message_then_not_at_its_next_poll() -> None:
    sqs = LaterSqs()
    arrivals = Arrivals()
    printed: list[str] = []
    read = threading.Event()
    consumer = Consumer(
        sqs,
        ["queue-url"],
        emit=lambda line: (printed.append(line), read.set()),
        poll_interval=60,
        idle_interval=60,
        pollers=1,
        arrivals=arrivals,
    )
    consumer.start()
    assert sqs.found_empty.wait(10)  # idle now, for a minute unless told

    sqs.batches.append([message("sent")])
    arrivals.notify()

    assert read.wait(10), "the poller waited for its next poll"
    consumer.stop()
    assert [json.loads(line)["jobId"] for line in printed] == ["sent"]


def test_a_stopped_consumer_s_idle_pollers_end_without_waiting_out_their_interval() -> None:
    sqs = LaterSqs()
    consumer = Consumer(sqs, ["queue-url"], poll_interval=60, idle_interval=60, pollers=2, arrivals=Arrivals())
    consumer.start()
    assert sqs.found_empty.wait(10)

    consumer.stop(timeout=10)

    assert not any(t.is_alive() for t in threading.enumerate() if t.name.startswith("consumer-"))


class AnsweringSqs:
    """Answers for the queues it has; any other URL is refused as SQS refuses it."""

    def __init__(self, queues: set[str]) -> None:
        self.queues = queues
        self.asked: list[str] = []

    def get_queue_attributes(self, QueueUrl: str, AttributeNames: list[str]) -> dict[str, Any]:
        self.asked.append(QueueUrl)
        if QueueUrl not in self.queues:
            error = {"Error": {"Code": "AWS.SimpleQueueService.NonExistentQueue", "Message": "no such queue"}}
            raise ClientError(error, "GetQueueAttributes")
        return {"Attributes": {"QueueArn": "arn"}}


def sqs_target(namespace: str, name: str, url: str, default: bool = True) -> Target:
    return Target(namespace=namespace, name=name, kind=TargetKind.SQS, url=url, default=default)


def test_the_queues_read_are_the_stack_queue_and_every_namespaces_default_sqs_target() -> None:
    sqs = AnsweringSqs({"stack", "team-a-q", "team-b-q", "team-a-other"})
    targets = [
        sqs_target("team-a", "main", "team-a-q"),
        sqs_target("team-a", "other", "team-a-other", default=False),
        sqs_target("team-b", "main", "team-b-q"),
        sqs_target("team-c", "gone", "team-c-q"),  # not in the emulator
        Target(namespace="team-d", name="hook", kind=TargetKind.WEBHOOK, url="https://example.com/h", default=True),
        sqs_target("default", "default", "stack"),
    ]
    queues = DefaultTargetQueues(sqs, lambda: targets, "stack")

    assert queues() == ["stack", "team-a-q", "team-b-q"]
    assert queues() == ["stack", "team-a-q", "team-b-q"]
    # A queue that answered is not asked again; one that did not is, at each refresh.
    assert sqs.asked.count("team-a-q") == 1 and sqs.asked.count("team-c-q") == 2

    sqs.queues.add("team-c-q")
    assert queues() == ["stack", "team-a-q", "team-b-q", "team-c-q"]
