"""The local stack's key: SCHEDULER_API_KEY when set, else a new one."""

from __future__ import annotations

import pytest

from service.entrypoints.local.api_key import local_api_key
from service.entrypoints.local.options import OptionError
from service.services.keys import KeyService
from tests.key_fakes import InMemoryKeyStore


def test_a_fixed_key_is_stored_once_and_opens_the_default_namespace() -> None:
    keys = KeyService(InMemoryKeyStore())

    first = local_api_key(keys, {"SCHEDULER_API_KEY": "my-local-key"}, "default")
    again = local_api_key(keys, {"SCHEDULER_API_KEY": "my-local-key"}, "default")

    assert first == again == "my-local-key"
    assert len(keys.list()) == 1
    assert keys.authenticate("my-local-key").namespace == "default"


def test_without_one_a_new_key_is_issued_at_each_start() -> None:
    keys = KeyService(InMemoryKeyStore())

    first = local_api_key(keys, {}, "default")
    second = local_api_key(keys, {}, "default")

    assert first != second and first.startswith("sk_live_")
    assert keys.authenticate(second).namespace == "default"


def test_a_key_that_cannot_travel_in_a_bearer_header_is_refused_before_start() -> None:
    with pytest.raises(OptionError, match="SCHEDULER_API_KEY"):
        local_api_key(KeyService(InMemoryKeyStore()), {"SCHEDULER_API_KEY": "has spaces in it"}, "default")


def test_a_default_namespace_that_is_not_one_is_refused_before_start() -> None:
    with pytest.raises(OptionError, match="SCHEDULER_NAMESPACE"):
        local_api_key(KeyService(InMemoryKeyStore()), {}, "Team#A")
