"""Delivery to SQS targets against a hand-written fake client: the message contract,
batching, retries, FIFO ids, and the instant of acceptance."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from service.adapters.sqs_batches import MAX_BATCH_BYTES, BatchSender
from service.adapters.sqs_target_sender import SqsTargetSender, target_message
from service.domain.targets import Target, TargetKind
from service.services.target_ports import Delivery, DeliveryOutcome
from tests.fakes import FakeClock

STANDARD_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/deliveries"
FIFO_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/deliveries.fifo"
AT = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
ACCEPTED = datetime(2027, 1, 4, 12, 0, 0, 250_000, tzinfo=UTC)

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


def _deliveries(count: int, payload: str = "p") -> list[Delivery]:
    return [Delivery("team-a", f"00000000-0000-7000-8000-{i:012d}", AT, f"{payload}{i}") for i in range(count)]


class _Sender:
    """The target sender of one queue, as the tests call it."""

    def __init__(self, client: FakeSqsClient, url: str, sleeps: list[float]) -> None:
        batches = BatchSender(client, max_attempts=4, base_delay=0.01, sleep=sleeps.append)
        self._sender = SqsTargetSender(batches, FakeClock(ACCEPTED))
        self._target = Target("team-a", "main", TargetKind.SQS, url)

    def send(self, deliveries: list[Delivery]) -> list[DeliveryOutcome]:
        return self._sender.deliver(self._target, deliveries)


def _sender(client: FakeSqsClient, url: str = STANDARD_URL, sleeps: list[float] | None = None) -> _Sender:
    return _Sender(client, url, sleeps if sleeps is not None else [])


def test_25_runs_go_out_in_batches_of_10_10_and_5_with_one_outcome_each_in_order() -> None:
    client = FakeSqsClient()
    deliveries = _deliveries(25)

    outcomes = _sender(client).send(deliveries)

    assert [len(call) for call in client.calls] == [10, 10, 5]
    assert [o.delivery for o in outcomes] == deliveries
    assert all(o.accepted for o in outcomes)
    assert outcomes[13].message_id == "m-13"


def test_a_run_is_accepted_when_sqs_answers_with_its_message_id() -> None:
    (outcome,) = _sender(FakeSqsClient()).send(_deliveries(1))

    assert outcome.accepted_at == ACCEPTED  # the clock right after SQS's answer


def test_a_batch_never_exceeds_256_kib_of_bodies_and_attributes() -> None:
    client = FakeSqsClient()
    deliveries = _deliveries(5, payload="x" * 100_000)

    outcomes = _sender(client).send(deliveries)

    by_id = {d.job_id: target_message(d, fifo=False) for d in deliveries}
    sizes = [sum(by_id[e["MessageAttributes"]["jobId"]["StringValue"]].size for e in c) for c in client.calls]
    assert [len(call) for call in client.calls] == [2, 2, 1]
    assert all(size <= MAX_BATCH_BYTES for size in sizes)
    assert all(o.accepted for o in outcomes)


def test_the_body_is_the_payload_exactly_with_job_scheduled_for_occurrence_and_namespace_attributes() -> None:
    client = FakeSqsClient()
    delivery = Delivery("team-a", "00000000-0000-7000-8000-000000000001", AT, '  {"a": "ü"}\n')

    _sender(client).send([delivery])

    (entry,) = client.calls[0]
    assert entry["MessageBody"] == '  {"a": "ü"}\n'
    assert entry["MessageAttributes"] == {
        "jobId": {"DataType": "String", "StringValue": "00000000-0000-7000-8000-000000000001"},
        "scheduledFor": {"DataType": "String", "StringValue": "2027-01-04T12:00:00Z"},
        "occurrenceId": {
            "DataType": "String",
            "StringValue": "00000000-0000-7000-8000-000000000001/2027-01-04T12:00:00Z",
        },
        "namespace": {"DataType": "String", "StringValue": "team-a"},
    }
    assert "DelaySeconds" not in entry  # a run reaches its target at its time: no delay


def test_failed_entries_of_a_partial_batch_are_retried_until_they_pass() -> None:
    sleeps: list[float] = []
    client = FakeSqsClient(refuse({"1", "3"}, sender_fault=False), refuse({"3"}, sender_fault=False))

    outcomes = _sender(client, sleeps=sleeps).send(_deliveries(5))

    assert [sorted(e["Id"] for e in call) for call in client.calls] == [["0", "1", "2", "3", "4"], ["1", "3"], ["3"]]
    assert all(o.accepted for o in outcomes)
    assert len(sleeps) == 2  # backed off before each retry


def test_entries_refused_for_a_sender_fault_are_not_retried_and_report_the_error() -> None:
    client = FakeSqsClient(refuse({"0"}, sender_fault=True, code="InvalidMessageContents"))

    outcomes = _sender(client).send(_deliveries(2))

    assert len(client.calls) == 1
    assert not outcomes[0].accepted
    assert outcomes[0].error is not None and outcomes[0].error.startswith("InvalidMessageContents")
    assert outcomes[1].accepted
    assert outcomes[0].permanent  # no retry changes a refused message


def test_entries_that_keep_failing_are_given_up_after_the_last_attempt() -> None:
    always = refuse({"0"}, sender_fault=False, code="ServiceUnavailable")
    client = FakeSqsClient(always, always, always, always, always)

    outcomes = _sender(client).send(_deliveries(1))

    assert len(client.calls) == 4
    assert outcomes[0].message_id is None
    assert outcomes[0].error == "ServiceUnavailable: refused"
    assert not outcomes[0].permanent  # a passing refusal: the stage tries it again later


def test_a_throttled_call_is_tried_again() -> None:
    client = FakeSqsClient(throttled)

    outcomes = _sender(client).send(_deliveries(3))

    assert len(client.calls) == 2
    assert all(o.accepted for o in outcomes)


def test_a_call_that_keeps_failing_reports_every_run_as_not_accepted() -> None:
    client = FakeSqsClient(throttled, throttled, throttled, throttled)

    outcomes = _sender(client).send(_deliveries(2))

    assert len(client.calls) == 4
    assert [o.accepted for o in outcomes] == [False, False]
    assert all("ThrottlingException" in (o.error or "") for o in outcomes)


def test_fifo_messages_carry_the_job_as_group_and_a_digest_of_the_occurrence_as_dedup_id() -> None:
    client = FakeSqsClient()
    (delivery,) = _deliveries(1)

    _sender(client, FIFO_URL).send([delivery])

    (entry,) = client.calls[0]
    assert entry["MessageGroupId"] == delivery.job_id
    assert entry["MessageDeduplicationId"] == hashlib.sha256(delivery.occurrence_id.encode()).hexdigest()
    assert len(entry["MessageDeduplicationId"]) <= 128


def test_standard_messages_carry_no_fifo_ids() -> None:
    client = FakeSqsClient()

    _sender(client).send(_deliveries(3))

    assert not any("MessageGroupId" in e or "MessageDeduplicationId" in e for e in client.calls[0])


@pytest.mark.parametrize("count", [0])
def test_sending_nothing_makes_no_call(count: int) -> None:
    client = FakeSqsClient()

    assert _sender(client).send(_deliveries(count)) == []
    assert client.calls == []
