"""The one definition of the DynamoDB table, used by the repository, the dispatcher,
the local stack, the tests and the Pulumi program.

Items (``pk`` / ``sk``):

=================  ===========================  ================================
item               pk                           sk
=================  ===========================  ================================
schedule           ``NS#<namespace>``           ``JOB#<jobId>``
large payload      ``PAYLOAD#<ns>#<jobId>``     ``PAYLOAD``
large details      ``DETAILS#<ns>#<jobId>``     ``DETAILS`` (name, description, labels)
label entry        ``LABEL#<ns>#<key>=<value>`` ``<jobId>`` (``dynamo_indexes``)
name entry         ``NAME#<ns>``                ``<name key>#<jobId>``
idempotency key    ``IDEMPOTENCY#<ns>#<sha256>`` ``KEY`` (TTL 24 h, ``dynamo_idempotency``)
run (history)      ``RUNS#<namespace>#<jobId>`` ``<scheduledFor>#<trigger>``
API key grant      ``KEY#<sha256 of the key>``  ``KEY``
API key record     ``KEYS``                     ``<keyId>``
shard lease        ``LEASE#<shard>``            ``LEASE``
hourly counts      ``STATS#<namespace>``        ``<hour, ISO-8601 UTC>``
target             ``TARGETS#<namespace>``      ``<name>``
default target     ``TARGETS#<namespace>``      ``DEFAULT``
target record      ``TARGETS``                  ``<namespace>#<name>``
default record     ``TARGETS``                  ``<namespace>#DEFAULT``
=================  ===========================  ================================

An API key is stored twice, never in plain text: the grant, found by the key's hash in
one GetItem on each verification (key id, namespace, revoked), and the record, in one
partition holding every key's metadata (prefix, name, namespace, times, revoked, hash),
so listing keys is a Query and revoking one by id updates both items in one transaction.
Keys are issued by hand, so the ``KEYS`` partition stays small.

A target (``service.domain.targets``) is its namespace's to read: one Query of
``TARGETS#<namespace>`` answers the API and the delivery stage with its targets and the
``DEFAULT`` item, which names the default one (no item: the namespace has none). Target
names are lower-case, so none is ``DEFAULT``. A pointer rather than a flag on each target:
a change of default writes one item, conditioned on the default it replaces, so two
operators at once can never leave two. Each target and each default also has a record in
the one ``TARGETS`` partition, which lists every namespace's for the operator in one
Query; a record carries what a listing shows, never a secret of the target. A target, its
record and the defaults change together, in one transaction. Targets are declared by
hand, so the ``TARGETS`` partition stays small.

A namespace's schedules share one partition key, so listing them is a Query with a
cursor. A payload over ``INLINE_PAYLOAD_BYTES`` lives in an item of its own, written only
when the definition changes: a DynamoDB write is billed per KB of the item, and the
schedule item is rewritten at every run. DynamoDB splits a busy item collection across partitions by sort key (there is
no local secondary index to stop it), so one large namespace does not cap throughput.

The ``due`` index is sparse: only schedules with a run to deliver carry its keys.
Its partition key is one of ``DUE_SHARDS`` shards (a hash of the job), its sort key the
epoch second at which the dispatcher should take the run, so the dispatcher reads
exactly the due entries of each shard, in parallel, and nothing else. The shards spread
a minute's writes over several index partitions instead of one hot one.

Run items and idempotency records expire through the table's TTL attribute (deletes by
TTL are free).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

PARTITION_KEY = "pk"
SORT_KEY = "sk"
DUE_INDEX = "due"
DUE_SHARD = "dueShard"
DUE_AT = "dueAt"
TTL_ATTRIBUTE = "expiresAt"
DUE_SHARDS = 8


@dataclass(frozen=True)
class IndexDefinition:
    name: str
    partition_key: str
    sort_key: str
    projection: str  # ALL: the dispatcher needs the whole schedule, without a second read


@dataclass(frozen=True)
class TableDefinition:
    partition_key: str
    sort_key: str
    attribute_types: dict[str, str]
    indexes: tuple[IndexDefinition, ...]
    ttl_attribute: str
    billing_mode: str = "PAY_PER_REQUEST"

    def create_table_args(self, table_name: str) -> dict[str, Any]:
        """Arguments for boto3's ``create_table`` (the local stack and the tests)."""
        return {
            "TableName": table_name,
            "BillingMode": self.billing_mode,
            "AttributeDefinitions": [
                {"AttributeName": name, "AttributeType": kind} for name, kind in self.attribute_types.items()
            ],
            "KeySchema": [
                {"AttributeName": self.partition_key, "KeyType": "HASH"},
                {"AttributeName": self.sort_key, "KeyType": "RANGE"},
            ],
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": index.name,
                    "KeySchema": [
                        {"AttributeName": index.partition_key, "KeyType": "HASH"},
                        {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": index.projection},
                }
                for index in self.indexes
            ],
        }


TABLE = TableDefinition(
    partition_key=PARTITION_KEY,
    sort_key=SORT_KEY,
    attribute_types={PARTITION_KEY: "S", SORT_KEY: "S", DUE_SHARD: "S", DUE_AT: "N"},
    indexes=(IndexDefinition(DUE_INDEX, DUE_SHARD, DUE_AT, "ALL"),),
    ttl_attribute=TTL_ATTRIBUTE,
)


def namespace_key(namespace: str) -> str:
    return f"NS#{namespace}"


def schedule_sort_key(job_id: str) -> str:
    return f"JOB#{job_id}"


def payload_key(namespace: str, job_id: str) -> dict[str, str]:
    return {PARTITION_KEY: f"PAYLOAD#{namespace}#{job_id}", SORT_KEY: "PAYLOAD"}


def runs_key(namespace: str, job_id: str) -> str:
    return f"RUNS#{namespace}#{job_id}"


def key_grant_key(key_hash: str) -> dict[str, str]:
    return {PARTITION_KEY: f"KEY#{key_hash}", SORT_KEY: "KEY"}


KEY_RECORDS = "KEYS"


def key_record_key(key_id: str) -> dict[str, str]:
    return {PARTITION_KEY: KEY_RECORDS, SORT_KEY: key_id}


def stats_key(namespace: str) -> str:
    """A namespace's hourly delivery counts (``dynamo_stats``): one item an hour, expiring."""
    return f"STATS#{namespace}"


def lease_key(shard: str) -> dict[str, str]:
    """A due shard's lease, with its hand-off ledger (``dynamo_ledger``)."""
    return {PARTITION_KEY: f"LEASE#{shard}", SORT_KEY: "LEASE"}


TARGET_RECORDS = "TARGETS"
DEFAULT_TARGET = "DEFAULT"


def namespace_targets_key(namespace: str) -> str:
    return f"TARGETS#{namespace}"


def target_key(namespace: str, name: str) -> dict[str, str]:
    return {PARTITION_KEY: namespace_targets_key(namespace), SORT_KEY: name}


def default_target_key(namespace: str) -> dict[str, str]:
    return {PARTITION_KEY: namespace_targets_key(namespace), SORT_KEY: DEFAULT_TARGET}


def target_record_key(namespace: str, name: str) -> dict[str, str]:
    return {PARTITION_KEY: TARGET_RECORDS, SORT_KEY: f"{namespace}#{name}"}


def default_target_record_key(namespace: str) -> dict[str, str]:
    return {PARTITION_KEY: TARGET_RECORDS, SORT_KEY: f"{namespace}#{DEFAULT_TARGET}"}


def due_shard(namespace: str, job_id: str) -> str:
    """The due-index shard of a schedule: stable for its whole life."""
    return f"{zlib.crc32(f'{namespace}/{job_id}'.encode()) % DUE_SHARDS:02d}"


def all_shards() -> list[str]:
    return [f"{shard:02d}" for shard in range(DUE_SHARDS)]


def ensure_table(client: Any, table_name: str) -> None:
    """Create the table (and its TTL) unless it exists; wait until it is active."""
    try:
        client.describe_table(TableName=table_name)
        return
    except client.exceptions.ResourceNotFoundException:
        pass
    client.create_table(**TABLE.create_table_args(table_name))
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1})
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": TABLE.ttl_attribute},
    )
