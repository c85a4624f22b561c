"""The request of a webhook delivery, before it is sent: its body, its signed headers, and how a
receiver's Retry-After is read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from service.adapters.webhook_http import MAX_RETRY_AFTER, parse_retry_after
from service.adapters.webhook_request import request_body, request_headers
from service.domain.webhook_urls import check_webhook_url
from service.domain.webhooks import TEXT_CONTENT_TYPE, WebhookConfig, new_secret
from service.services.target_ports import Delivery

NOW = datetime(2027, 1, 4, 12, 0, 30, 750_000, tzinfo=UTC)
JOB = "0190d7a8-3c1e-7b2a-9f00-5e3b1c2d4a6f"
URL = check_webhook_url("https://hooks.example.com:8443/in?k=1")


def delivery(payload: str = '{"order": 42}', run_id: str | None = None) -> Delivery:
    return Delivery("team-a", JOB, datetime(2027, 1, 4, 12, 0, tzinfo=UTC), payload, run_id=run_id)


def test_the_headers_carry_the_run_and_a_signature_of_id_time_and_body() -> None:
    # given
    secret = new_secret()
    # when
    headers = request_headers(delivery(), WebhookConfig(secret), URL, NOW)
    # then
    signature = Webhook(secret).sign(f"{JOB}/2027-01-04T12:00:00Z", NOW, b'{"order": 42}')
    assert headers == {
        "host": "hooks.example.com:8443",
        "user-agent": "Scheduler-Webhooks/1",
        "content-type": "application/json",
        "webhook-id": f"{JOB}/2027-01-04T12:00:00Z",
        "webhook-timestamp": "1799064030",
        "webhook-signature": signature,
        "scheduler-job-id": JOB,
        "scheduler-scheduled-for": "2027-01-04T12:00:00Z",
        "scheduler-namespace": "team-a",
        "connection": "close",
    }


def test_a_manual_runs_id_is_its_occurrence_id_with_its_own_run_id() -> None:
    headers = request_headers(delivery(run_id="r-1"), WebhookConfig(new_secret()), URL, NOW)
    assert headers["webhook-id"] == f"{JOB}/2027-01-04T12:00:00Z/r-1"


def test_during_a_rotation_the_signature_header_has_one_signature_per_secret() -> None:
    # given
    old, new = new_secret(), new_secret()
    config = WebhookConfig(old).rotated(new, NOW - timedelta(hours=1))
    # when
    headers = request_headers(delivery(), config, URL, NOW)
    # then
    body = b'{"order": 42}'
    message_id = headers["webhook-id"]
    assert headers["webhook-signature"].split(" ") == [
        Webhook(new).sign(message_id, NOW, body),
        Webhook(old).sign(message_id, NOW, body),
    ]


def test_the_body_is_the_payload_in_utf_8_exactly() -> None:
    payload = '  {"name": "Zoë", "emoji": "⏰"}\n'
    assert request_body(delivery(payload)) == payload.encode("utf-8")


def test_a_text_payload_is_sent_as_utf_8_text_and_a_targets_content_type_wins() -> None:
    plain = request_headers(delivery("hello"), WebhookConfig(new_secret()), URL, NOW)
    own = request_headers(delivery("hello"), WebhookConfig(new_secret(), content_type="text/csv"), URL, NOW)
    assert (plain["content-type"], own["content-type"]) == (TEXT_CONTENT_TYPE, "text/csv")


@pytest.mark.parametrize(
    ("value", "wait"),
    [
        ("7", timedelta(seconds=7)),
        (" 120 ", timedelta(minutes=2)),
        ("0", timedelta(0)),
        ("Mon, 04 Jan 2027 12:05:00 GMT", timedelta(minutes=4, seconds=29, microseconds=250_000)),
        ("Mon, 04 Jan 2027 11:00:00 GMT", timedelta(0)),
        ("9" * 40, MAX_RETRY_AFTER),
        ("-5", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_as_an_http_date(value: str | None, wait: timedelta | None) -> None:
    assert parse_retry_after(value, NOW) == wait
