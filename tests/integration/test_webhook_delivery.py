"""The webhook sender against a real receiver on loopback: what the receiver gets (verified with
the standardwebhooks library, as a consumer would), and what the sender makes of each answer."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from service.adapters.webhook_sender import WebhookSender
from service.domain.targets import Target, TargetKind
from service.domain.webhooks import TEXT_CONTENT_TYPE, WebhookConfig, new_secret
from service.services.target_ports import Delivery
from tests.fakes import FakeClock
from tests.webhook_receiver import Answer, receiver, tls_for

JOB = "0190d7a8-3c1e-7b2a-9f00-5e3b1c2d4a6f"
AT = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def webhook(url: str, config: WebhookConfig | None = None) -> Target:
    return Target("team-a", "hook", TargetKind.WEBHOOK, url, webhook=config or WebhookConfig(new_secret()))


# The receivers listen on 127.0.0.1: every sender here has the local stack's setting.


def run(payload: str = '{"order": 42}', minute: int = 0) -> Delivery:
    return Delivery("team-a", JOB, AT + timedelta(minutes=minute), payload)


def test_a_delivery_is_a_signed_post_of_the_payload_that_standardwebhooks_verifies() -> None:
    # given
    secret = new_secret()
    payload = '{"order": 42, "name": "Zoë ⏰"}'
    with receiver() as hooks:
        # when
        [outcome] = WebhookSender(allow_loopback=True).deliver(
            webhook(hooks.url(), WebhookConfig(secret)), [run(payload)]
        )
    # then
    assert outcome.accepted and outcome.status_code == 204
    [request] = hooks.requests
    assert request.path == "/hook"
    assert request.body == payload.encode("utf-8")
    assert Webhook(secret).verify(request.body, request.headers) == {"order": 42, "name": "Zoë ⏰"}


def test_during_a_rotation_a_delivery_verifies_with_the_new_secret_and_with_the_old_one() -> None:
    # given a secret rotated an hour ago
    old, new = new_secret(), new_secret()
    config = WebhookConfig(old).rotated(new, datetime.now(UTC) - timedelta(hours=1))
    with receiver() as hooks:
        # when
        WebhookSender(allow_loopback=True).deliver(webhook(hooks.url(), config), [run()])
    # then
    [request] = hooks.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert Webhook(new).verify(request.body, request.headers) == {"order": 42}
    assert Webhook(old).verify(request.body, request.headers) == {"order": 42}


def test_the_request_names_the_run_and_the_host() -> None:
    # given
    clock = FakeClock(AT + timedelta(seconds=1))
    with receiver() as hooks:
        # when
        [outcome] = WebhookSender(allow_loopback=True, clock=clock).deliver(webhook(hooks.url("/in?k=v")), [run()])
    # then
    [request] = hooks.requests
    assert request.path == "/in?k=v"
    assert {name: request.headers[name] for name in ("webhook-id", "webhook-timestamp", "host")} == {
        "webhook-id": f"{JOB}/2027-01-04T12:00:00Z",
        "webhook-timestamp": str(int(clock.now.timestamp())),
        "host": f"127.0.0.1:{hooks.port}",
    }
    assert {name: value for name, value in request.headers.items() if name.startswith("scheduler-")} == {
        "scheduler-job-id": JOB,
        "scheduler-scheduled-for": "2027-01-04T12:00:00Z",
        "scheduler-namespace": "team-a",
    }
    assert outcome.accepted_at == clock.now  # when the answer came


@pytest.mark.parametrize(
    ("payload", "override", "content_type"),
    [
        ('{"order": 42}', None, "application/json"),
        ('"a JSON string"', None, "application/json"),
        ("plain text", None, TEXT_CONTENT_TYPE),
        ('{"order": 42}', "application/vnd.orders+json", "application/vnd.orders+json"),
    ],
)
def test_the_content_type_says_what_the_body_is(payload: str, override: str | None, content_type: str) -> None:
    config = WebhookConfig(new_secret(), content_type=override)
    with receiver() as hooks:
        WebhookSender(allow_loopback=True).deliver(webhook(hooks.url(), config), [run(payload)])
    [request] = hooks.requests
    assert (request.headers["content-type"], request.body) == (content_type, payload.encode())


def test_the_runs_of_a_batch_go_out_together_and_come_back_in_order() -> None:
    # given a receiver that answers only once all five requests are in at once
    runs = [run(minute=minute) for minute in range(5)]
    with receiver(Answer(status=200, gather=5)) as hooks:
        # when
        outcomes = WebhookSender(allow_loopback=True).deliver(webhook(hooks.url()), runs)
    # then
    assert [o.delivery for o in outcomes] == runs
    assert all(o.accepted and o.status_code == 200 for o in outcomes)
    assert sorted(r.headers["scheduler-scheduled-for"] for r in hooks.requests) == [r.scheduled_for_text for r in runs]


def test_a_500_is_a_failure_to_retry() -> None:
    with receiver(Answer(status=500)) as hooks:
        [outcome] = WebhookSender(allow_loopback=True).deliver(webhook(hooks.url()), [run()])
    assert (outcome.accepted, outcome.error, outcome.status_code) == (False, "HTTP 500", 500)
    assert (outcome.retry_after, outcome.permanent) == (None, False)


def test_a_429_with_retry_after_says_how_long_to_wait() -> None:
    with receiver(Answer(status=429, headers={"retry-after": "7"})) as hooks:
        [outcome] = WebhookSender(allow_loopback=True).deliver(webhook(hooks.url()), [run()])
    assert (outcome.error, outcome.status_code, outcome.retry_after) == ("HTTP 429", 429, timedelta(seconds=7))


def test_a_503_with_an_http_date_waits_until_that_date() -> None:
    clock = FakeClock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    answer = Answer(status=503, headers={"retry-after": "Mon, 04 Jan 2027 12:10:00 GMT"})
    with receiver(answer) as hooks:
        [outcome] = WebhookSender(allow_loopback=True, clock=clock).deliver(webhook(hooks.url()), [run()])
    assert (outcome.status_code, outcome.retry_after) == (503, timedelta(minutes=10))


def test_a_redirect_is_not_followed_and_is_a_failure() -> None:
    with receiver() as hooks:
        hooks.answer = Answer(status=301, headers={"location": hooks.url("/moved")})
        [outcome] = WebhookSender(allow_loopback=True).deliver(webhook(hooks.url()), [run()])
    assert [r.path for r in hooks.requests] == ["/hook"]
    assert outcome.status_code == 301 and not outcome.accepted and not outcome.permanent
    assert outcome.error == "HTTP 301 (a redirect: not followed, the URL needs changing)"


def test_a_receiver_slower_than_the_timeout_fails_the_delivery() -> None:
    config = WebhookConfig(new_secret(), timeout_seconds=0.3)
    with receiver(Answer(delay=30)) as hooks:
        [outcome] = WebhookSender(allow_loopback=True).deliver(webhook(hooks.url(), config), [run()])
    assert len(hooks.requests) == 1
    assert (outcome.accepted, outcome.error, outcome.permanent) == (False, "timeout after 0.3 s", False)


def test_a_receiver_that_answers_a_byte_at_a_time_cannot_stretch_the_timeout() -> None:
    # given a receiver whose answer would take 10 s, each byte well within the timeout
    config = WebhookConfig(new_secret(), timeout_seconds=0.5)
    with receiver(Answer(status=200, delay=0.05, drip=True)) as hooks:
        # when
        [outcome] = WebhookSender(allow_loopback=True).deliver(webhook(hooks.url(), config), [run()])
    # then the whole request was bounded by the timeout
    assert (outcome.accepted, outcome.error) == (False, "timeout after 0.5 s")


def test_a_port_nobody_listens_on_refuses_the_connection() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    [outcome] = WebhookSender(allow_loopback=True).deliver(webhook(f"http://127.0.0.1:{port}/hook"), [run()])
    assert (outcome.error, outcome.permanent) == ("connection refused", False)


def to_loopback(host: str, port: int) -> list[str]:
    return ["127.0.0.1"]


def test_https_goes_to_the_checked_address_with_sni_and_a_certificate_for_the_host(tmp_path: Path) -> None:
    # given a receiver with a certificate for hooks.example.com, which resolves to loopback here
    tls = tls_for(tmp_path, "hooks.example.com")
    with receiver(tls=tls) as hooks:
        sender = WebhookSender(allow_loopback=True, resolver=to_loopback, ca_certs=str(tls.ca_file))
        # when
        [outcome] = sender.deliver(webhook(hooks.url(host="hooks.example.com", scheme="https")), [run()])
    # then
    assert outcome.accepted
    assert hooks.server_names == ["hooks.example.com"]
    assert hooks.requests[0].headers["host"] == f"hooks.example.com:{hooks.port}"


@pytest.mark.parametrize(
    ("certified", "trusted", "error"),
    [
        ("other.example.com", True, "TLS certificate not accepted: Hostname mismatch"),
        ("hooks.example.com", False, "TLS certificate not accepted: unable to get local issuer certificate"),
    ],
    ids=["for another host", "of an unknown authority"],
)
def test_a_certificate_not_valid_for_the_host_fails_the_delivery(
    tmp_path: Path, certified: str, trusted: bool, error: str
) -> None:
    # given a receiver whose certificate is for another name, or from an authority not trusted
    tls = tls_for(tmp_path, certified)
    with receiver(tls=tls) as hooks:
        sender = WebhookSender(
            allow_loopback=True, resolver=to_loopback, ca_certs=str(tls.ca_file) if trusted else None
        )
        # when
        [outcome] = sender.deliver(webhook(hooks.url(host="hooks.example.com", scheme="https")), [run()])
    # then nothing was sent, and a retry may find it fixed
    assert hooks.requests == []
    assert outcome.error is not None and outcome.error.startswith(error)
    assert not outcome.permanent


def test_over_https_too_a_receiver_that_answers_a_byte_at_a_time_cannot_stretch_the_timeout(tmp_path: Path) -> None:
    tls = tls_for(tmp_path, "hooks.example.com")
    config = WebhookConfig(new_secret(), timeout_seconds=0.5)
    with receiver(Answer(status=200, delay=0.05, drip=True), tls=tls) as hooks:
        sender = WebhookSender(allow_loopback=True, resolver=to_loopback, ca_certs=str(tls.ca_file))
        url = hooks.url(host="hooks.example.com", scheme="https")
        [outcome] = sender.deliver(webhook(url, config), [run()])
    assert (outcome.accepted, outcome.error) == (False, "timeout after 0.5 s")
