"""The name and label indexes: one small item per label of a schedule, and one for its
name, each naming the schedule, so that a filtered list reads only what it matches.

=================  ============================  ==================================
entry              pk                            sk
=================  ============================  ==================================
label              ``LABEL#<ns>#<key>=<value>``  ``<jobId>`` (so: oldest first)
name               ``NAME#<ns>``                 ``<name key>#<jobId>`` (by name)
=================  ============================  ==================================

They are items of the table, not a global secondary index: a schedule has up to 20 labels
and an index key holds one value. They are written only with the schedule's definition, in
its own transaction (create, update, delete), never by a run's advance, which leaves the
name and labels as they are. A name key is ``about.name_key`` of the name (case and Unicode
forms do not count), cut to ``NAME_KEY_BYTES`` so that it fits in a sort key.
"""

from __future__ import annotations

from typing import Any

from service.adapters.dynamo_items import to_attributes
from service.domain.about import Labels, name_key
from service.domain.schedule import Schedule

NAME_KEY_BYTES = 512  # DynamoDB sort keys hold 1,024 bytes; a job id and '#' take 37
Write = dict[str, Any]


def label_partition(namespace: str, key: str, value: str) -> str:
    return f"LABEL#{namespace}#{key}={value}"


def name_partition(namespace: str) -> str:
    return f"NAME#{namespace}"


def indexed_name(text: str) -> str:
    """The name key, cut on a character boundary to at most ``NAME_KEY_BYTES`` bytes."""
    key = name_key(text)
    return key.encode("utf-8", errors="surrogatepass")[:NAME_KEY_BYTES].decode("utf-8", errors="ignore")


def index_keys(namespace: str, job_id: str, name: str | None, labels: Labels) -> list[dict[str, str]]:
    keys = [{"pk": label_partition(namespace, key, value), "sk": job_id} for key, value in labels]
    if name is not None:
        keys.append({"pk": name_partition(namespace), "sk": f"{indexed_name(name)}#{job_id}"})
    return keys


def keys_of(schedule: Schedule) -> list[dict[str, str]]:
    return index_keys(schedule.namespace, schedule.job_id, schedule.name, schedule.labels)


def index_writes(table: str, previous: Schedule | None, current: Schedule | None) -> list[Write]:
    """The puts and deletes that take the index entries from ``previous``'s to ``current``'s
    (either None: none), leaving alone the entries both have."""
    old = {(k["pk"], k["sk"]) for k in keys_of(previous)} if previous else set()
    new = {(k["pk"], k["sk"]) for k in keys_of(current)} if current else set()
    writes: list[Write] = [
        {"Delete": {"TableName": table, "Key": to_attributes({"pk": pk, "sk": sk})}} for pk, sk in sorted(old - new)
    ]
    assert current is not None or not new
    for pk, sk in sorted(new - old):
        assert current is not None
        item = to_attributes({"pk": pk, "sk": sk, "jobId": current.job_id})
        writes.append({"Put": {"TableName": table, "Item": item}})
    return writes
