"""A hand-written fake of the API key store, for unit tests."""

from __future__ import annotations

import builtins
from dataclasses import replace
from datetime import datetime

from service.domain.errors import ValidationFailed
from service.domain.keys import ApiKey, KeyGrant, KeyNotFound
from service.services.keys import KeyStore


class InMemoryKeyStore(KeyStore):
    def __init__(self) -> None:
        self.keys: dict[str, ApiKey] = {}
        self.hashes: dict[str, str] = {}  # hash -> key id
        self.finds = 0
        self.touches: list[datetime] = []

    def add(self, key: ApiKey, key_hash: str) -> None:
        if key_hash in self.hashes:
            raise ValidationFailed.single("key", "exists")
        self.keys[key.key_id] = key
        self.hashes[key_hash] = key.key_id

    def find(self, key_hash: str) -> KeyGrant | None:
        self.finds += 1
        key = self.keys.get(self.hashes.get(key_hash, ""))
        return KeyGrant(key.key_id, key.namespace, key.revoked) if key else None

    def list(self, namespace: str | None) -> builtins.list[ApiKey]:
        return [k for k in self.keys.values() if namespace in (None, k.namespace)]

    def revoke(self, key_id: str) -> ApiKey:
        if key_id not in self.keys:
            raise KeyNotFound(key_id)
        self.keys[key_id] = replace(self.keys[key_id], revoked=True)
        return self.keys[key_id]

    def touch(self, key_id: str, at: datetime, unless_since: datetime) -> None:
        key = self.keys[key_id]
        if key.last_used_at is None or key.last_used_at <= unless_since:
            self.keys[key_id] = replace(key, last_used_at=at)
            self.touches.append(at)
