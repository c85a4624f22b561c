"""The target store on DynamoDB (moto): its items, its one default per namespace, and two
operators at once. Its client fails the test on any Scan (``conftest``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from service.adapters import table_schema as ts
from service.adapters.dynamo_targets import DynamoTargetStore
from service.domain.targets import Target, TargetExists, TargetKind, TargetNotFound, TargetsChanged
from tests.conftest import Aws, table_items
from tests.integration.conftest import CallLog

CREATED = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def sqs(namespace: str, name: str, *, default: bool = False) -> Target:
    url = f"https://sqs.eu-west-1.amazonaws.com/123456789012/{namespace}-{name}"
    return Target(namespace, name, TargetKind.SQS, url, default=default, created_at=CREATED)


@pytest.fixture
def store(aws: Aws, client: Any) -> DynamoTargetStore:
    return DynamoTargetStore(client, aws.table_name)


@pytest.fixture
def other_operator(aws: Aws) -> DynamoTargetStore:
    """A second operator's store, on a client of its own."""
    return DynamoTargetStore(aws.session.client("dynamodb"), aws.table_name)


def defaults(store: DynamoTargetStore, namespace: str) -> list[str]:
    return [t.name for t in store.targets(namespace) if t.default]


def before_each_transaction(client: Any, action: Callable[[], None], times: int = 1) -> None:
    """Runs ``action`` just before the next ``times`` transactions of ``client`` are sent:
    another operator's change between this one's read and its write."""
    remaining = [times]

    def hook(**_: Any) -> None:
        if remaining[0] > 0:
            remaining[0] -= 1
            action()

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", hook)


def test_a_target_is_read_back_with_its_kind_url_and_time(store: DynamoTargetStore) -> None:
    store.add(sqs("team-a", "orders"))

    assert store.targets("team-a") == [sqs("team-a", "orders")]
    assert store.targets("team-b") == []


def test_a_default_target_is_one_item_naming_it_beside_the_target_and_a_record_of_each(
    aws: Aws, store: DynamoTargetStore
) -> None:
    store.add(sqs("team-a", "orders", default=True))

    items = {(i["pk"]["S"], i["sk"]["S"]): i for i in table_items(aws)}

    assert set(items) == {
        ("TARGETS#team-a", "orders"),
        ("TARGETS#team-a", "DEFAULT"),
        ("TARGETS", "team-a#orders"),
        ("TARGETS", "team-a#DEFAULT"),
    }
    assert items[("TARGETS#team-a", "DEFAULT")]["target"]["S"] == "orders"
    assert items[("TARGETS", "team-a#orders")]["url"] == items[("TARGETS#team-a", "orders")]["url"]


def test_a_namespace_is_read_in_one_query_of_its_own_partition(store: DynamoTargetStore, calls: CallLog) -> None:
    store.add(sqs("team-a", "orders", default=True))
    store.add(sqs("team-a", "audit"))
    calls.clear()

    listed = store.targets("team-a")

    assert calls.names() == ["Query"]
    assert calls.calls[0][1]["ExpressionAttributeValues"] == {":pk": {"S": ts.namespace_targets_key("team-a")}}
    assert {(t.name, t.default) for t in listed} == {("orders", True), ("audit", False)}


def test_a_new_default_takes_over_from_the_old_one_in_one_transaction(store: DynamoTargetStore, calls: CallLog) -> None:
    store.add(sqs("team-a", "orders", default=True))
    calls.clear()

    replaced = store.add(sqs("team-a", "billing", default=True))

    assert calls.names() == ["GetItem", "TransactWriteItems"]
    assert replaced == "orders"
    assert defaults(store, "team-a") == ["billing"]


def test_a_target_that_is_no_default_leaves_the_default_alone(store: DynamoTargetStore) -> None:
    store.add(sqs("team-a", "orders", default=True))

    assert store.add(sqs("team-a", "audit")) is None
    assert defaults(store, "team-a") == ["orders"]


def test_a_name_taken_is_refused_and_changes_nothing(aws: Aws, store: DynamoTargetStore) -> None:
    store.add(sqs("team-a", "orders", default=True))
    before = table_items(aws)
    again = Target("team-a", "orders", TargetKind.SQS, "http://localhost:4566/000000000000/other", created_at=CREATED)

    with pytest.raises(TargetExists):
        store.add(again)
    with pytest.raises(TargetExists):
        store.add(Target("team-a", "orders", TargetKind.SQS, again.url, default=True, created_at=CREATED))

    assert table_items(aws) == before


def test_the_same_name_in_two_namespaces_is_two_targets(store: DynamoTargetStore) -> None:
    store.add(sqs("team", "orders", default=True))
    store.add(sqs("team-a", "orders"))

    assert [(t.namespace, t.default) for t in store.targets("team")] == [("team", True)]
    assert [(t.namespace, t.default) for t in store.targets("team-a")] == [("team-a", False)]


def test_removing_the_default_leaves_the_namespace_without_one(aws: Aws, store: DynamoTargetStore) -> None:
    store.add(sqs("team-a", "orders", default=True))
    store.add(sqs("team-a", "audit"))

    removed = store.remove("team-a", "orders")

    assert removed == sqs("team-a", "orders", default=True)
    assert [(t.name, t.default) for t in store.targets("team-a")] == [("audit", False)]
    assert {(i["pk"]["S"], i["sk"]["S"]) for i in table_items(aws)} == {
        ("TARGETS#team-a", "audit"),
        ("TARGETS", "team-a#audit"),
    }


def test_removing_another_target_keeps_the_default(store: DynamoTargetStore) -> None:
    store.add(sqs("team-a", "orders", default=True))
    store.add(sqs("team-a", "audit"))

    assert store.remove("team-a", "audit").default is False
    assert defaults(store, "team-a") == ["orders"]


def test_removing_an_unknown_target_is_target_not_found(store: DynamoTargetStore) -> None:
    store.add(sqs("team-a", "orders"))

    with pytest.raises(TargetNotFound):
        store.remove("team-a", "billing")
    with pytest.raises(TargetNotFound):
        store.remove("team-b", "orders")


def test_every_namespaces_targets_come_from_one_partition_without_a_scan(
    store: DynamoTargetStore, calls: CallLog
) -> None:
    store.add(sqs("team-b", "orders", default=True))
    store.add(sqs("team-a", "orders"))
    store.add(sqs("team-a", "audit", default=True))
    calls.clear()

    every = store.every_target()

    assert calls.names() == ["Query"]
    assert [(t.namespace, t.name, t.default) for t in every] == [
        ("team-a", "audit", True),
        ("team-a", "orders", False),
        ("team-b", "orders", True),
    ]


# -- two operators at once ------------------------------------------------------------


def test_two_operators_making_defaults_at_once_leave_one_default(
    store: DynamoTargetStore, other_operator: DynamoTargetStore, client: Any
) -> None:
    # Given the other operator makes "billing" the default between this one's read and write
    store.add(sqs("team-a", "orders", default=True))
    before_each_transaction(client, lambda: other_operator.add(sqs("team-a", "billing", default=True)))

    # When this one makes "audit" the default
    replaced = store.add(sqs("team-a", "audit", default=True))

    # Then its write was refused, read again and took over from "billing", the default it found then
    assert replaced == "billing"
    assert defaults(store, "team-a") == ["audit"]


def test_two_first_defaults_of_a_namespace_at_once_leave_one(
    store: DynamoTargetStore, other_operator: DynamoTargetStore, client: Any
) -> None:
    before_each_transaction(client, lambda: other_operator.add(sqs("team-a", "billing", default=True)))

    replaced = store.add(sqs("team-a", "audit", default=True))

    assert replaced == "billing"
    assert defaults(store, "team-a") == ["audit"]
    assert {(t.name, t.default) for t in store.every_target()} == {("audit", True), ("billing", False)}


def test_two_operators_adding_one_name_at_once_keep_the_first_target(
    store: DynamoTargetStore, other_operator: DynamoTargetStore, client: Any
) -> None:
    theirs = sqs("team-a", "orders")
    before_each_transaction(client, lambda: other_operator.add(theirs))

    with pytest.raises(TargetExists):
        store.add(Target("team-a", "orders", TargetKind.SQS, "http://127.0.0.1:5000/123456789012/mine"))

    assert store.targets("team-a") == [theirs]


def test_a_default_that_keeps_moving_gives_up_with_a_message(
    store: DynamoTargetStore, other_operator: DynamoTargetStore, client: Any
) -> None:
    names = iter(["one", "two", "three"])
    before_each_transaction(client, lambda: other_operator.add(sqs("team-a", next(names), default=True)), times=3)

    with pytest.raises(TargetsChanged, match="changed meanwhile; try again"):
        store.add(sqs("team-a", "audit", default=True))

    assert defaults(store, "team-a") == ["three"]


def test_a_removal_while_another_operator_moves_the_default_leaves_the_new_default(
    store: DynamoTargetStore, other_operator: DynamoTargetStore, client: Any
) -> None:
    store.add(sqs("team-a", "orders", default=True))
    before_each_transaction(client, lambda: other_operator.add(sqs("team-a", "billing", default=True)))

    removed = store.remove("team-a", "orders")

    assert removed.default is False  # by the time it went, it was no longer the default
    assert defaults(store, "team-a") == ["billing"]
