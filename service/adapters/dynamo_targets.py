"""The target store on DynamoDB: each namespace's targets and its ``DEFAULT`` item in a
partition of their own, a record of each in the ``TARGETS`` partition (see ``table_schema``).

Every write is one transaction over the target, its record and, when the default
changes, both default items. The default item is written on the condition that it still
names the default read just before (or that there is none), and a target is put only
where none is: two operators at once can neither leave two defaults nor overwrite a
target. A write refused because the default moved meanwhile is tried again from a new read.
"""

from __future__ import annotations

import builtins
from dataclasses import replace
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from service.adapters import table_schema as ts
from service.adapters.dynamo_items import Item, from_attributes, to_attributes
from service.adapters.dynamo_webhooks import WEBHOOK, webhook_of, webhook_values
from service.domain.targets import Target, TargetExists, TargetKind, TargetNotFound, TargetsChanged
from service.domain.webhooks import WebhookConfig
from service.services.target_admin import TargetRegistry

ATTEMPTS = 3
_ABSENT = "attribute_not_exists(pk)"
_PRESENT = "attribute_exists(pk)"
_NAMES = "#target = :name"


class DynamoTargetStore(TargetRegistry):
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    # -- reads ---------------------------------------------------------------------

    def targets(self, namespace: str) -> builtins.list[Target]:
        # Eventually consistent (half the price): the directory remembers answers for
        # seconds anyway, and a target is added long before a schedule names it.
        items = self._query(ts.namespace_targets_key(namespace), consistent=False)
        return _targets_of(namespace, items)

    def every_target(self) -> builtins.list[Target]:
        by_namespace: dict[str, builtins.list[Item]] = {}
        for item in self._query(ts.TARGET_RECORDS, consistent=False):
            namespace = item["sk"]["S"].split("#", 1)[0]
            by_namespace.setdefault(namespace, []).append(item)
        return [target for ns, items in sorted(by_namespace.items()) for target in _targets_of(ns, items)]

    # -- writes --------------------------------------------------------------------

    def add(self, target: Target) -> str | None:
        # The record holds what a listing shows; what only delivery needs (a webhook's
        # secret) belongs in the target item alone.
        writes = [
            self._put({**ts.target_key(target.namespace, target.name), **_target_values(target, True)}, _ABSENT),
            self._put(
                {**ts.target_record_key(target.namespace, target.name), **_target_values(target, False)}, _ABSENT
            ),
        ]
        for _ in range(ATTEMPTS):
            current = self._default_name(target.namespace) if target.default else None
            moved = self._set_default(target.namespace, target.name, current) if target.default else []
            try:
                self._transact([*writes, *moved], refused=TargetExists(target.namespace, target.name))
            except _DefaultMoved:
                continue
            return current
        raise TargetsChanged(target.namespace)

    def remove(self, namespace: str, name: str) -> Target:
        for _ in range(ATTEMPTS):
            response = self._client.get_item(
                TableName=self._table, Key=to_attributes(ts.target_key(namespace, name)), ConsistentRead=True
            )
            if "Item" not in response:
                raise TargetNotFound(namespace, name)
            default = self._default_name(namespace) == name
            writes = [
                self._delete(ts.target_key(namespace, name), _PRESENT),
                self._delete(ts.target_record_key(namespace, name)),
            ]
            if default:
                writes += [
                    self._delete(ts.default_target_key(namespace), _NAMES, name),
                    self._delete(ts.default_target_record_key(namespace)),
                ]
            else:  # it must not have become the default meanwhile
                writes.append(self._check(ts.default_target_key(namespace), f"{_ABSENT} OR NOT ({_NAMES})", name))
            try:
                self._transact(writes, refused=TargetNotFound(namespace, name))
            except _DefaultMoved:
                continue
            return _target_of(namespace, from_attributes(response["Item"]), default)
        raise TargetsChanged(namespace)

    def replace_webhook(self, target: Target, config: WebhookConfig) -> Target:
        # Conditioned on the secret read: of two rotations at once, one is refused rather
        # than both answering with a secret while only one is kept.
        assert target.webhook is not None
        try:
            self._client.update_item(
                TableName=self._table,
                Key=to_attributes(ts.target_key(target.namespace, target.name)),
                UpdateExpression="SET #webhook = :webhook",
                ConditionExpression="#webhook.secret = :secret",
                ExpressionAttributeNames={"#webhook": WEBHOOK},
                ExpressionAttributeValues=to_attributes(
                    {":webhook": webhook_values(config, with_secrets=True), ":secret": target.webhook.secret}
                ),
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise TargetsChanged(target.namespace) from exc
            raise
        return replace(target, webhook=config)

    # -- parts ---------------------------------------------------------------------

    def _query(self, partition: str, *, consistent: bool) -> builtins.list[Item]:
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": to_attributes({":pk": partition}),
            "ConsistentRead": consistent,
        }
        items: builtins.list[Item] = []
        while True:
            response = self._client.query(**query)
            items.extend(response["Items"])
            if "LastEvaluatedKey" not in response:
                return items
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _default_name(self, namespace: str) -> str | None:
        response = self._client.get_item(
            TableName=self._table, Key=to_attributes(ts.default_target_key(namespace)), ConsistentRead=True
        )
        item = response.get("Item")
        return str(item["target"]["S"]) if item else None

    def _set_default(self, namespace: str, name: str, current: str | None) -> builtins.list[dict[str, Any]]:
        pointer = {"namespace": namespace, "target": name}
        condition = _ABSENT if current is None else _NAMES
        guarded = self._put({**ts.default_target_key(namespace), **pointer}, condition, current)
        return [guarded, self._put({**ts.default_target_record_key(namespace), **pointer})]

    def _transact(self, writes: builtins.list[dict[str, Any]], *, refused: Exception) -> None:
        """The writes in one transaction, the target's own first: ``refused`` if its
        condition fails, ``_DefaultMoved`` if another one does."""
        try:
            self._client.transact_write_items(TransactItems=writes)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = [r.get("Code") for r in exc.response.get("CancellationReasons") or []]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise refused from exc
            # A refused condition on the default, or a transaction of another operator on
            # the same items at the same moment (TransactionConflict): read again.
            if {"ConditionalCheckFailed", "TransactionConflict"} & set(reasons):
                raise _DefaultMoved() from exc
            raise

    def _put(self, values: dict[str, Any], condition: str | None = None, name: str | None = None) -> dict[str, Any]:
        return {"Put": {"TableName": self._table, "Item": to_attributes(values), **_condition(condition, name)}}

    def _delete(self, key: dict[str, str], condition: str | None = None, name: str | None = None) -> dict[str, Any]:
        return {"Delete": {"TableName": self._table, "Key": to_attributes(key), **_condition(condition, name)}}

    def _check(self, key: dict[str, str], condition: str, name: str) -> dict[str, Any]:
        return {"ConditionCheck": {"TableName": self._table, "Key": to_attributes(key), **_condition(condition, name)}}


class _DefaultMoved(Exception):  # noqa: N818 - not an error: a signal to read again
    """The namespace's default is no longer the one read: read it again and retry."""


def _condition(condition: str | None, name: str | None) -> dict[str, Any]:
    if condition is None:
        return {}
    parts: dict[str, Any] = {"ConditionExpression": condition}
    if ":name" in condition:
        parts["ExpressionAttributeNames"] = {"#target": "target"}
        parts["ExpressionAttributeValues"] = to_attributes({":name": name})
    return parts


def _target_values(target: Target, with_secrets: bool) -> dict[str, Any]:
    created = target.created_at.isoformat() if target.created_at else None
    webhook = webhook_values(target.webhook, with_secrets=with_secrets) if target.webhook else None
    return {
        "namespace": target.namespace,
        "name": target.name,
        "kind": target.kind.value,
        "url": target.url,
        "createdAt": created,
        WEBHOOK: webhook,
    }


def _targets_of(namespace: str, items: builtins.list[Item]) -> builtins.list[Target]:
    """The targets among a partition's items (or a namespace's records), with their default."""
    rows = [from_attributes(item) for item in items]
    default = next((r["target"] for r in rows if _is_default_item(r)), None)
    return [_target_of(namespace, r, r["name"] == default) for r in rows if not _is_default_item(r)]


def _is_default_item(values: dict[str, Any]) -> bool:
    # ``DEFAULT`` or ``<namespace>#DEFAULT``: no target's name is upper-case.
    return str(values["sk"]).rpartition("#")[2] == ts.DEFAULT_TARGET


def _target_of(namespace: str, values: dict[str, Any], default: bool) -> Target:
    created = values.get("createdAt")
    return Target(
        namespace=namespace,
        name=values["name"],
        kind=TargetKind(values["kind"]),
        url=values["url"],
        default=default,
        created_at=datetime.fromisoformat(created) if created else None,
        webhook=webhook_of(values.get(WEBHOOK)),
    )
