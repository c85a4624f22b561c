"""The API key store on DynamoDB: a grant item per key hash, a record item per key id
(see ``table_schema``). The key itself is never written."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from service.adapters import table_schema as ts
from service.adapters.dynamo_items import Item, from_attributes, to_attributes
from service.domain.errors import ValidationFailed
from service.domain.keys import ApiKey, KeyGrant, KeyNotFound
from service.services.keys import KeyStore

_ABSENT = "attribute_not_exists(pk)"
_PRESENT = "attribute_exists(pk)"


class DynamoKeyStore(KeyStore):
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def add(self, key: ApiKey, key_hash: str) -> None:
        grant = {"keyId": key.key_id, "namespace": key.namespace, "revoked": False}
        record = {
            "keyId": key.key_id,
            "keyHash": key_hash,
            "prefix": key.prefix,
            "name": key.name,
            "namespace": key.namespace,
            "createdAt": key.created_at.isoformat(),
            "revoked": False,
        }
        try:
            self._client.transact_write_items(
                TransactItems=[
                    self._put({**ts.key_grant_key(key_hash), **grant}),
                    self._put({**ts.key_record_key(key.key_id), **record}),
                ]
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                raise ValidationFailed.single("key", "this key, or its id, is already stored") from exc
            raise

    def find(self, key_hash: str) -> KeyGrant | None:
        # Eventually consistent (half the price): a key is used long after it is created,
        # and a revocation is already allowed the cache's delay.
        response = self._client.get_item(TableName=self._table, Key=to_attributes(ts.key_grant_key(key_hash)))
        item = response.get("Item")
        if not item:
            return None
        values = from_attributes(item)
        return KeyGrant(key_id=values["keyId"], namespace=values["namespace"], revoked=bool(values["revoked"]))

    def list(self, namespace: str | None) -> builtins.list[ApiKey]:
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": to_attributes({":pk": ts.KEY_RECORDS}),
        }
        if namespace is not None:
            query["FilterExpression"] = "#namespace = :namespace"
            query["ExpressionAttributeNames"] = {"#namespace": "namespace"}
            query["ExpressionAttributeValues"].update(to_attributes({":namespace": namespace}))
        keys: builtins.list[ApiKey] = []
        while True:
            response = self._client.query(**query)
            keys.extend(_record_to_key(item) for item in response["Items"])
            if "LastEvaluatedKey" not in response:
                return keys
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def revoke(self, key_id: str) -> ApiKey:
        response = self._client.get_item(
            TableName=self._table, Key=to_attributes(ts.key_record_key(key_id)), ConsistentRead=True
        )
        item = response.get("Item")
        if not item:
            raise KeyNotFound(key_id)
        key_hash = item["keyHash"]["S"]
        revoked = to_attributes({":revoked": True})
        self._client.transact_write_items(
            TransactItems=[
                self._set_revoked(ts.key_record_key(key_id), revoked),
                # The grant is what verification reads: it must change with the record.
                self._set_revoked(ts.key_grant_key(key_hash), revoked),
            ]
        )
        return _record_to_key({**item, "revoked": {"BOOL": True}})

    def touch(self, key_id: str, at: datetime, unless_since: datetime) -> None:
        # ISO-8601 UTC texts of one format compare in time order.
        try:
            self._client.update_item(
                TableName=self._table,
                Key=to_attributes(ts.key_record_key(key_id)),
                UpdateExpression="SET lastUsedAt = :at",
                ConditionExpression=f"{_PRESENT} AND (attribute_not_exists(lastUsedAt) OR lastUsedAt <= :since)",
                ExpressionAttributeValues=to_attributes(
                    {":at": at.isoformat(), ":since": unless_since.replace(microsecond=0).isoformat()}
                ),
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise

    def _put(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"Put": {"TableName": self._table, "Item": to_attributes(values), "ConditionExpression": _ABSENT}}

    def _set_revoked(self, key: dict[str, str], revoked: Item) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self._table,
                "Key": to_attributes(key),
                "UpdateExpression": "SET revoked = :revoked",
                "ConditionExpression": _PRESENT,
                "ExpressionAttributeValues": revoked,
            }
        }


def _record_to_key(item: Item) -> ApiKey:
    values = from_attributes(item)
    last_used = values.get("lastUsedAt")
    return ApiKey(
        key_id=values["keyId"],
        prefix=values["prefix"],
        name=values["name"],
        namespace=values["namespace"],
        created_at=datetime.fromisoformat(values["createdAt"]),
        last_used_at=datetime.fromisoformat(last_used) if last_used else None,
        revoked=bool(values["revoked"]),
    )
