"""Webhook targets in the table: the settings read back as stored, the secrets in the target
item only (an operator's listing of every namespace reads none), and two rotations at once
never both answered."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from service.adapters.dynamo_targets import DynamoTargetStore
from service.domain.retry_policy import RetryPolicy
from service.domain.targets import Target, TargetKind, TargetsChanged
from service.domain.webhooks import WebhookConfig, new_secret
from tests.conftest import NOW, Aws


@pytest.fixture
def store(aws: Aws) -> DynamoTargetStore:
    return DynamoTargetStore(aws.dynamodb, aws.table_name)


def _webhook() -> Target:
    config = WebhookConfig(
        secret=new_secret(),
        timeout_seconds=2.5,
        content_type="text/plain; charset=utf-8",
        retry=RetryPolicy(max_attempts=3, max_age=timedelta(hours=1)),
    )
    return Target(
        "team-a", "billing", TargetKind.WEBHOOK, "https://hooks.example.com/b", created_at=NOW, webhook=config
    )


def test_a_webhook_reads_back_with_its_settings_and_secret(store: DynamoTargetStore) -> None:
    target = _webhook()
    store.add(target)

    (read,) = store.targets("team-a")

    assert read == target


def test_the_operators_listing_of_every_namespace_carries_no_secret(store: DynamoTargetStore) -> None:
    target = _webhook()
    store.add(target)

    (listed,) = store.every_target()

    assert listed.webhook is not None and target.webhook is not None
    assert listed.webhook.secret == "" and listed.webhook.previous_secret is None
    assert replace(listed.webhook, secret=target.webhook.secret) == target.webhook


def test_a_rotation_keeps_the_old_secret_until_it_expires(store: DynamoTargetStore) -> None:
    target = _webhook()
    store.add(target)
    assert target.webhook is not None

    rotated = store.replace_webhook(target, target.webhook.rotated(new_secret(), NOW))

    (read,) = store.targets("team-a")
    assert read == rotated and read.webhook is not None
    assert read.webhook.previous_secret == target.webhook.secret
    assert read.webhook.signing_secrets(NOW + timedelta(hours=23)) == (read.webhook.secret, target.webhook.secret)
    assert read.webhook.signing_secrets(NOW + timedelta(hours=24)) == (read.webhook.secret,)


def test_of_two_rotations_from_the_same_read_the_second_is_refused(store: DynamoTargetStore) -> None:
    target = _webhook()
    store.add(target)
    assert target.webhook is not None
    store.replace_webhook(target, target.webhook.rotated(new_secret(), NOW))

    with pytest.raises(TargetsChanged):
        store.replace_webhook(target, target.webhook.rotated(new_secret(), NOW))
