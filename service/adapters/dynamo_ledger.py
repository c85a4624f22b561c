"""A shard's hand-off ledger (``service.domain.handoff_ledger``) as attributes of its lease item.

``through`` (epoch second), ``seenAt`` (epoch millisecond), and the entry digests of
``recent`` and ``failed``, each packed into one binary attribute (8 bytes an entry), so a
busy shard's ledger stays a few KB: the lease item is rewritten at each renewal, and a write
is billed per KB of the item.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from service.adapters import table_schema as ts
from service.adapters.dynamo_items import to_attributes
from service.domain.handoff_ledger import DIGEST_BYTES, EMPTY, HandOffLedger

Item = dict[str, Any]


def _pack(digests: frozenset[bytes]) -> bytes:
    return b"".join(sorted(digests))


def _unpack(packed: bytes) -> frozenset[bytes]:
    return frozenset(packed[i : i + DIGEST_BYTES] for i in range(0, len(packed), DIGEST_BYTES))


def ledger_update(ledger: HandOffLedger) -> tuple[list[str], list[str], dict[str, Any]]:
    """The SET clauses, REMOVE names and values that store ``ledger`` in the lease item."""
    if ledger.through is None or ledger.seen_at is None:
        return [], ["through", "seenAt", "recent", "failed"], {}
    sets = ["through = :through", "seenAt = :seenAt"]
    values: dict[str, Any] = {
        ":through": int(ledger.through.timestamp()),
        ":seenAt": int(ledger.seen_at.timestamp() * 1000),
    }
    removes = []
    for name, digests in (("recent", ledger.recent), ("failed", ledger.failed)):
        if digests:
            sets.append(f"{name} = :{name}")
            values[f":{name}"] = _pack(digests)
        else:
            removes.append(name)
    return sets, removes, values


def ledger_from_item(item: Item) -> HandOffLedger:
    if "through" not in item or "seenAt" not in item:
        return EMPTY
    recent = _unpack(bytes(item["recent"]["B"])) if "recent" in item else frozenset()
    failed = _unpack(bytes(item["failed"]["B"])) if "failed" in item else frozenset()
    return HandOffLedger(
        through=datetime.fromtimestamp(int(item["through"]["N"]), UTC),
        seen_at=datetime.fromtimestamp(int(item["seenAt"]["N"]) / 1000, UTC),
        recent=recent,
        failed=failed,
    )


def read_ledger(client: Any, table: str, shard: str) -> HandOffLedger:
    item = client.get_item(
        TableName=table,
        Key=to_attributes(ts.lease_key(shard)),
        ConsistentRead=True,
        ProjectionExpression="through, seenAt, recent, failed",
    ).get("Item")
    return ledger_from_item(item or {})
