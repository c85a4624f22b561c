"""A namespace's deliveries hour by hour (``service.domain.delivery_stats``) on DynamoDB: one
small item per namespace and hour, its counters added to (``ADD``) by the delivery stage,
one write per namespace and hour a batch touches, and expiring after ``RETENTION`` (TTL
deletes are free). Read back with one Query of the hours asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from service.adapters import table_schema as ts
from service.adapters.dynamo_items import to_attributes
from service.domain.delivery_stats import COUNTED, DeliveryHour
from service.services.delivery_stats import HourlyCounts

RETENTION = timedelta(days=8)


def _hour_text(hour: datetime) -> str:
    return hour.astimezone(UTC).strftime("%Y-%m-%dT%H:00:00Z")


def add_counts(client: Any, table: str, counts: Mapping[tuple[str, datetime], Counter[str]]) -> None:
    for (namespace, hour), counter in counts.items():
        adds = {name: counter[name] for name in COUNTED if counter[name]}
        if not adds:
            continue
        values = to_attributes({f":{name}": value for name, value in adds.items()})
        values.update(to_attributes({":expires": int((hour + RETENTION).timestamp())}))
        expression = "ADD " + ", ".join(f"{name} :{name}" for name in adds) + f" SET {ts.TTL_ATTRIBUTE} = :expires"
        client.update_item(
            TableName=table,
            Key=to_attributes({ts.PARTITION_KEY: ts.stats_key(namespace), ts.SORT_KEY: _hour_text(hour)}),
            UpdateExpression=expression,
            ExpressionAttributeValues=values,
        )


def read_hours(client: Any, table: str, namespace: str, start: datetime, end: datetime) -> dict[datetime, DeliveryHour]:
    found: dict[datetime, DeliveryHour] = {}
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk AND sk BETWEEN :start AND :end",
        "ExpressionAttributeValues": to_attributes(
            {":pk": ts.stats_key(namespace), ":start": _hour_text(start), ":end": _hour_text(end)}
        ),
    }
    while True:
        response = client.query(**request)
        for item in response.get("Items", []):
            hour = datetime.fromisoformat(item[ts.SORT_KEY]["S"].replace("Z", "+00:00"))
            counts = {name: int(item[name]["N"]) for name in COUNTED if name in item}
            found[hour] = DeliveryHour(hour, **counts)
        if "LastEvaluatedKey" not in response:
            return found
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


class DynamoHourlyCounts(HourlyCounts):
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def hours(self, namespace: str, start: datetime, end: datetime) -> dict[datetime, DeliveryHour]:
        return read_hours(self._client, self._table, namespace, start, end)
