"""A webhook target's settings: secrets in the Standard Webhooks format, their rotation, the
content type of a delivery, and the validation of what a client sends."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from service.config import Settings
from service.domain.errors import ValidationFailed
from service.domain.retry_policy import RetryPolicy
from service.domain.targets import Target, TargetKind
from service.domain.webhooks import (
    JSON_CONTENT_TYPE,
    ROTATION_OVERLAP,
    TEXT_CONTENT_TYPE,
    RetryInput,
    WebhookConfig,
    WebhookInput,
    check_secret,
    content_type_for,
    new_secret,
    webhook_config,
)

NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def counting_bytes(size: int) -> bytes:
    return bytes(range(size))


def test_a_new_secret_is_whsec_and_the_base64_of_32_random_bytes() -> None:
    # when
    secret = new_secret(counting_bytes)
    # then
    assert secret == "whsec_" + base64.b64encode(bytes(range(32))).decode()
    assert check_secret(secret) == secret


def test_new_secrets_come_from_the_system_random_by_default() -> None:
    assert len({new_secret() for _ in range(10)}) == 10


def test_the_standardwebhooks_library_accepts_a_new_secret() -> None:
    # given
    secret = new_secret()
    # when
    signature = Webhook(secret).sign("job/2027-01-04T12:00:00Z", NOW, b"{}")
    # then
    assert signature.startswith("v1,")


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        ("c2VjcmV0", "must be 'whsec_' and the base64 of 24 to 64 random bytes"),
        ("whsec_not base64!", "it is not base64"),
        ("whsec_" + base64.b64encode(bytes(23)).decode(), "it has 23"),
        ("whsec_" + base64.b64encode(bytes(65)).decode(), "it has 65"),
        (42, "must be 'whsec_'"),
    ],
)
def test_a_secret_out_of_the_format_is_refused_naming_the_field(secret: object, why: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_secret(secret)
    [problem] = refused.value.problems
    assert problem.field == "secret"
    assert why in problem.message


def test_a_delivery_is_signed_with_the_one_secret_until_a_rotation() -> None:
    assert WebhookConfig("whsec_new").signing_secrets(NOW) == ("whsec_new",)


def test_a_rotated_secret_signs_beside_the_new_one_for_24_hours_then_no_more() -> None:
    # given
    config = WebhookConfig(new_secret(counting_bytes))
    fresh = new_secret()
    # when
    rotated = config.rotated(fresh, NOW)
    # then
    assert rotated.signing_secrets(NOW) == (fresh, config.secret)
    assert rotated.signing_secrets(NOW + ROTATION_OVERLAP - timedelta(seconds=1)) == (fresh, config.secret)
    assert rotated.signing_secrets(NOW + ROTATION_OVERLAP) == (fresh,)
    assert timedelta(hours=24) == ROTATION_OVERLAP


def test_a_second_rotation_within_the_overlap_keeps_only_the_secret_it_replaces() -> None:
    # given
    first, second, third = (new_secret() for _ in range(3))
    config = WebhookConfig(first).rotated(second, NOW)
    # when
    config = config.rotated(third, NOW + timedelta(hours=1))
    # then
    assert config.signing_secrets(NOW + timedelta(hours=2)) == (third, second)


def test_secrets_never_show_in_a_targets_repr() -> None:
    # given
    secret, previous = new_secret(), new_secret()
    config = WebhookConfig(previous).rotated(secret, NOW)
    target = Target("ns", "hook", TargetKind.WEBHOOK, "https://hooks.example.com/", webhook=config)
    # then
    assert secret not in repr(target) and previous not in repr(target)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ('{"order": 42}', JSON_CONTENT_TYPE),
        ("[1, 2]", JSON_CONTENT_TYPE),
        ('"just a JSON string"', JSON_CONTENT_TYPE),
        ("  17 ", JSON_CONTENT_TYPE),
        ("plain text, not JSON", TEXT_CONTENT_TYPE),
        ("{'python': 'dict'}", TEXT_CONTENT_TYPE),
        ("NaN", TEXT_CONTENT_TYPE),
        ("", TEXT_CONTENT_TYPE),
        ("[" * 100_000, TEXT_CONTENT_TYPE),
    ],
)
def test_the_content_type_follows_the_payload(payload: str, expected: str) -> None:
    assert content_type_for(payload) == expected


def test_a_targets_own_content_type_wins() -> None:
    assert content_type_for('{"a": 1}', "application/cloudevents+json") == "application/cloudevents+json"


def test_a_clients_settings_are_read_with_their_defaults() -> None:
    # when
    config = webhook_config(WebhookInput(), make_secret=lambda: "whsec_made")
    # then
    assert config == WebhookConfig("whsec_made", timeout_seconds=10.0, content_type=None, retry=RetryPolicy())


def test_a_clients_settings_are_kept() -> None:
    # given
    secret = new_secret()
    raw = WebhookInput(
        timeout_seconds=30,
        content_type='text/csv; charset="utf-8"',
        retry=RetryInput(max_attempts=3, max_age_seconds=3600),
        secret=secret,
    )
    # when
    config = webhook_config(raw)
    # then
    assert config == WebhookConfig(
        secret,
        timeout_seconds=30.0,
        content_type='text/csv; charset="utf-8"',
        retry=RetryPolicy(max_attempts=3, max_age=timedelta(hours=1)),
    )


def test_every_broken_setting_is_reported_at_once_naming_its_field() -> None:
    # given
    raw = WebhookInput(
        timeout_seconds=31,
        content_type="text/plain\r\nx-injected: 1",
        retry=RetryInput(max_attempts=0, max_age_seconds=-5),
        secret="hunter2",
    )
    # when
    with pytest.raises(ValidationFailed) as refused:
        webhook_config(raw)
    # then
    messages = {p.field: p.message for p in refused.value.problems}
    assert set(messages) == {"timeoutSeconds", "contentType", "retry.maxAttempts", "retry.maxAgeSeconds", "secret"}
    assert messages["timeoutSeconds"] == "must be 1..30 seconds, got 31"
    assert "is not a media type" in messages["contentType"]


@pytest.mark.parametrize("timeout", [0, 0.5, 30.5, -1, True, "10", float("nan")])
def test_a_timeout_out_of_1_to_30_seconds_is_refused(timeout: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        webhook_config(WebhookInput(timeout_seconds=timeout))
    assert [p.field for p in refused.value.problems] == ["timeoutSeconds"]


@pytest.mark.parametrize(
    "content_type",
    ["json", "application/", "text/plain; charset", "a/b; c=d e", "a/b\n", "é/json", "a/" + "b" * 200, 7],
)
def test_a_content_type_that_is_not_one_media_type_is_refused(content_type: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        webhook_config(WebhookInput(content_type=content_type))
    assert [p.field for p in refused.value.problems] == ["contentType"]


def test_webhooks_reach_loopback_only_where_the_environment_turns_it_on() -> None:
    required = {"SCHEDULER_TABLE_NAME": "scheduler", "SCHEDULER_QUEUE_URL": "https://sqs.example.com/1/q"}
    assert Settings.from_env(required).webhook_allow_loopback is False
    assert Settings.from_env({**required, "SCHEDULER_WEBHOOK_ALLOW_LOOPBACK": "on"}).webhook_allow_loopback is True
