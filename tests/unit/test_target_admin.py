"""The operators' use cases on targets, against the hand-written store (no AWS)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.domain.errors import ValidationFailed
from service.domain.targets import BuiltInTarget, TargetExists
from service.services.target_admin import TargetAdmin
from tests.fakes import FakeClock
from tests.target_fakes import STACK_QUEUE_URL, InMemoryTargetStore, sqs_target

NOW = datetime(2027, 1, 4, 12, 0, 30, 123456, tzinfo=UTC)
ORDERS = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders"


@pytest.fixture
def store() -> InMemoryTargetStore:
    return InMemoryTargetStore()


@pytest.fixture
def admin(store: InMemoryTargetStore) -> TargetAdmin:
    return TargetAdmin(store, STACK_QUEUE_URL, clock=FakeClock(NOW))


def test_an_added_target_is_an_sqs_target_stamped_with_the_second_it_was_added(
    admin: TargetAdmin, store: InMemoryTargetStore
) -> None:
    added = admin.add_sqs("team-a", "orders", f"  {ORDERS}\n")

    assert added.replaced_default is None
    assert store.stored[("team-a", "orders")].url == ORDERS
    assert store.stored[("team-a", "orders")].created_at == NOW.replace(microsecond=0)


@pytest.mark.parametrize(
    ("namespace", "name", "url", "field"),
    [
        ("Team A", "orders", ORDERS, "namespace"),
        ("team-a", "-orders", ORDERS, "name"),
        ("team-a", "orders", "https://example.com/orders", "sqs-queue-url"),
    ],
)
def test_bad_input_is_refused_before_the_store_is_asked(
    admin: TargetAdmin, store: InMemoryTargetStore, namespace: str, name: str, url: str, field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        admin.add_sqs(namespace, name, url)

    assert [p.field for p in refused.value.problems] == [field]
    assert store.stored == {}


def test_the_stacks_queue_keeps_its_name_and_cannot_be_removed(admin: TargetAdmin, store: InMemoryTargetStore) -> None:
    with pytest.raises(TargetExists):
        admin.add_sqs("default", "default", ORDERS, default=True)
    with pytest.raises(BuiltInTarget):
        admin.remove("default", "default")

    assert store.stored == {}


def test_a_first_default_of_the_default_namespace_takes_over_from_the_stacks_queue(admin: TargetAdmin) -> None:
    added = admin.add_sqs("default", "reports", ORDERS, default=True)

    assert added.replaced_default == "default"
    assert [(t.name, t.default, t.built_in) for t in admin.list("default")] == [
        ("default", False, True),
        ("reports", True, False),
    ]


def test_a_first_default_elsewhere_replaces_none(admin: TargetAdmin) -> None:
    assert admin.add_sqs("team-a", "orders", ORDERS, default=True).replaced_default is None


def test_the_whole_listing_has_the_stacks_queue_and_every_namespace_in_order(admin: TargetAdmin) -> None:
    admin.add_sqs("team-b", "orders", ORDERS)
    admin.add_sqs("team-a", "orders", ORDERS, default=True)

    listed = [(t.namespace, t.name, t.default) for t in admin.list()]

    assert listed == [("default", "default", True), ("team-a", "orders", True), ("team-b", "orders", False)]
    assert admin.list()[0].url == STACK_QUEUE_URL


def test_the_listing_reads_the_store_at_each_call(admin: TargetAdmin, store: InMemoryTargetStore) -> None:
    assert admin.list("team-a") == []
    store.add(sqs_target("team-a", "orders"))

    assert [t.name for t in admin.list("team-a")] == ["orders"]
