"""Counts what AWS would bill for the calls a boto3 client makes, as AWS counts it.

DynamoDB on-demand: a write is one unit per started KB of the larger of the item before
and after; an index entry added or removed is one more write, one whose key changes is two
(delete and put), one whose projected attributes change is one; a transaction counts
double; a read is one unit per started 4 KB, half for an eventually consistent read, and a
Query is billed on the total size of the items it evaluated. SQS: every action is a billed
request, one per started 64 KB of the messages it carries (sent, or received). Item sizes
follow DynamoDB's documented rules.

The meter looks at items before and after each write through a second, unmetered client.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from service.adapters import table_schema as ts

WRITE_PRICE = 0.625 / 1_000_000
READ_PRICE = 0.125 / 1_000_000
SQS_PRICE = 0.40 / 1_000_000


def attribute_size(value: dict[str, Any]) -> int:
    ((kind, raw),) = value.items()
    if kind == "S":
        return len(raw.encode("utf-8"))
    if kind == "N":
        digits = len(str(Decimal(raw)).replace("-", "").replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind == "B":
        return len(raw)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + attribute_size(v) + 1 for k, v in raw.items())
    if kind == "L":
        return 3 + sum(attribute_size(v) + 1 for v in raw)
    return sum(len(str(v)) for v in raw)  # sets: close enough for this service (none used)


def item_size(item: dict[str, Any] | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode("utf-8")) + attribute_size(value) for name, value in item.items())


def write_units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


DUE_INDEX_KEYS = (ts.DUE_SHARD, ts.DUE_AT)


@dataclass
class Meter:
    """Attach to a client with ``meter.attach(client)``; ``peek`` is an unmetered client."""

    peek: Any
    table: str
    index_keys: tuple[str, ...] = DUE_INDEX_KEYS
    key_names: tuple[str, ...] = (ts.PARTITION_KEY, ts.SORT_KEY)
    write_units: float = 0
    read_units: float = 0
    sqs_requests: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    items_read: int = 0
    overhead_cpu: float = 0.0  # our own bookkeeping, subtracted from the measured CPU
    overhead_seconds: float = 0.0  # and from the measured wall time (its look-ups are round trips)
    # Billed units by the call that spent them: what each write and read buys.
    units_by_call: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    _before: dict[int, Any] = field(default_factory=dict)

    def reset(self) -> None:
        self.write_units = self.read_units = self.overhead_cpu = self.overhead_seconds = 0
        self.sqs_requests = self.items_read = 0
        self.calls.clear()
        self.units_by_call.clear()

    # -- hooks -----------------------------------------------------------------------

    def _before_call(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        started, wall = time.process_time(), time.perf_counter()
        if model.name in ("PutItem", "UpdateItem", "DeleteItem"):
            key = params.get("Key") or {k: params["Item"][k] for k in self.key_names}
            context["meter_key"] = key
            context["meter_old"] = self._get(key)
        elif model.name in ("TransactWriteItems", "BatchWriteItem"):
            context["meter_keys"] = _write_keys(model.name, params, self.key_names)
            context["meter_olds"] = [self._get(key) for key in context["meter_keys"]]
        self._overhead(started, wall)

    def _after_call(
        self, http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
    ) -> None:
        started, wall = time.process_time(), time.perf_counter()
        if model.service_model.service_name == "sqs":
            sent, received = context.get("meter_sqs_bytes", 0), received_bytes(parsed.get("Messages", []))
            self.charge_sqs(model.name, sent + received)
        else:
            self.calls[model.name] += 1
            self.units_by_call[model.name] += self._dynamodb(model.name, parsed, context)
        self._overhead(started, wall)

    def _dynamodb(self, operation: str, parsed: dict[str, Any], context: dict[str, Any]) -> float:
        """The units a DynamoDB call spent, added to the totals."""
        units = 0.0
        if operation in ("PutItem", "UpdateItem", "DeleteItem") and "Error" not in parsed:
            units = self._write(context["meter_old"], self._get(context["meter_key"]))
            self.write_units += units
        elif operation in ("TransactWriteItems", "BatchWriteItem") and "Error" not in parsed:
            news = [self._get(key) for key in context["meter_keys"]]
            units = sum(self._write(old, new) for old, new in zip(context["meter_olds"], news, strict=True))
            units *= 2 if operation == "TransactWriteItems" else 1
            self.write_units += units
        elif operation in ("Query", "GetItem", "BatchGetItem"):
            before = self.read_units
            self._read(operation, parsed, context)
            units = self.read_units - before
        return units

    def _overhead(self, cpu_started: float, wall_started: float) -> None:
        self.overhead_cpu += time.process_time() - cpu_started
        self.overhead_seconds += time.perf_counter() - wall_started

    # -- accounting ----------------------------------------------------------------

    def charge_sqs(self, operation: str, payload_bytes: int = 0) -> None:
        """One SQS request, billed per started 64 KB of its messages."""
        self.calls[operation] += 1
        self.sqs_requests += max(1, math.ceil(payload_bytes / (64 * 1024)))

    def _write(self, old: dict[str, Any] | None, new: dict[str, Any] | None) -> float:
        units = float(write_units(max(item_size(old), item_size(new))))
        was, now = self._indexed(old), self._indexed(new)
        if was and now:
            moved = any(old[k] != new[k] for k in self.index_keys)  # type: ignore[index]
            if moved:
                units += write_units(item_size(old)) + write_units(item_size(new))
            elif old != new:
                units += write_units(max(item_size(old), item_size(new)))
        elif was:
            units += write_units(item_size(old))
        elif now:
            units += write_units(item_size(new))
        return units

    def _indexed(self, item: dict[str, Any] | None) -> bool:
        return bool(item) and all(k in item for k in self.index_keys)  # type: ignore[operator]

    def _read(self, operation: str, parsed: dict[str, Any], context: dict[str, Any]) -> None:
        consistent = bool(context.get("meter_consistent"))
        factor = 1.0 if consistent else 0.5
        if operation == "Query":
            items = parsed.get("Items", [])
            size = sum(item_size(i) for i in items)
            if not items and parsed.get("Count"):
                size = parsed["Count"] * 1024  # Select=COUNT: items evaluated but not returned
            self.read_units += max(1, math.ceil(size / 4096)) * factor
            self.items_read += len(items) or parsed.get("Count", 0)
        elif operation == "GetItem":
            self.read_units += max(1, math.ceil(item_size(parsed.get("Item")) / 4096)) * factor
            self.items_read += int("Item" in parsed)
        else:
            for items in parsed.get("Responses", {}).values():
                self.read_units += sum(max(1, math.ceil(item_size(i) / 4096)) * factor for i in items)
                self.items_read += len(items)

    def _get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self.peek.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")
        return item

    # -- results -------------------------------------------------------------------

    def dollars(self) -> float:
        return self.write_units * WRITE_PRICE + self.read_units * READ_PRICE + self.sqs_requests * SQS_PRICE


def _write_keys(operation: str, params: dict[str, Any], key_names: tuple[str, ...]) -> list[dict[str, Any]]:
    keys = []
    if operation == "BatchWriteItem":
        for requests in params["RequestItems"].values():
            for request in requests:
                item = request.get("PutRequest", {}).get("Item") or request["DeleteRequest"]["Key"]
                keys.append({k: item[k] for k in key_names})
        return keys
    for entry in params["TransactItems"]:
        ((_, body),) = entry.items()
        item = body.get("Item") or body["Key"]
        keys.append({k: item[k] for k in key_names})
    return keys


def message_bytes(body: str, attributes: dict[str, Any]) -> int:
    """Bytes SQS bills for a message: its body, and each attribute's name, type and value."""
    size = len(body.encode("utf-8"))
    for name, value in attributes.items():
        size += len(name) + len(value["DataType"]) + len(value.get("StringValue", "").encode("utf-8"))
    return size


def sqs_request_bytes(params: dict[str, Any]) -> int:
    entries = params.get("Entries") or [params]
    return sum(message_bytes(entry["MessageBody"], entry.get("MessageAttributes", {})) for entry in entries)


def received_bytes(messages: list[dict[str, Any]]) -> int:
    """What a receive carries: its messages' bodies and attributes."""
    return sum(message_bytes(m.get("Body", ""), m.get("MessageAttributes", {})) for m in messages)


def attach_sqs(meter: Meter, client: Any) -> None:
    def remember(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["meter_sqs_bytes"] = sqs_request_bytes(params)

    client.meta.events.register("provide-client-params.sqs.SendMessage", remember)
    client.meta.events.register("provide-client-params.sqs.SendMessageBatch", remember)
    client.meta.events.register("after-call.sqs", meter._after_call)


def attach_dynamodb(meter: Meter, client: Any) -> None:
    def consistent(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        # BatchGetItem says it per table, the other reads for the call.
        requests = params.get("RequestItems", {}).values()
        per_table = [request.get("ConsistentRead", False) for request in requests if isinstance(request, dict)]
        context["meter_consistent"] = params.get("ConsistentRead", False) or any(per_table)

    client.meta.events.register("provide-client-params.dynamodb", consistent)
    client.meta.events.register("provide-client-params.dynamodb", meter._before_call)
    client.meta.events.register("after-call.dynamodb", meter._after_call)
