"""`scheduler dev --data FILE`: every item of the table survives a save and a load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from service.adapters.table_schema import ensure_table
from service.entrypoints.local import data_file
from service.entrypoints.local.data_file import DataFileError
from tests.conftest import Aws, table_items


def sample_items(count: int) -> list[dict[str, Any]]:
    """Items with every kind of attribute value the table can hold."""
    items = []
    for index in range(count):
        items.append(
            {
                "pk": {"S": "NS#default"},
                "sk": {"S": f"JOB#{index:04d}"},
                "version": {"N": str(index + 1)},
                "payload": {"S": f"payload {index} with ünïcode"},
                "blob": {"B": bytes([index % 256, 0, 255])},
                "blobs": {"BS": [b"\x00\x01", bytes([index % 256 + 1])]},
                "lastRun": {"M": {"status": {"S": "delivered"}, "latenessMs": {"N": "12"}, "raw": {"B": b"\xff"}}},
                "history": {"L": [{"S": "a"}, {"N": "1"}, {"NULL": True}, {"BOOL": False}]},
                "tags": {"SS": ["x", "y"]},
                "counts": {"NS": ["1", "2.5"]},
            }
        )
    return items


def by_key(items: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(item["pk"]["S"], item["sk"]["S"]): item for item in items}


def test_saved_items_load_back_identical_into_an_empty_table(aws: Aws, tmp_path: Path) -> None:
    # More than one BatchWriteItem (25 items) worth, so the load works in batches.
    items = sample_items(60)
    for item in items:
        aws.dynamodb.put_item(TableName=aws.table_name, Item=item)
    path = tmp_path / "data.json"

    assert data_file.save(aws.dynamodb, aws.table_name, path) == 60

    # As in a new emulator: the table is gone, nothing of it is left but the file.
    aws.dynamodb.delete_table(TableName=aws.table_name)
    ensure_table(aws.dynamodb, aws.table_name)
    assert table_items(aws) == []

    assert data_file.load(aws.dynamodb, aws.table_name, path) == 60

    assert by_key(table_items(aws)) == by_key(items)


def test_the_file_is_plain_json_that_names_its_format(aws: Aws, tmp_path: Path) -> None:
    aws.dynamodb.put_item(TableName=aws.table_name, Item=sample_items(1)[0])
    path = tmp_path / "data.json"

    data_file.save(aws.dynamodb, aws.table_name, path)

    document = json.loads(path.read_text())
    assert (document["format"], document["version"], document["table"]) == (
        "scheduler-local-data",
        2,
        aws.table_name,
    )
    assert document["items"][0]["sk"] == {"S": "JOB#0000"}
    assert not path.with_name("data.json.partial").exists()


def test_loading_a_file_that_does_not_exist_yet_starts_empty(aws: Aws, tmp_path: Path) -> None:
    assert data_file.load(aws.dynamodb, aws.table_name, tmp_path / "first-run.json") == 0
    assert table_items(aws) == []


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"format": "something-else", "version": 1, "items": []}),
        json.dumps({"format": "scheduler-local-data", "version": 99, "items": []}),
        json.dumps({"format": "scheduler-local-data", "version": 1, "items": [{"pk": "not typed"}]}),
    ],
)
def test_a_file_that_cannot_be_read_stops_the_load_and_is_left_as_it_was(
    aws: Aws, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "data.json"
    path.write_text(content)

    with pytest.raises(DataFileError):
        data_file.load(aws.dynamodb, aws.table_name, path)

    assert path.read_text() == content
    assert table_items(aws) == []


def test_saving_replaces_the_previous_file_whole(aws: Aws, tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text("an older save")
    aws.dynamodb.put_item(TableName=aws.table_name, Item=sample_items(1)[0])

    data_file.save(aws.dynamodb, aws.table_name, path)

    assert len(data_file.read_items(path)) == 1


def test_a_data_file_whose_folder_is_missing_is_refused_before_start(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="does not exist"):
        data_file.check_writable(tmp_path / "missing" / "data.json")
    data_file.check_writable(tmp_path / "data.json")  # a new file in an existing folder is fine


def test_the_queues_messages_are_kept_beside_the_items_and_read_back(aws: Aws, tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    queues = {"handoff": {"messages": [{"messageId": "m-1", "body": "payload"}], "deadLetters": []}}

    data_file.save(aws.dynamodb, aws.table_name, path, queues)

    assert data_file.read_queues(path) == queues


def test_a_version_1_file_loads_its_items_and_has_no_queues(aws: Aws, tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    (item,) = sample_items(1)
    aws.dynamodb.put_item(TableName=aws.table_name, Item=item)
    data_file.save(aws.dynamodb, aws.table_name, path)
    document = json.loads(path.read_text())
    document["version"] = 1
    del document["queues"]
    path.write_text(json.dumps(document))

    assert data_file.read_queues(path) == {}
    assert data_file.read_items(path) == [item]
