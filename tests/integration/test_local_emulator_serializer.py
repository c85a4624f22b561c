"""The embedded emulator's DynamoDB answers, written by the local stack's serializer, are
moto's own answers: every kind of attribute value, nested ones too, in every call that
answers with items."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import serialize

from service.entrypoints.local import emulator_serializer

TABLE = "serializer"

EVERY_KIND = {
    "pk": {"S": "item#1"},
    "sk": {"S": "a"},
    "s": {"S": 'text with ünïcode and "quotes"'},
    "empty": {"S": ""},
    "n": {"N": "-12.50"},
    "big": {"N": "123456789012345678901234567890"},
    "b": {"B": b"\x00\x01binary\xff"},
    "ss": {"SS": ["one", "two"]},
    "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"\x00", b"\xfe\xff"]},
    "yes": {"BOOL": True},
    "no": {"BOOL": False},
    "null": {"NULL": True},
    "list": {"L": [{"S": "x"}, {"N": "1"}, {"B": b"\x10"}, {"L": []}, {"M": {}}]},
    "map": {
        "M": {
            "inner": {"M": {"deep": {"BS": [b"\x01"]}, "flag": {"BOOL": False}}},
            "items": {"L": [{"M": {"b": {"B": b"\x02"}}}, {"NULL": True}]},
            "ss": {"SS": ["z"]},
        }
    },
}


def _calls(client: Any) -> dict[str, Callable[[], Any]]:
    key = {"pk": {"S": "item#1"}, "sk": {"S": "a"}}
    return {
        "GetItem": lambda: client.get_item(TableName=TABLE, Key=key, ConsistentRead=True),
        "Query": lambda: client.query(
            TableName=TABLE, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": "item#1"}}
        ),
        "Query on the index": lambda: client.query(
            TableName=TABLE,
            IndexName="by-n",
            KeyConditionExpression="sk = :sk AND n < :n",
            ExpressionAttributeValues={":sk": {"S": "a"}, ":n": {"N": "0"}},
        ),
        "Query with a projection": lambda: client.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            ProjectionExpression="#m.inner, bs, #l",
            ExpressionAttributeNames={"#m": "map", "#l": "list"},
            ExpressionAttributeValues={":pk": {"S": "item#1"}},
        ),
        "Scan": lambda: client.scan(TableName=TABLE),
        "BatchGetItem": lambda: client.batch_get_item(RequestItems={TABLE: {"Keys": [key]}}),
        "TransactGetItems": lambda: client.transact_get_items(
            TransactItems=[{"Get": {"TableName": TABLE, "Key": key}}]
        ),
        "UpdateItem": lambda: client.update_item(
            TableName=TABLE,
            Key=key,
            UpdateExpression="SET touched = :t",
            ExpressionAttributeValues={":t": {"N": "1"}},
            ReturnValues="ALL_NEW",
        ),
        "DescribeTable": lambda: client.describe_table(TableName=TABLE),
    }


@pytest.fixture
def client(aws_credentials: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setattr(serialize, "SERVICE_SPECIFIC_SERIALIZERS", {**serialize.SERVICE_SPECIFIC_SERIALIZERS})
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "n", "AttributeType": "N"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-n",
                    "KeySchema": [
                        {"AttributeName": "sk", "KeyType": "HASH"},
                        {"AttributeName": "n", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield dynamodb


def _answers(client: Any) -> dict[str, Any]:
    client.put_item(TableName=TABLE, Item=EVERY_KIND)  # as it was before the last round's update
    answers = {}
    for name, call in _calls(client).items():
        answer = call()
        answer.pop("ResponseMetadata")
        answers[name] = answer
    return answers


def test_every_answer_with_items_is_moto_s_own(client: Any) -> None:
    by_moto = _answers(client)

    emulator_serializer.install()
    by_ours = _answers(client)

    assert serialize.get_serializer_class("dynamodb", "json") is emulator_serializer.DynamoDBJSONSerializer
    assert by_ours == by_moto
    assert by_ours["GetItem"]["Item"]["b"] == {"B": b"\x00\x01binary\xff"}  # binaries round-trip, not encoded twice
    assert by_ours["GetItem"]["Item"]["map"]["M"]["inner"]["M"]["deep"] == {"BS": [b"\x01"]}


def test_what_it_writes_a_client_reads_back_as_written(client: Any) -> None:
    client.put_item(TableName=TABLE, Item=EVERY_KIND)
    emulator_serializer.install()
    resource = boto3.resource("dynamodb").Table(TABLE)

    item = resource.get_item(Key={"pk": "item#1", "sk": "a"})["Item"]

    assert item["n"] == Decimal("-12.50")
    assert item["ss"] == {"one", "two"}
    assert item["list"][2].value == b"\x10"
    assert item["map"]["items"][1] is None
