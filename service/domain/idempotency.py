"""Creating a schedule exactly once: an ``Idempotency-Key`` names one create request, and
within ``KEPT_FOR`` the same key gets the first request's answer back and creates nothing.

Only creates that succeeded are kept: a request refused for its input created nothing, so
the same key may be sent again with the input corrected (Stripe's rule too). A key names
one request body: sent again with another, it is refused rather than answered with a
schedule that is not what was asked for. Keys are kept per namespace.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from service.domain.errors import DomainError, ValidationFailed, quoted
from service.domain.schedule import Schedule, ScheduleInput

KEPT_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255


def check_idempotency_key(key: str, field: str) -> str:
    """1 to 255 visible ASCII characters (a UUID is a good key)."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all("!" <= char <= "~" for char in key):
        raise ValidationFailed.single(
            field,
            f"{quoted(key)} is not an idempotency key: 1 to {MAX_KEY_LENGTH} visible ASCII characters, "
            "no spaces (a UUID is a good one)",
        )
    return key


def request_digest(raw: ScheduleInput) -> str:
    """What identifies a create request's body: the definition as the API read it, so that
    the same definition gives the same digest through REST and GraphQL, in any key order."""
    values = asdict(raw)
    values["labels"] = sorted(map(list, raw.labels)) if raw.labels is not None else None
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("utf-8", errors="surrogatepass")).hexdigest()


@dataclass(frozen=True)
class IdempotentCreate:
    """The record of a create made with a key: its digest, and the first answer."""

    namespace: str
    key: str
    digest: str
    job_id: str
    recorded_at: datetime
    # The first answer; None while the first request is still delivering the run it was
    # due at once (it is stored when that request answers).
    answer: Schedule | None = None
    status: int = 201

    @property
    def expires_at(self) -> datetime:
        return self.recorded_at + KEPT_FOR


class IdempotencyKeyReused(DomainError):  # noqa: N818 - the names say what failed
    """The key was used within 24 h for a request with another body (422)."""

    code = "idempotency_key_reused"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"Idempotency-Key {quoted(key)} was used in the last 24 hours for a request with another body; "
            "send a new key for a new schedule"
        )


class IdempotencyKeyInUse(DomainError):  # noqa: N818 - the names say what failed
    """The first request with the key is still being answered (409): retry shortly."""

    code = "idempotency_key_in_use"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"the first request with Idempotency-Key {quoted(key)} is still running; retry in a few seconds "
            "to get its answer"
        )


class KeyAlreadyRecorded(Exception):  # noqa: N818 - raised by a repository, caught by the service
    """The repository found a live record for the key: nothing was written."""

    def __init__(self, record: IdempotentCreate | None) -> None:
        super().__init__("the idempotency key is already recorded")
        self.record = record  # None: being written by a concurrent request right now
