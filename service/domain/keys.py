"""API keys and namespaces (SPEC section 5): who may call, and whose schedules they see."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from service.domain.errors import DomainError, ValidationFailed, quoted

# Namespaces are embedded in the table's keys (``NS#<ns>``, ``PAYLOAD#<ns>#<jobId>``), so
# the separator ``#`` and anything else outside this set must be impossible in one.
NAMESPACE_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
# RFC 6750's b64token, bounded: the Bearer credential syntax.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9._~+/-]+=*")
MAX_TOKEN_LENGTH = 256
MAX_NAME_LENGTH = 100
KEY_PREFIX = "sk_live_"
VISIBLE_CHARACTERS = 12


def check_namespace(namespace: str) -> str:
    if not NAMESPACE_PATTERN.fullmatch(namespace):
        raise ValidationFailed.single(
            "namespace",
            f"{quoted(namespace)} is not a namespace: 1 to 63 lower-case letters, digits or '-', "
            "starting with a letter or digit",
        )
    return namespace


def check_key_name(name: str) -> str:
    if not name.strip() or len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed.single("name", f"a key's name is 1 to {MAX_NAME_LENGTH} characters")
    return name


def is_token(text: str) -> bool:
    return len(text) <= MAX_TOKEN_LENGTH and TOKEN_PATTERN.fullmatch(text) is not None


def hash_key(secret: str) -> str:
    """The stored form of a key.

    A plain SHA-256, not a slow password hash: generated keys carry 256 random bits, so
    nobody can guess one from its hash whatever the hash's speed, and a verification must
    stay one cheap hash plus one GetItem. (A key fixed by hand, such as a local stack's
    ``SCHEDULER_API_KEY``, is only as strong as its author made it.)
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def visible_prefix(secret: str) -> str:
    """The part of a key shown in listings: enough to tell keys apart, too little to matter.

    A short key fixed by hand shows a quarter of itself at most.
    """
    return secret[: min(VISIBLE_CHARACTERS, len(secret) // 4)]


@dataclass(frozen=True)
class ApiKey:
    """A key's metadata: everything but the key itself, which is never stored."""

    key_id: str
    prefix: str
    name: str
    namespace: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked: bool = False


@dataclass(frozen=True)
class KeyGrant:
    """What a verification needs, read in one GetItem by the key's hash."""

    key_id: str
    namespace: str
    revoked: bool


@dataclass(frozen=True)
class Principal:
    """The caller of one request: the key it proved, and the namespace that key opens."""

    key_id: str
    namespace: str


class Unauthorized(DomainError):  # noqa: N818 - the names say what failed
    """No usable API key: ``reason`` is missing, malformed, unknown or revoked."""

    code = "unauthorized"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason

    @classmethod
    def missing(cls) -> Unauthorized:
        return cls("missing", "this request needs an API key: send the header 'Authorization: Bearer <key>'")

    @classmethod
    def malformed(cls) -> Unauthorized:
        return cls("malformed", "the Authorization header must be 'Bearer <key>', with the key as it was issued")

    @classmethod
    def unknown(cls) -> Unauthorized:
        return cls("unknown", "the API key is not valid")

    @classmethod
    def revoked(cls) -> Unauthorized:
        return cls("revoked", "the API key has been revoked")


class KeyNotFound(DomainError):  # noqa: N818 - the names say what failed
    code = "not_found"

    def __init__(self, key_id: str) -> None:
        super().__init__(f"no API key with id {quoted(key_id)}")
        self.key_id = key_id


class RateLimited(DomainError):  # noqa: N818 - the names say what failed
    """The key, or the caller's address, has used up its budget for now."""

    code = "rate_limited"

    def __init__(self, retry_after_seconds: int, what: str = "requests with this API key") -> None:
        super().__init__(f"too many {what}; retry in {retry_after_seconds} s")
        self.retry_after_seconds = retry_after_seconds

    @classmethod
    def failed_checks(cls, retry_after_seconds: int) -> RateLimited:
        return cls(retry_after_seconds, "API keys that were not accepted from this address")
