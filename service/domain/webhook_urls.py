"""What a webhook URL may be, checked when it is registered and again at every delivery.

``https`` only, to a host name or a public IP address, with no user name or password and no
fragment; ``http`` only to a loopback host, and only on the local stack (``allow_loopback``).
A host name's addresses are checked when it is resolved (``service.adapters.webhook_sender``):
here only names that can never be public are refused (``localhost``, ``.internal``...), and
numbers that a resolver would read as an IPv4 address in some other notation (``127.1``,
``2130706433``), which are neither a name nor a valid address.

The parsed parts (``WebhookUrl``) are what a delivery uses: the URL is never parsed again by
another parser that might read it differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address
from urllib.parse import urlsplit

from service.domain.addresses import IPAddress, parse_address, refused_because
from service.domain.errors import FieldProblem, ValidationFailed, quoted

MAX_URL_LENGTH = 2048
MAX_HOST_LENGTH = 253  # DNS: a name of at most 253 characters, in labels of at most 63
# A label in the notations a resolver reads as part of an IPv4 address: 127.1, 0x7f.0.0.1.
_NUMBER = re.compile(r"0x[0-9a-f]*|[0-9]+")
_LABEL = re.compile(r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?")
_PRINTABLE_ASCII = re.compile(r"[!-~]+")  # no space, no control character, nothing past ASCII
_LOOPBACK_NAMES = ("localhost",)
# Names for private networks only (RFC 6761, RFC 6762, RFC 8375, ICANN's .internal).
_PRIVATE_SUFFIXES = ("local", "internal", "home.arpa", "localdomain", "invalid", "test")
_DEFAULT_PORTS = {"https": 443, "http": 80}


class WebhookUrlRefused(ValidationFailed):
    """A webhook URL the service may not call (422, naming ``url``)."""

    def __init__(self, reason: str, field: str = "url") -> None:
        self.reason = reason
        super().__init__([FieldProblem(field, reason)])


@dataclass(frozen=True)
class WebhookUrl:
    scheme: str  # "https", or "http" to a loopback host on the local stack
    host: str  # a lower-case name without a trailing dot, or an IP address (IPv6 without brackets)
    port: int
    target: str  # the path and the query, as the request line carries them
    address: IPAddress | None  # the host's address, when the URL names one

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if isinstance(self.address, IPv6Address) else self.host
        return host if self.port == _DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def loopback(self) -> bool:
        if isinstance(self.address, IPv6Address) and self.address.ipv4_mapped is not None:
            return self.address.ipv4_mapped.is_loopback
        if self.address is not None:
            return self.address.is_loopback
        return self.host in _LOOPBACK_NAMES or self.host.endswith(".localhost")


def check_webhook_url(url: object, *, allow_loopback: bool = False, field: str = "url") -> WebhookUrl:
    """The parts of a URL a webhook may call; raises ``WebhookUrlRefused`` saying why not."""
    if not isinstance(url, str) or not url:
        raise WebhookUrlRefused("must be an https URL", field)
    try:
        parsed = _parse(url)
        if parsed.scheme == "http" and not (allow_loopback and parsed.loopback):
            raise _RefusedError("must be an https URL" + ("" if parsed.loopback else _HTTP_ONLY_LOCALLY))
        if parsed.loopback and not allow_loopback:
            raise _RefusedError(f"{parsed.host} is loopback: {_PUBLIC_ONLY}")
        reason = None if parsed.address is None else refused_because(parsed.address, allow_loopback=allow_loopback)
        if reason is not None:
            raise _RefusedError(f"{reason}: {_PUBLIC_ONLY}")
    except _RefusedError as refused:
        raise WebhookUrlRefused(str(refused), field) from None
    return parsed


_PUBLIC_ONLY = "a webhook must reach a public address"
_HTTP_ONLY_LOCALLY = "; plain http is allowed only to a loopback host, on the local stack"


class _RefusedError(Exception):
    pass


def _parse(url: str) -> WebhookUrl:
    if len(url) > MAX_URL_LENGTH:
        raise _RefusedError(f"must be at most {MAX_URL_LENGTH} characters, got {len(url)}")
    if not _PRINTABLE_ASCII.fullmatch(url) or "\\" in url:
        raise _RefusedError(
            f"{quoted(url)} must be ASCII with no spaces, control characters or backslashes "
            "(percent-encode them, and write a host name in its ASCII form, xn--...)"
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _RefusedError(f"{quoted(url)} is not a URL with a port of 1..65535, or none") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not url[len(scheme) :].startswith("://"):
        raise _RefusedError(f"{quoted(url)} must be an https URL (https://host/path)")
    if "@" in parts.netloc:
        raise _RefusedError("must not carry a user name or password: put a credential in the path or the query")
    if "#" in url:
        raise _RefusedError("must not have a fragment (#...): it is never sent")
    if port == 0:
        raise _RefusedError("must have a port of 1..65535, or none")
    host, address = _host(parts.hostname or "", bracketed=parts.netloc.startswith("["))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return WebhookUrl(scheme, host, port or _DEFAULT_PORTS[scheme], target, address)


def _host(hostname: str, *, bracketed: bool) -> tuple[str, IPAddress | None]:
    if bracketed:
        if "%" in hostname:
            raise _RefusedError("must not have an IPv6 zone (%...)")
        return hostname, parse_address(hostname)  # urlsplit has checked it is an address
    host = hostname[:-1] if hostname.endswith(".") else hostname
    if not host:
        raise _RefusedError("must have a host")
    try:
        return host, IPv4Address(host)
    except ValueError:
        pass
    labels = host.split(".")
    if all(_NUMBER.fullmatch(label) for label in labels) or labels[-1].isdigit():
        raise _RefusedError(
            f"{quoted(host)} is neither a host name nor an IPv4 address (four decimal numbers, such as 192.0.2.1)"
        )
    if len(host) > MAX_HOST_LENGTH or not all(_LABEL.fullmatch(label) for label in labels):
        raise _RefusedError(
            f"{quoted(host)} is not a host name: labels of 1 to 63 letters, digits, '-' or '_', "
            f"{MAX_HOST_LENGTH} characters in all"
        )
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return host, None
    if len(labels) < 2:
        raise _RefusedError(f"{quoted(host)} is not a fully qualified host name (such as hooks.example.com)")
    suffix = next((s for s in _PRIVATE_SUFFIXES if host.endswith(f".{s}")), None)
    if suffix is not None:
        raise _RefusedError(f"{quoted(host)} is a name of a private network (.{suffix}): {_PUBLIC_ONLY}")
    return host, None
