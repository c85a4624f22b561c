"""The local stack's own calls to its embedded emulator are answered in its process by the
emulator's backends, not through its HTTP server; whoever uses the endpoint from outside
sees the same tables and queues."""

from __future__ import annotations

import sys
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest
from moto.core import serialize

from service.entrypoints.local.emulator import Endpoint, open_endpoint
from service.entrypoints.local.emulator_calls import Arrivals, EmulatorCalls, call_directly
from service.entrypoints.local.emulator_serializer import DynamoDBJSONSerializer


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[Endpoint]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    # The embedded endpoint installs its DynamoDB serializer in this process: only for this test.
    monkeypatch.setattr(serialize, "SERVICE_SPECIFIC_SERIALIZERS", {**serialize.SERVICE_SPECIFIC_SERIALIZERS})
    opened = open_endpoint(None)
    yield opened
    opened.stop()


@pytest.fixture
def switch_often() -> Iterator[None]:
    """Threads take turns as often as in the local stack (which sets 1 ms), or more."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    yield
    sys.setswitchinterval(interval)


def _direct(endpoint: Endpoint, service: str) -> Any:
    session = boto3.Session()
    call_directly(session, endpoint.url)
    return session.client(service, endpoint_url=endpoint.url)  # type: ignore[call-overload]


def _through_server(endpoint: Endpoint, service: str) -> Any:
    return boto3.Session().client(service, endpoint_url=endpoint.url)  # type: ignore[call-overload]


def _table(dynamodb: Any) -> str:
    """A table of its own (the emulator's backends outlive each test)."""
    name = f"emulator-calls-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def test_what_the_stack_writes_in_process_is_what_a_client_of_the_endpoint_reads(endpoint: Endpoint) -> None:
    direct = _direct(endpoint, "dynamodb")
    table = _table(direct)

    direct.put_item(TableName=table, Item={"pk": {"S": "one"}, "v": {"N": "1"}})

    found = _through_server(endpoint, "dynamodb").get_item(TableName=table, Key={"pk": {"S": "one"}})
    assert found["Item"]["v"] == {"N": "1"}


def test_the_embedded_endpoint_answers_dynamodb_with_its_own_serializer(endpoint: Endpoint) -> None:
    assert serialize.get_serializer_class("dynamodb", "json") is DynamoDBJSONSerializer


def test_the_calls_are_answered_without_the_server(endpoint: Endpoint) -> None:
    direct = _direct(endpoint, "dynamodb")
    table = _table(direct)
    url = direct.meta.endpoint_url
    endpoint.stop()  # nothing listens at the endpoint any more

    direct.put_item(TableName=table, Item={"pk": {"S": "two"}})

    assert direct.get_item(TableName=table, Key={"pk": {"S": "two"}})["Item"] == {"pk": {"S": "two"}}
    assert url == endpoint.url


def test_a_refused_condition_reaches_the_caller_as_the_service_s_error(endpoint: Endpoint) -> None:
    direct = _direct(endpoint, "dynamodb")
    table = _table(direct)

    with pytest.raises(direct.exceptions.ConditionalCheckFailedException):
        direct.update_item(
            TableName=table,
            Key={"pk": {"S": "absent"}},
            UpdateExpression="SET v = :v",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":v": {"N": "2"}},
        )


def test_a_queue_made_in_process_has_the_endpoint_s_url_and_its_messages_are_the_servers(endpoint: Endpoint) -> None:
    direct = _direct(endpoint, "sqs")
    url = direct.create_queue(QueueName=f"emulator-calls-{uuid.uuid4().hex[:8]}")["QueueUrl"]

    direct.send_message(
        QueueUrl=url, MessageBody="hi", MessageAttributes={"jobId": {"DataType": "String", "StringValue": "j"}}
    )

    assert url.startswith(endpoint.url + "/")
    (message,) = _through_server(endpoint, "sqs").receive_message(QueueUrl=url, MessageAttributeNames=["All"])[
        "Messages"
    ]
    assert (message["Body"], message["MessageAttributes"]["jobId"]["StringValue"]) == ("hi", "j")


def test_a_request_to_another_address_is_left_to_go_out(endpoint: Endpoint) -> None:
    calls = EmulatorCalls(endpoint.url)
    request = AWSPreparedRequest("POST", "http://127.0.0.1:1/", {}, b"{}", False)

    assert calls("before-send.dynamodb.GetItem", request) is None


def test_a_conditional_write_is_checked_and_made_at_once_whatever_other_threads_do(endpoint: Endpoint) -> None:
    # Each thread reads a counter and moves it on only if nobody has since, as the stack's
    # conditional writes do (the stage and the dispatcher moving one schedule on). DynamoDB
    # checks and writes at once; the emulator's backend does so only one call at a time.
    direct = _direct(endpoint, "dynamodb")
    table = _table(direct)
    direct.put_item(TableName=table, Item={"pk": {"S": "counter"}, "v": {"N": "0"}})
    moved: list[int] = []

    def move_on() -> None:
        for _ in range(100):
            seen = direct.get_item(TableName=table, Key={"pk": {"S": "counter"}}, ConsistentRead=True)["Item"]["v"]
            try:
                direct.update_item(
                    TableName=table,
                    Key={"pk": {"S": "counter"}},
                    UpdateExpression="SET v = :next",
                    ConditionExpression="v = :seen",
                    ExpressionAttributeValues={":seen": seen, ":next": {"N": str(int(seen["N"]) + 1)}},
                )
            except direct.exceptions.ConditionalCheckFailedException:
                continue
            moved.append(1)

    threads = [threading.Thread(target=move_on) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    final = direct.get_item(TableName=table, Key={"pk": {"S": "counter"}}, ConsistentRead=True)["Item"]["v"]["N"]
    assert int(final) == len(moved)  # no two threads moved it on from the same value


def test_a_message_is_received_by_one_of_the_threads_receiving_at_once(endpoint: Endpoint, switch_often: None) -> None:
    # The local consumer and the stage's runner each poll one queue with several threads, as
    # SQS's clients do: SQS hides a received message from every other receive at once; the
    # emulator's backend does so only one receive at a time.
    direct = _direct(endpoint, "sqs")
    url = direct.create_queue(QueueName=f"emulator-calls-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    sent = 400
    for start in range(0, sent, 10):
        direct.send_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": str(start + i)} for i in range(10)]
        )
    received: list[str] = []

    def receive() -> None:
        while True:
            messages = direct.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
                "Messages", []
            )
            if not messages:
                return
            received.extend(m["Body"] for m in messages)

    threads = [threading.Thread(target=receive) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(received, key=int) == [str(n) for n in range(sent)]  # each once


def test_a_receive_that_waits_for_messages_does_not_hold_up_the_send_it_waits_for(endpoint: Endpoint) -> None:
    direct = _direct(endpoint, "sqs")
    url = direct.create_queue(QueueName=f"emulator-calls-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    got: list[dict[str, Any]] = []
    waiting = threading.Thread(
        target=lambda: got.extend(direct.receive_message(QueueUrl=url, WaitTimeSeconds=10).get("Messages", []))
    )
    waiting.start()

    direct.send_message(QueueUrl=url, MessageBody="awaited")  # held until the receive ended, were it guarded
    waiting.join()

    assert [m["Body"] for m in got] == ["awaited"]


def test_the_arrivals_count_each_send_of_the_session_and_nothing_else(endpoint: Endpoint) -> None:
    arrivals = Arrivals()
    session = boto3.Session()
    call_directly(session, endpoint.url, arrivals=arrivals)
    direct = session.client("sqs", endpoint_url=endpoint.url)
    url = direct.create_queue(QueueName=f"emulator-calls-{uuid.uuid4().hex[:8]}")["QueueUrl"]

    direct.send_message(QueueUrl=url, MessageBody="one")
    direct.send_message_batch(QueueUrl=url, Entries=[{"Id": "1", "MessageBody": "two"}])
    direct.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    _through_server(endpoint, "sqs").send_message(QueueUrl=url, MessageBody="from outside: not told")

    assert arrivals.sends == 2
