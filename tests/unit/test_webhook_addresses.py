"""The SSRF rules: which addresses a webhook may reach, each refused one with its reason, and
what a webhook URL may be when it is registered."""

from __future__ import annotations

import pytest

from service.domain.addresses import parse_address, refused_because
from service.domain.errors import ValidationFailed
from service.domain.webhook_urls import MAX_URL_LENGTH, WebhookUrl, WebhookUrlRefused, check_webhook_url
from service.entrypoints.presenters.errors import status_for

REFUSED = [
    # IPv4
    ("0.0.0.0", "0.0.0.0 is unspecified"),
    ("0.1.2.3", "0.1.2.3 is in 'this network' (0.0.0.0/8)"),
    ("10.0.0.5", "10.0.0.5 is private"),
    ("172.16.0.1", "172.16.0.1 is private"),
    ("172.31.255.255", "172.31.255.255 is private"),
    ("192.168.1.1", "192.168.1.1 is private"),
    ("100.64.0.1", "100.64.0.1 is in the shared address space of carrier-grade NAT (100.64.0.0/10)"),
    ("100.127.255.254", "100.127.255.254 is in the shared address space of carrier-grade NAT (100.64.0.0/10)"),
    ("127.0.0.1", "127.0.0.1 is loopback"),
    ("127.255.0.9", "127.255.0.9 is loopback"),
    ("169.254.169.254", "169.254.169.254 is link-local (the instance metadata service)"),
    ("169.254.170.2", "169.254.170.2 is link-local"),
    ("192.0.0.8", "192.0.0.8 is reserved for IETF protocol assignments (192.0.0.0/24)"),
    ("192.0.2.7", "192.0.2.7 is reserved for documentation (192.0.2.0/24)"),
    ("198.51.100.7", "198.51.100.7 is reserved for documentation (198.51.100.0/24)"),
    ("203.0.113.7", "203.0.113.7 is reserved for documentation (203.0.113.0/24)"),
    ("192.88.99.1", "192.88.99.1 is a 6to4 relay anycast address (192.88.99.0/24)"),
    ("198.18.0.1", "198.18.0.1 is reserved for benchmarking (198.18.0.0/15)"),
    ("198.19.255.1", "198.19.255.1 is reserved for benchmarking (198.18.0.0/15)"),
    ("224.0.0.251", "224.0.0.251 is multicast"),
    ("239.255.255.250", "239.255.255.250 is multicast"),
    ("240.0.0.1", "240.0.0.1 is reserved (240.0.0.0/4)"),
    ("255.255.255.255", "255.255.255.255 is the broadcast address"),
    # IPv6
    ("::", ":: is unspecified"),
    ("::1", "::1 is loopback"),
    ("fe80::1", "fe80::1 is link-local"),
    ("fe80::1%eth0", "fe80::1 is link-local"),
    ("fc00::1", "fc00::1 is unique-local"),
    ("fd12:3456::1", "fd12:3456::1 is unique-local"),
    ("fd00:ec2::254", "fd00:ec2::254 is unique-local (the instance metadata service)"),
    ("fec0::1", "fec0::1 is site-local (deprecated)"),
    ("ff02::1", "ff02::1 is multicast"),
    ("2001:db8::1", "2001:db8::1 is reserved for documentation (2001:db8::/32)"),
    ("3fff::1", "3fff::1 is reserved for documentation (3fff::/20)"),
    ("2001:2::1", "2001:2::1 is reserved for benchmarking (2001:2::/48)"),
    (
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2 is a Teredo tunnel address (2001::/32)",
    ),
    ("100::1", "100::1 is reserved for discarding traffic (100::/64)"),
    ("64:ff9b:1::1", "64:ff9b:1::1 is reserved for local NAT64 translation (64:ff9b:1::/48)"),
    ("::10.0.0.5", "::a00:5 is an IPv4-compatible address (deprecated, ::/96)"),
    ("4000::1", "4000::1 is not a global unicast address (2000::/3)"),
    # IPv6 forms of refused IPv4 addresses
    ("::ffff:127.0.0.1", "::ffff:127.0.0.1 is an IPv4-mapped form of 127.0.0.1, which is loopback"),
    ("::ffff:10.0.0.5", "::ffff:10.0.0.5 is an IPv4-mapped form of 10.0.0.5, which is private"),
    (
        "::ffff:169.254.169.254",
        "::ffff:169.254.169.254 is an IPv4-mapped form of 169.254.169.254, which is link-local "
        "(the instance metadata service)",
    ),
    ("::ffff:0:10.0.0.5", "::ffff:0:a00:5 is an IPv4-translated form of 10.0.0.5, which is private"),
    ("64:ff9b::10.0.0.5", "64:ff9b::a00:5 is a NAT64 form of 10.0.0.5, which is private"),
    ("64:ff9b::127.0.0.1", "64:ff9b::7f00:1 is a NAT64 form of 127.0.0.1, which is loopback"),
    (
        "2002:a9fe:a9fe::1",
        "2002:a9fe:a9fe::1 is a 6to4 form of 169.254.169.254, which is link-local (the instance metadata service)",
    ),
]
ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "2606:4700:4700::1111",
    "2a00:1450:4001::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
]


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_an_address_of_a_special_purpose_range_is_refused_with_its_reason(text: str, reason: str) -> None:
    assert refused_because(parse_address(text)) == reason


@pytest.mark.parametrize("text", ALLOWED)
def test_a_public_address_is_allowed(text: str) -> None:
    assert refused_because(parse_address(text)) is None


@pytest.mark.parametrize("text", ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"])
def test_loopback_is_allowed_only_with_the_local_setting(text: str) -> None:
    assert refused_because(parse_address(text), allow_loopback=True) is None
    assert refused_because(parse_address(text), allow_loopback=False) is not None


@pytest.mark.parametrize("text", ["10.0.0.5", "169.254.169.254", "fd00:ec2::254", "::ffff:192.168.0.1"])
def test_the_local_setting_allows_loopback_and_nothing_else(text: str) -> None:
    assert refused_because(parse_address(text), allow_loopback=True) is not None


def test_a_registered_url_is_kept_in_the_parts_a_delivery_uses() -> None:
    assert check_webhook_url("https://Hooks.Example.com./in/bound?key=abc%20d") == WebhookUrl(
        "https", "hooks.example.com", 443, "/in/bound?key=abc%20d", None
    )
    assert check_webhook_url("https://hooks.example.com:8443").target == "/"


def test_a_url_naming_a_public_address_is_kept_with_it() -> None:
    url = check_webhook_url("https://[2606:4700:4700::1111]:8443/h")
    assert (url.host, url.port, str(url.address)) == ("2606:4700:4700::1111", 8443, "2606:4700:4700::1111")
    assert url.host_header == "[2606:4700:4700::1111]:8443"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.com/", "must be an https URL; plain http is allowed only to a loopback host"),
        ("ftp://hooks.example.com/", "must be an https URL"),
        ("hooks.example.com/in", "must be an https URL"),
        ("https:hooks.example.com", "must be an https URL"),
        ("", "must be an https URL"),
        ("https://user:pass@hooks.example.com/", "must not carry a user name or password"),
        ("https://hooks.example.com@10.0.0.5/", "must not carry a user name or password"),
        ("https://hooks.example.com/#part", "must not have a fragment"),
        ("https:///in", "must have a host"),
        ("https://hooks.example.com:0/", "must have a port of 1..65535"),
        ("https://hooks.example.com:65536/", "with a port of 1..65535"),
        ("https://hooks.example.com:https/", "with a port of 1..65535"),
        ("https://hooks.example.com/a b", "must be ASCII with no spaces"),
        ("https://hooks.example.com/\r\nx: y", "must be ASCII with no spaces"),
        ("https://bücher.example/", "must be ASCII"),
        ("https://hooks.example.com\\@10.0.0.5/", "backslashes"),
        ("https://" + "a" * 64 + ".example.com/", "is not a host name"),
        ("https://-bad.example.com/", "is not a host name"),
        ("https://hooks/", "is not a fully qualified host name"),
        ("https://127.1/", "is neither a host name nor an IPv4 address"),
        ("https://2130706433/", "is neither a host name nor an IPv4 address"),
        ("https://0x7f.0.0.1/", "is neither a host name nor an IPv4 address"),
        ("https://0177.0.0.1/", "is neither a host name nor an IPv4 address"),
        ("https://hooks.example.123/", "is neither a host name nor an IPv4 address"),
        ("https://localhost/", "localhost is loopback: a webhook must reach a public address"),
        ("https://app.localhost/", "app.localhost is loopback"),
        ("https://metadata.google.internal/", "is a name of a private network (.internal)"),
        ("https://printer.local/", "is a name of a private network (.local)"),
        ("https://router.home.arpa/", "is a name of a private network (.home.arpa)"),
        ("https://127.0.0.1/", "127.0.0.1 is loopback"),
        ("https://[::1]/", "::1 is loopback"),
        ("https://10.0.0.5/", "10.0.0.5 is private: a webhook must reach a public address"),
        (
            "https://169.254.169.254/latest/meta-data/",
            "169.254.169.254 is link-local (the instance metadata service): a webhook must reach a public address",
        ),
        ("https://[::ffff:169.254.169.254]/", "which is link-local (the instance metadata service)"),
        ("https://[fe80::1%25eth0]/", "must not have an IPv6 zone"),
        ("https://[not-an-address]/", "is not a URL"),
        ("https://hooks.example.com/" + "a" * MAX_URL_LENGTH, f"must be at most {MAX_URL_LENGTH} characters"),
    ],
)
def test_a_url_a_webhook_may_not_call_is_refused_at_registration_naming_url(url: str, reason: str) -> None:
    with pytest.raises(WebhookUrlRefused) as refused:
        check_webhook_url(url)
    assert isinstance(refused.value, ValidationFailed)  # the API answers 422
    [problem] = refused.value.problems
    assert problem.field == "url"
    assert reason in problem.message


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9000/hook", "http://localhost:9000/hook", "http://[::1]:9000/hook", "https://127.0.0.1/"],
)
def test_the_local_stack_may_register_a_loopback_url_over_http(url: str) -> None:
    assert check_webhook_url(url, allow_loopback=True).loopback
    with pytest.raises(WebhookUrlRefused):
        check_webhook_url(url)


@pytest.mark.parametrize("url", ["http://hooks.example.com/", "http://10.0.0.5/", "https://10.0.0.5/"])
def test_the_local_setting_still_refuses_http_and_private_addresses_beyond_loopback(url: str) -> None:
    with pytest.raises(WebhookUrlRefused):
        check_webhook_url(url, allow_loopback=True)


def test_a_refusal_can_name_the_field_the_client_sent() -> None:
    with pytest.raises(WebhookUrlRefused) as refused:
        check_webhook_url("http://hooks.example.com/", field="webhook.url")
    assert refused.value.problems[0].field == "webhook.url"


def test_a_refused_url_is_answered_422_naming_url() -> None:
    refused = WebhookUrlRefused("10.0.0.5 is private: a webhook must reach a public address")
    assert status_for(refused) == 422
