"""The SSRF rules at delivery: every address a host resolves to is checked, the connection goes
to a checked address and to no other (a rebinding resolver gets nowhere), and loopback is
reachable only with the local stack's setting."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from service.adapters.webhook_sender import WebhookSender
from service.domain.targets import Target, TargetKind
from service.domain.webhooks import WebhookConfig, new_secret
from service.services.target_ports import Delivery
from tests.webhook_receiver import receiver, tls_for

PUBLIC = "93.184.216.34"
RUNS = [
    Delivery("team-a", "0190d7a8-3c1e-7b2a-9f00-5e3b1c2d4a6f", datetime(2027, 1, 4, 12, m, tzinfo=UTC), "{}")
    for m in range(3)
]


def webhook(url: str) -> Target:
    return Target("team-a", "hook", TargetKind.WEBHOOK, url, webhook=WebhookConfig(new_secret()))


class RebindingResolver:
    """Answers each lookup with the next of its answers (the last one from then on)."""

    def __init__(self, *answers: Sequence[str]) -> None:
        self.answers = answers
        self.lookups: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.lookups.append((host, port))
        return self.answers[min(len(self.lookups), len(self.answers)) - 1]


class RecordingConnector:
    """Records the address each connection is opened to, and opens it to the loopback
    receiver instead: a test reaches no public address."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.addresses: list[tuple[str, int]] = []

    def __call__(self, address: tuple[str, int], timeout: float) -> socket.socket:
        self.addresses.append(address)
        return socket.create_connection(("127.0.0.1", self.port), timeout)


def test_a_name_that_rebinds_to_loopback_after_the_check_never_gets_a_connection_there(tmp_path: Path) -> None:
    # given a name that answers a public address first, then 127.0.0.1, and a receiver with a
    # certificate for that name (which the recording connector reaches in the public address's stead)
    resolver = RebindingResolver([PUBLIC], ["127.0.0.1"])
    tls = tls_for(tmp_path, "hooks.example.com")
    with receiver(tls=tls) as hooks:
        connector = RecordingConnector(hooks.port)
        sender = WebhookSender(resolver=resolver, connect=connector, ca_certs=str(tls.ca_file))
        target = webhook("https://hooks.example.com/hook")
        # when a batch is delivered, then another
        first = sender.deliver(target, RUNS)
        second = sender.deliver(target, RUNS)
    # then the first batch was resolved once, and every connection went to the address checked
    assert all(outcome.accepted for outcome in first)
    assert connector.addresses == [(PUBLIC, 443)] * 3
    assert len(hooks.requests) == 3
    # and the second, resolved to loopback, connected nowhere
    assert resolver.lookups == [("hooks.example.com", 443)] * 2
    assert [(o.error, o.permanent) for o in second] == [
        ("refused: hooks.example.com resolves to 127.0.0.1, which is loopback", True)
    ] * 3


def test_a_name_with_one_private_address_among_public_ones_is_refused_before_any_connection() -> None:
    # given
    resolver = RebindingResolver([PUBLIC, "10.0.0.5"])
    connector = RecordingConnector(port=9)
    # when
    outcomes = WebhookSender(resolver=resolver, connect=connector).deliver(webhook("https://hooks.example.com/"), RUNS)
    # then
    assert connector.addresses == []
    assert [(o.error, o.permanent) for o in outcomes] == [
        ("refused: hooks.example.com resolves to 10.0.0.5, which is private", True)
    ] * 3


def test_the_metadata_service_is_refused_whatever_form_its_address_takes() -> None:
    connector = RecordingConnector(port=9)
    for answer in ("169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2::254"):
        sender = WebhookSender(resolver=RebindingResolver([answer]), connect=connector)
        [outcome] = sender.deliver(webhook("https://metadata.example.com/"), RUNS[:1])
        assert outcome.permanent and "(the instance metadata service)" in (outcome.error or "")
    assert connector.addresses == []


def test_a_url_the_rules_refuse_fails_every_run_for_good_without_a_lookup() -> None:
    resolver = RebindingResolver([PUBLIC])
    outcomes = WebhookSender(resolver=resolver).deliver(webhook("https://10.0.0.5/hook"), RUNS[:2])
    assert resolver.lookups == []
    assert [(o.error, o.permanent) for o in outcomes] == [
        ("refused: 10.0.0.5 is private: a webhook must reach a public address", True)
    ] * 2


def test_loopback_is_reached_only_with_the_local_setting() -> None:
    with receiver() as hooks:
        # given
        target = webhook(hooks.url())
        # when
        [refused] = WebhookSender().deliver(target, RUNS[:1])
        [delivered] = WebhookSender(allow_loopback=True).deliver(target, RUNS[:1])
    # then
    assert (refused.permanent, refused.error) == (True, "refused: must be an https URL")
    assert delivered.accepted
    assert len(hooks.requests) == 1


def test_localhost_resolved_by_the_system_reaches_the_receiver_with_the_local_setting() -> None:
    with receiver() as hooks:
        [outcome] = WebhookSender(allow_loopback=True).deliver(webhook(hooks.url(host="localhost")), RUNS[:1])
    assert outcome.accepted
    assert hooks.requests[0].headers["host"] == f"localhost:{hooks.port}"


def test_the_next_address_is_tried_when_one_refuses_the_connection() -> None:
    # given a name whose first address has nothing listening (the receiver is on 127.0.0.1 only)
    resolver = RebindingResolver(["127.0.0.2", "127.0.0.1"])
    with receiver() as hooks:
        sender = WebhookSender(allow_loopback=True, resolver=resolver)
        # when
        [outcome] = sender.deliver(webhook(f"http://localhost:{hooks.port}/hook"), RUNS[:1])
    # then
    assert outcome.accepted
    assert len(hooks.requests) == 1


def test_a_name_that_does_not_resolve_is_a_failure_to_retry() -> None:
    def unknown(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    [outcome] = WebhookSender(resolver=unknown).deliver(webhook("https://gone.example.com/"), RUNS[:1])
    assert (outcome.error, outcome.permanent) == (
        "could not resolve gone.example.com: Name or service not known",
        False,
    )


def test_a_target_without_webhook_settings_fails_for_good() -> None:
    target = Target("team-a", "hook", TargetKind.WEBHOOK, "https://hooks.example.com/")
    [outcome] = WebhookSender().deliver(target, RUNS[:1])
    assert outcome.permanent and outcome.error == "target 'hook' is not a webhook with its settings"
