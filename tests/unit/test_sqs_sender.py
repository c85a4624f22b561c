"""The SQS sender against a hand-written fake client: batching, retries, FIFO and delays."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from service.adapters.sqs_sender import MAX_BATCH_BYTES, SqsSender, message_size
from service.services.ports import Occurrence

STANDARD_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/deliveries"
FIFO_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/deliveries.fifo"
AT = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)

Reply = Callable[[list[dict[str, Any]]], dict[str, Any]]


def accept_all(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Successful": [{"Id": e["Id"], "MessageId": f"m-{e['Id']}"} for e in entries], "Failed": []}


def refuse(ids: set[str], *, sender_fault: bool, code: str = "InternalError") -> Reply:
    def reply(entries: list[dict[str, Any]]) -> dict[str, Any]:
        ok = [e for e in entries if e["Id"] not in ids]
        failed = [
            {"Id": e["Id"], "SenderFault": sender_fault, "Code": code, "Message": "refused"}
            for e in entries
            if e["Id"] in ids
        ]
        return {"Successful": accept_all(ok)["Successful"], "Failed": failed}

    return reply


def throttled(_: list[dict[str, Any]]) -> dict[str, Any]:
    raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "SendMessageBatch")


class FakeSqsClient:
    """Answers each ``send_message_batch`` with the next scripted reply (then accepts all)."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.calls: list[list[dict[str, Any]]] = []

    def send_message_batch(self, *, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        assert len(Entries) <= 10
        assert len({e["Id"] for e in Entries}) == len(Entries)
        self.calls.append(Entries)
        reply = self.replies.pop(0) if self.replies else accept_all
        return reply(Entries)


def _occurrences(count: int, payload: str = "p", delay: int = 0) -> list[Occurrence]:
    return [
        Occurrence(f"00000000-0000-7000-8000-{i:012d}", AT, f"{payload}{i}", delay_seconds=delay) for i in range(count)
    ]


def _sender(client: FakeSqsClient, url: str = STANDARD_URL, sleeps: list[float] | None = None) -> SqsSender:
    log = sleeps if sleeps is not None else []
    return SqsSender(client, url, max_attempts=4, base_delay=0.01, sleep=log.append)


def test_25_occurrences_go_out_in_batches_of_10_10_and_5_with_one_outcome_each_in_order() -> None:
    client = FakeSqsClient()
    occurrences = _occurrences(25)

    outcomes = _sender(client).send(occurrences)

    assert [len(call) for call in client.calls] == [10, 10, 5]
    assert [o.occurrence for o in outcomes] == occurrences
    assert all(o.delivered for o in outcomes)
    assert outcomes[13].message_id == "m-13"


def test_a_batch_never_exceeds_256_kib_of_bodies_and_attributes() -> None:
    client = FakeSqsClient()
    occurrences = _occurrences(5, payload="x" * 100_000)

    outcomes = _sender(client).send(occurrences)

    by_id = {o.job_id: o for o in occurrences}
    sizes = [sum(message_size(by_id[e["MessageAttributes"]["jobId"]["StringValue"]]) for e in c) for c in client.calls]
    assert [len(call) for call in client.calls] == [2, 2, 1]
    assert all(size <= MAX_BATCH_BYTES for size in sizes)
    assert all(o.delivered for o in outcomes)


def test_the_body_is_the_payload_exactly_with_job_scheduled_for_and_occurrence_attributes() -> None:
    client = FakeSqsClient()
    occurrence = Occurrence("00000000-0000-7000-8000-000000000001", AT, '  {"a": "ü"}\n')

    _sender(client).send([occurrence])

    (entry,) = client.calls[0]
    assert entry["MessageBody"] == '  {"a": "ü"}\n'
    assert entry["MessageAttributes"] == {
        "jobId": {"DataType": "String", "StringValue": "00000000-0000-7000-8000-000000000001"},
        "scheduledFor": {"DataType": "String", "StringValue": "2027-01-04T12:00:00Z"},
        "occurrenceId": {
            "DataType": "String",
            "StringValue": "00000000-0000-7000-8000-000000000001/2027-01-04T12:00:00Z",
        },
    }


def test_failed_entries_of_a_partial_batch_are_retried_until_they_pass() -> None:
    sleeps: list[float] = []
    client = FakeSqsClient(refuse({"1", "3"}, sender_fault=False), refuse({"3"}, sender_fault=False))

    outcomes = _sender(client, sleeps=sleeps).send(_occurrences(5))

    assert [sorted(e["Id"] for e in call) for call in client.calls] == [["0", "1", "2", "3", "4"], ["1", "3"], ["3"]]
    assert all(o.delivered for o in outcomes)
    assert len(sleeps) == 2  # backed off before each retry


def test_entries_refused_for_a_sender_fault_are_not_retried_and_report_the_error() -> None:
    client = FakeSqsClient(refuse({"0"}, sender_fault=True, code="InvalidMessageContents"))

    outcomes = _sender(client).send(_occurrences(2))

    assert len(client.calls) == 1
    assert not outcomes[0].delivered
    assert outcomes[0].error is not None and outcomes[0].error.startswith("InvalidMessageContents")
    assert outcomes[1].delivered


def test_entries_that_keep_failing_are_given_up_after_the_last_attempt() -> None:
    always = refuse({"0"}, sender_fault=False, code="ServiceUnavailable")
    client = FakeSqsClient(always, always, always, always, always)

    outcomes = _sender(client).send(_occurrences(1))

    assert len(client.calls) == 4
    assert outcomes[0].message_id is None
    assert outcomes[0].error == "ServiceUnavailable: refused"


def test_a_throttled_call_is_tried_again() -> None:
    client = FakeSqsClient(throttled)

    outcomes = _sender(client).send(_occurrences(3))

    assert len(client.calls) == 2
    assert all(o.delivered for o in outcomes)


def test_a_call_that_keeps_failing_reports_every_occurrence_as_not_delivered() -> None:
    client = FakeSqsClient(throttled, throttled, throttled, throttled)

    outcomes = _sender(client).send(_occurrences(2))

    assert len(client.calls) == 4
    assert [o.delivered for o in outcomes] == [False, False]
    assert all("ThrottlingException" in (o.error or "") for o in outcomes)


def test_fifo_messages_carry_the_job_as_group_and_a_digest_of_the_occurrence_as_dedup_id() -> None:
    client = FakeSqsClient()
    (occurrence,) = _occurrences(1, delay=120)

    _sender(client, FIFO_URL).send([occurrence])

    (entry,) = client.calls[0]
    assert entry["MessageGroupId"] == occurrence.job_id
    assert entry["MessageDeduplicationId"] == hashlib.sha256(occurrence.occurrence_id.encode()).hexdigest()
    assert len(entry["MessageDeduplicationId"]) <= 128
    assert "DelaySeconds" not in entry  # FIFO queues take no per-message delay


def test_standard_messages_carry_a_delay_capped_at_15_minutes_and_no_fifo_ids() -> None:
    client = FakeSqsClient()
    occurrences = [*_occurrences(1, delay=0), *_occurrences(1, delay=42), *_occurrences(1, delay=5000)]

    _sender(client).send(occurrences)

    entries = client.calls[0]
    assert [e.get("DelaySeconds") for e in entries] == [None, 42, 900]
    assert not any("MessageGroupId" in e or "MessageDeduplicationId" in e for e in entries)


def test_a_fifo_sender_says_it_cannot_delay_a_message() -> None:
    assert _sender(FakeSqsClient(), FIFO_URL).supports_delay is False
    assert _sender(FakeSqsClient()).supports_delay is True


@pytest.mark.parametrize("count", [0])
def test_sending_nothing_makes_no_call(count: int) -> None:
    client = FakeSqsClient()

    assert _sender(client).send(_occurrences(count)) == []
    assert client.calls == []
