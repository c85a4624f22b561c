"""Ids of schedules and manual runs are UUID version 7 strings that sort in creation order,
also when many are made within one millisecond."""

from __future__ import annotations

import time
import uuid

import pytest

from service.adapters.ids import new_id
from service.domain.ids import is_job_id


def test_an_id_is_a_version_7_uuid_in_the_form_the_api_shows() -> None:
    made = new_id()

    parsed = uuid.UUID(made)
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert made == str(parsed)  # lower case, with hyphens
    assert is_job_id(made)


def test_ids_made_one_after_another_sort_in_the_order_they_were_made() -> None:
    made = [new_id() for _ in range(5000)]

    assert len(set(made)) == len(made)
    assert sorted(made) == made


def test_ids_made_within_one_millisecond_still_sort_later(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a clock that stands still inside one millisecond
    standing = time.time_ns()
    monkeypatch.setattr(time, "time_ns", lambda: standing)

    # When ids are made
    made = [new_id() for _ in range(100)]

    # Then each sorts after the one before
    assert sorted(made) == made
    assert len(set(made)) == len(made)
