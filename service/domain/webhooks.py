"""A webhook target's settings: its signing secrets, its timeout, its content type, its retries.

Deliveries are signed by the Standard Webhooks scheme with a symmetric secret, serialised as
the specification asks: ``whsec_`` and the base64 of random bytes (at least 24; 64 at most, as
its libraries accept). A rotation keeps the secret it replaces for ``ROTATION_OVERLAP``, and
every delivery in that time carries a signature by each, so a receiver can switch secrets
without losing one delivery.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from service.domain.errors import FieldProblem, ValidationFailed, quoted
from service.domain.retry_policy import RetryPolicy, retry_policy

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # what a new secret gets
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
ROTATION_OVERLAP = timedelta(hours=24)
DEFAULT_TIMEOUT_SECONDS = 10.0
MIN_TIMEOUT_SECONDS = 1
MAX_TIMEOUT_SECONDS = 30  # the specification's recommended range ends here
JSON_CONTENT_TYPE = "application/json"
# text/plain without a charset means US-ASCII; the body is UTF-8.
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"
MAX_CONTENT_TYPE_LENGTH = 200
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
# RFC 9110's media-type: type "/" subtype, then ";" parameters (a token or a quoted value).
# Nothing else gets in: the value becomes a request header.
_MEDIA_TYPE = re.compile(rf'{_TOKEN}/{_TOKEN}(?:[ \t]*;[ \t]*{_TOKEN}=(?:{_TOKEN}|"[^"\\\x00-\x1f\x7f]*"))*')


@dataclass(frozen=True)
class WebhookConfig:
    # Secrets stay out of repr, so no log line of a target ever shows one.
    secret: str = field(repr=False)
    previous_secret: str | None = field(default=None, repr=False)
    previous_secret_expires_at: datetime | None = None
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    content_type: str | None = None  # None: from the payload (``content_type_for``)
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def signing_secrets(self, now: datetime) -> tuple[str, ...]:
        """The secrets a delivery at ``now`` is signed with: the current one, then the one it
        replaced while that is still accepted."""
        if self.previous_secret is not None and self.previous_active(now):
            return (self.secret, self.previous_secret)
        return (self.secret,)

    def previous_active(self, now: datetime) -> bool:
        expires = self.previous_secret_expires_at
        return self.previous_secret is not None and expires is not None and now < expires

    def rotated(self, new: str, now: datetime) -> WebhookConfig:
        """The settings once ``new`` replaces the secret at ``now``: the replaced one is still
        accepted for ``ROTATION_OVERLAP``. A secret an earlier rotation kept is dropped, so at
        most two are ever in use."""
        return replace(self, secret=new, previous_secret=self.secret, previous_secret_expires_at=now + ROTATION_OVERLAP)


@dataclass(frozen=True)
class RetryInput:
    """A retry policy as a client sent it (None: the default)."""

    max_attempts: object = None
    max_age_seconds: object = None


@dataclass(frozen=True)
class WebhookInput:
    """A webhook's settings as a client sent them, before validation (None: the default)."""

    timeout_seconds: object = None
    content_type: object = None
    retry: RetryInput | None = None
    secret: object = None  # a client's own secret; None: the service makes one


def webhook_config(raw: WebhookInput, make_secret: Callable[[], str] | None = None) -> WebhookConfig:
    """Valid settings from a client's, every broken rule reported at once."""
    problems: list[FieldProblem] = []
    timeout = _timeout(raw.timeout_seconds, problems)
    content_type = _checked(check_content_type, raw.content_type, problems)
    secret = _checked(check_secret, raw.secret, problems)
    retry = RetryPolicy()
    if raw.retry is not None:
        try:
            retry = retry_policy(raw.retry.max_attempts, raw.retry.max_age_seconds)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationFailed(problems)
    return WebhookConfig(
        secret=secret or (make_secret or new_secret)(),
        timeout_seconds=timeout,
        content_type=content_type,
        retry=retry,
    )


def new_secret(token_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    return SECRET_PREFIX + base64.b64encode(token_bytes(SECRET_BYTES)).decode("ascii")


def check_secret(value: object, field: str = "secret") -> str:
    shape = f"must be {SECRET_PREFIX!r} and the base64 of {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} random bytes"
    if not isinstance(value, str) or not value.startswith(SECRET_PREFIX):
        raise ValidationFailed.single(field, shape)
    try:
        key = base64.b64decode(value[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed.single(field, f"{shape}; it is not base64") from None
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise ValidationFailed.single(field, f"{shape}; it has {len(key)}")
    return value


def check_content_type(value: object, field: str = "contentType") -> str:
    if not isinstance(value, str) or len(value) > MAX_CONTENT_TYPE_LENGTH or not _MEDIA_TYPE.fullmatch(value):
        raise ValidationFailed.single(
            field,
            f"{quoted(value)} is not a media type such as 'application/json' or 'text/plain; charset=utf-8' "
            f"({MAX_CONTENT_TYPE_LENGTH} characters at most)",
        )
    return value


def content_type_for(payload: str, override: str | None = None) -> str:
    """The ``content-type`` of a delivery: the target's own, else JSON's when the payload is
    one JSON document (an object, an array, a string, a number...), else UTF-8 text."""
    if override is not None:
        return override
    try:
        json.loads(payload, parse_constant=_not_json)
    except (ValueError, RecursionError):  # nested deeper than the parser goes: sent as text
        return TEXT_CONTENT_TYPE
    return JSON_CONTENT_TYPE


def _not_json(name: str) -> None:
    # Python reads NaN and Infinity; JSON has no such values.
    raise ValueError(f"{name} is not JSON")


def _timeout(value: object, problems: list[FieldProblem]) -> float:
    if value is None:
        return DEFAULT_TIMEOUT_SECONDS
    bounds = f"{MIN_TIMEOUT_SECONDS}..{MAX_TIMEOUT_SECONDS}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(FieldProblem("timeoutSeconds", f"must be a number of seconds, {bounds}"))
    elif not MIN_TIMEOUT_SECONDS <= value <= MAX_TIMEOUT_SECONDS:
        problems.append(FieldProblem("timeoutSeconds", f"must be {bounds} seconds, got {value}"))
    else:
        return float(value)
    return DEFAULT_TIMEOUT_SECONDS


def _checked(check: Callable[[object], str], value: object, problems: list[FieldProblem]) -> str | None:
    if value is None:
        return None
    try:
        return check(value)
    except ValidationFailed as exc:
        problems.extend(exc.problems)
        return None
