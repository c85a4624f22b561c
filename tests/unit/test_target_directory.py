"""The target directory remembers a namespace's targets for a while, and never refuses a
target added meanwhile: a name (or a default) it does not remember is read again first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.domain.targets import NoDefaultTarget, TargetNotFound
from service.services.targets import TargetDirectory
from tests.target_fakes import STACK_QUEUE_URL, InMemoryTargetStore, sqs_target


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store() -> InMemoryTargetStore:
    return InMemoryTargetStore(sqs_target("team-a", "orders", default=True))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def directory(store: InMemoryTargetStore, clock: Clock) -> TargetDirectory:
    return TargetDirectory(store, STACK_QUEUE_URL, cache_ttl=timedelta(seconds=10), monotonic=clock)


def test_a_known_target_is_answered_from_memory_within_the_ttl(
    directory: TargetDirectory, store: InMemoryTargetStore, clock: Clock
) -> None:
    directory.resolve("team-a", "orders")
    reads = store.reads
    clock.now = 9.0

    assert directory.resolve("team-a", "orders").name == "orders"
    assert directory.resolve("team-a", None).name == "orders"
    assert store.reads == reads


def test_a_target_added_after_the_namespace_was_remembered_is_found_at_once(
    directory: TargetDirectory, store: InMemoryTargetStore
) -> None:
    directory.resolve("team-a", "orders")
    store.add(sqs_target("team-a", "billing"))
    reads = store.reads

    assert directory.resolve("team-a", "billing").name == "billing"
    assert store.reads == reads + 1
    assert directory.resolve("team-a", "billing").name == "billing"  # remembered from then on
    assert store.reads == reads + 1


def test_a_default_added_after_the_namespace_was_remembered_is_found_at_once(
    directory: TargetDirectory, store: InMemoryTargetStore
) -> None:
    with pytest.raises(NoDefaultTarget):
        directory.resolve("team-b", None)
    store.add(sqs_target("team-b", "main", default=True))

    assert directory.resolve("team-b", None).name == "main"


def test_an_unknown_target_is_refused_after_one_read_again_not_two(
    directory: TargetDirectory, store: InMemoryTargetStore
) -> None:
    reads = store.reads
    with pytest.raises(TargetNotFound):
        directory.resolve("team-a", "nowhere")  # read fresh: refused without reading again
    assert store.reads == reads + 1
    with pytest.raises(TargetNotFound):
        directory.resolve("team-a", "nowhere")  # remembered: read once more before refusing
    assert store.reads == reads + 2


def test_a_removed_target_is_forgotten_once_the_ttl_has_passed(
    directory: TargetDirectory, store: InMemoryTargetStore, clock: Clock
) -> None:
    directory.resolve("team-a", "orders")
    store.remove("team-a", "orders")
    clock.now = 10.0

    with pytest.raises(TargetNotFound):
        directory.resolve("team-a", "orders")
