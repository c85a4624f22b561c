"""Use cases on API keys: issue, list, revoke, and verify one on each request."""

from __future__ import annotations

import abc
import builtins
import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from service.domain.keys import (
    KEY_PREFIX,
    ApiKey,
    KeyGrant,
    Principal,
    Unauthorized,
    check_key_name,
    check_namespace,
    hash_key,
    is_token,
    visible_prefix,
)

logger = logging.getLogger(__name__)


class KeyStore(abc.ABC):
    """Where keys live: a grant found by the key's hash, and metadata found by the key's id."""

    @abc.abstractmethod
    def add(self, key: ApiKey, key_hash: str) -> None:
        """Store a new key; fails (``ValidationFailed``) if a key with that hash exists."""

    @abc.abstractmethod
    def find(self, key_hash: str) -> KeyGrant | None: ...

    @abc.abstractmethod
    def list(self, namespace: str | None) -> builtins.list[ApiKey]: ...

    @abc.abstractmethod
    def revoke(self, key_id: str) -> ApiKey:
        """Mark the key revoked (``KeyNotFound`` if there is none); revoking twice is harmless."""

    @abc.abstractmethod
    def touch(self, key_id: str, at: datetime, unless_since: datetime) -> None:
        """Record a use at ``at``, unless one after ``unless_since`` is recorded."""


def new_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)  # 256 random bits


def new_key_id() -> str:
    return "key_" + secrets.token_hex(8)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: str  # shown once, never stored


@dataclass
class _Cached:
    grant: KeyGrant | None
    until: datetime


@dataclass
class KeyService:
    """Keys and their verification.

    A verification is one GetItem by the key's hash, remembered for ``cache_ttl`` in this
    process (a warm Lambda serves many requests): a revocation therefore takes effect
    within ``cache_ttl`` everywhere. The last use is written at most once per
    ``last_used_every`` per key and process, so a busy key costs no write per request.
    """

    store: KeyStore
    clock: Callable[[], datetime] = utc_now
    secret_factory: Callable[[], str] = new_secret
    id_factory: Callable[[], str] = new_key_id
    cache_ttl: timedelta = timedelta(seconds=10)
    cache_size: int = 1024
    last_used_every: timedelta = timedelta(minutes=5)
    _cache: OrderedDict[str, _Cached] = field(default_factory=OrderedDict, repr=False)
    _touched: dict[str, datetime] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- administration (the command line, the local stack) --------------------------

    def create(self, namespace: str, name: str) -> IssuedKey:
        return self._issue(self.secret_factory(), namespace, name)

    def ensure(self, secret: str, namespace: str, name: str) -> ApiKey:
        """The key ``secret`` in ``namespace``: stored now unless it already is."""
        if not is_token(secret):
            raise Unauthorized.malformed()
        grant = self.store.find(hash_key(secret))
        if grant is None:
            return self._issue(secret, namespace, name).key
        return next(k for k in self.store.list(grant.namespace) if k.key_id == grant.key_id)

    def list(self, namespace: str | None = None) -> builtins.list[ApiKey]:
        if namespace is not None:
            check_namespace(namespace)
        return sorted(self.store.list(namespace), key=lambda k: (k.namespace, k.created_at, k.key_id))

    def revoke(self, key_id: str) -> ApiKey:
        return self.store.revoke(key_id)

    def _issue(self, secret: str, namespace: str, name: str) -> IssuedKey:
        key = ApiKey(
            key_id=self.id_factory(),
            prefix=visible_prefix(secret),
            name=check_key_name(name),
            namespace=check_namespace(namespace),
            created_at=self.clock().replace(microsecond=0),
        )
        self.store.add(key, hash_key(secret))
        return IssuedKey(key, secret)

    # -- verification (every request) --------------------------------------------------

    def authenticate(self, secret: str) -> Principal:
        if not is_token(secret):
            raise Unauthorized.malformed()
        now = self.clock()
        grant = self._grant(hash_key(secret), now)
        if grant is None:
            raise Unauthorized.unknown()
        if grant.revoked:
            raise Unauthorized.revoked()
        self._note_use(grant.key_id, now)
        return Principal(key_id=grant.key_id, namespace=grant.namespace)

    def _grant(self, key_hash: str, now: datetime) -> KeyGrant | None:
        with self._lock:
            cached = self._cache.get(key_hash)
            if cached is not None and cached.until > now:
                self._cache.move_to_end(key_hash)
                return cached.grant
        # Unknown keys are remembered too: a client retrying a wrong key costs no read per request.
        grant = self.store.find(key_hash)
        with self._lock:
            self._cache[key_hash] = _Cached(grant, now + self.cache_ttl)
            self._cache.move_to_end(key_hash)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return grant

    def _note_use(self, key_id: str, now: datetime) -> None:
        with self._lock:
            last = self._touched.get(key_id)
            if last is not None and now - last < self.last_used_every:
                return
            self._touched[key_id] = now
            if len(self._touched) > self.cache_size:
                self._touched.pop(next(iter(self._touched)))
        # Conditional in the store as well: other instances may have written it just now.
        try:
            self.store.touch(key_id, now.replace(microsecond=0), now - self.last_used_every)
        except Exception:  # the last-use time is informative: never fail a request over it
            logger.warning("could not record the last use of key %s", key_id, exc_info=True)
