"""The queue URL of an ``sqs`` target: what an operator may name, refused with the reason.

SQS names a queue by URL, ``https://sqs.<region>.amazonaws.com/<account>/<name>`` (the
current form), ``https://<region>.queue.amazonaws.com/<account>/<name>`` (the legacy one,
which ``queue.amazonaws.com`` alone is for us-east-1), each also under ``amazonaws.com.cn``.
An emulator (moto, LocalStack) answers at its own address with the same path, such as
``http://127.0.0.1:5000/123456789012/jobs``: any other host takes http or https.

Only the form is checked: the queue may live in another account, and whether the service
may send to it is the IAM policy's to say, at delivery.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from service.domain.errors import ValidationFailed, quoted

MAX_URL_LENGTH = 2048
_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}"
_AWS_HOST = re.compile(rf"(?:sqs\.{_REGION}|(?:{_REGION}\.)?queue)\.amazonaws\.com(?:\.cn)?")
_AWS_DOMAIN = re.compile(r"(?:^|\.)amazonaws\.com(?:\.cn)?$")
_ACCOUNT = re.compile(r"\d{12}")
# SQS's rule: up to 80 letters, digits, '-' or '_', the '.fifo' suffix of a FIFO queue included.
_QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo")
_HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?")  # "_" too: a container's name
FORMS = (
    "https://sqs.<region>.amazonaws.com/<12-digit account>/<queue name>, "
    "https://<region>.queue.amazonaws.com/<account>/<queue name>, "
    "or an emulator's http(s)://<host>[:<port>]/<account>/<queue name>"
)


def check_sqs_queue_url(url: str, field: str = "url") -> str:
    """``url`` if it is an SQS queue URL; ``ValidationFailed`` naming ``field`` and the rule otherwise."""
    reason = _problem(url)
    if reason is not None:
        raise ValidationFailed.single(field, f"{quoted(url)} is not an SQS queue URL: {reason} (expected {FORMS})")
    return url


def _problem(url: str) -> str | None:
    if len(url) > MAX_URL_LENGTH or not url.isprintable() or any(c.isspace() for c in url):
        return f"it must be printable text of up to {MAX_URL_LENGTH} characters, without spaces"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "it must start with https:// (or http:// for an emulator)"
    if "@" in parts.netloc:
        return "it must not carry a user name or password"
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return "it must not have a query or a fragment"
    try:
        port = parts.port
    except ValueError:
        return "its port is not a number from 1 to 65535"
    host = parts.hostname or ""
    if not _is_host(host):
        return "it has no valid host"
    if _AWS_DOMAIN.search(host):
        if not _AWS_HOST.fullmatch(host):
            return f"{quoted(host)} is not an SQS endpoint"
        if parts.scheme != "https" or port is not None:
            return "an AWS queue URL is https, without a port"
    return _path_problem(parts.path)


def _is_host(host: str) -> bool:
    """A host name or an IP address (``hostname`` is lower-case, an IPv6 one without brackets)."""
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    return _HOST_NAME.fullmatch(host) is not None and ".." not in host


def _path_problem(path: str) -> str | None:
    segments = path.removesuffix("/").split("/")
    if len(segments) != 3 or segments[0] != "":
        return "its path must be /<account>/<queue name>"
    account, name = segments[1], segments[2]
    if not _ACCOUNT.fullmatch(account):
        return f"{quoted(account)} is not an account id (12 digits)"
    if not _QUEUE_NAME.fullmatch(name):
        return (
            f"{quoted(name)} is not a queue name (up to 80 letters, digits, '-' or '_', "
            "a FIFO queue's ending in '.fifo')"
        )
    return None
