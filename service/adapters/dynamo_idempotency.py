"""Idempotency records in DynamoDB: one item per namespace and key, kept 24 h.

=================  ======================================  ========
item               pk                                      sk
=================  ======================================  ========
idempotency key    ``IDEMPOTENCY#<ns>#<sha256 of the key>``  ``KEY``
=================  ======================================  ========

The record is put in the create's own transaction, on the condition that the key has no
record, or only one past its 24 h (TTL deletes expired items within a day or two, so the
condition, not the TTL, decides). Timeline of two requests with one key::

    A: TransactWriteItems(schedule, record) ──────── commits ─── 201
    B:      TransactWriteItems(schedule', record') ─ refused: record exists ─ A's answer

B's transaction is cancelled whole (its schedule is not written): the record's refusal
comes back with the record A wrote. If B's write meets A's while A's is in flight
(``TransactionConflict``), B reads the record: A's if it committed, none if not.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, cast

from botocore.exceptions import ClientError

from service.adapters import table_schema as ts
from service.adapters.dynamo_items import Item, from_attributes, item_to_schedule, schedule_to_item, to_attributes
from service.domain.idempotency import IdempotentCreate

_LIVE_OR_NONE = "attribute_not_exists(pk) OR #expires <= :now"


def record_key(namespace: str, key: str) -> dict[str, str]:
    digest = hashlib.sha256(key.encode("ascii")).hexdigest()
    return {ts.PARTITION_KEY: f"IDEMPOTENCY#{namespace}#{digest}", ts.SORT_KEY: "KEY"}


def record_to_item(record: IdempotentCreate) -> Item:
    item = to_attributes(
        {
            **record_key(record.namespace, record.key),
            "namespace": record.namespace,
            "idempotencyKey": record.key,
            "digest": record.digest,
            "jobId": record.job_id,
            "status": record.status,
            "recordedAt": record.recorded_at.isoformat(),
            ts.TTL_ATTRIBUTE: int(record.expires_at.timestamp()),
        }
    )
    if record.answer is not None:
        item["answer"] = {"M": schedule_to_item(record.answer)}
    return item


def item_to_record(item: Item) -> IdempotentCreate:
    values = from_attributes({name: value for name, value in item.items() if name != "answer"})
    answer = item_to_schedule(item["answer"]["M"]) if "answer" in item else None
    return IdempotentCreate(
        namespace=values["namespace"],
        key=values["idempotencyKey"],
        digest=values["digest"],
        job_id=values["jobId"],
        recorded_at=datetime.fromisoformat(values["recordedAt"]),
        answer=answer,
        status=int(values["status"]),
    )


def record_put(table: str, record: IdempotentCreate) -> dict[str, Any]:
    """The transaction's write of a new record: refused while the key has a live one."""
    return {
        "Put": {
            "TableName": table,
            "Item": record_to_item(record),
            "ConditionExpression": _LIVE_OR_NONE,
            "ExpressionAttributeNames": {"#expires": ts.TTL_ATTRIBUTE},
            "ExpressionAttributeValues": to_attributes({":now": int(record.recorded_at.timestamp())}),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }


def refused_record(exc: ClientError, position: int) -> tuple[bool, bool, Item | None]:
    """For a cancelled transaction whose write at ``position`` is the record: whether the
    record was refused, whether it met a concurrent write instead, and the record found."""
    if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False, False, None
    reasons = exc.response.get("CancellationReasons") or []
    reason = reasons[position] if position < len(reasons) else {}
    code = reason.get("Code")
    conflicted = any(r.get("Code") == "TransactionConflict" for r in reasons)
    return code == "ConditionalCheckFailed", conflicted, cast("Item | None", reason.get("Item"))
