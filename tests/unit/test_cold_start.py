"""A handler module's start-up runs without garbage collections, and what it made is frozen
out of the collections that follow (``service.entrypoints.cold_start``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from service.entrypoints.cold_start import cold_start


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """The test process's own objects are not left frozen by a test."""
    yield
    gc.unfreeze()
    gc.enable()


def test_the_start_up_runs_without_collections_and_its_objects_are_frozen_after() -> None:
    before = gc.get_freeze_count()

    with cold_start():
        collecting = gc.isenabled()
        made = [{"n": n} for n in range(1000)]

    assert not collecting
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(made)


def test_a_failed_start_up_freezes_nothing_and_turns_collections_back_on() -> None:
    before = gc.get_freeze_count()

    with pytest.raises(RuntimeError), cold_start():
        raise RuntimeError("the settings are wrong")

    assert gc.isenabled()
    assert gc.get_freeze_count() == before


def test_collections_turned_off_before_the_start_up_stay_off() -> None:
    gc.disable()

    with cold_start():
        pass

    assert not gc.isenabled()
