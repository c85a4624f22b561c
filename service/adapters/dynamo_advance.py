"""The writes that follow a run: the schedule moved on, and the run kept in its history.

Billed per run (on-demand): the advance is one conditional ``UpdateItem`` of the schedule
item (about 1 KB, one write unit) that moves or removes its due-index keys (one index
write to remove, two to move); a recurring run adds one history item, written in batches
of 25. The dispatcher writes them for runs it only records missed, the delivery stage for
the runs it delivers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from service.adapters import table_schema as ts
from service.adapters.dynamo_batch import write_all
from service.adapters.dynamo_items import (
    LAST_RUN_IN_HISTORY,
    Item,
    run_sort_key,
    run_summary,
    run_to_item,
    schedule_key,
    schedule_to_item,
    text,
    to_attributes,
)
from service.domain.runs import Run
from service.domain.schedule import Schedule

_ADVANCED_ATTRIBUTES = (
    "runAt",
    "state",
    "version",
    "updatedAt",
    "lastRun",
    LAST_RUN_IN_HISTORY,
    "handedOff",
    "plannedAt",
    "runsDelivered",
)
_OWN_WRITE = ("version", "updatedAt", "lastRun")  # what tells an advance's own write apart


def advance(client: Any, table: str, schedule: Schedule, expected_version: int) -> bool:
    """Store the schedule's new run state (run, state, last run, due keys) if it is still at
    ``expected_version``; False if it changed or went meanwhile."""
    # The item's attribute values, already serialized: the advance writes a few of them.
    item = schedule_to_item(schedule)
    sets = [f"#{name} = :{name}" for name in _ADVANCED_ATTRIBUTES if name in item]
    removes = [f"#{name}" for name in _ADVANCED_ATTRIBUTES if name not in item]
    names = {f"#{name}": name for name in _ADVANCED_ATTRIBUTES}
    values = {f":{name}": item[name] for name in _ADVANCED_ATTRIBUTES if name in item}
    if schedule.is_due_pending:
        sets += [f"{ts.DUE_SHARD} = :shard", f"{ts.DUE_AT} = :due"]
        values.update({":shard": item[ts.DUE_SHARD], ":due": item[ts.DUE_AT]})
    else:
        removes += [ts.DUE_SHARD, ts.DUE_AT]
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    try:
        client.update_item(
            TableName=table,
            Key=schedule_key(schedule.namespace, schedule.job_id),
            UpdateExpression=expression,
            ConditionExpression="attribute_exists(pk) AND version = :expected",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={**values, **to_attributes({":expected": expected_version})},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            # A retry of an advance that landed though its answer was lost finds its own
            # write: the same new version, last run and update time.
            found: Item = dict(exc.response.get("Item") or {})  # type: ignore[call-overload]
            return "lastRun" in item and all(found.get(name) == item[name] for name in _OWN_WRITE)
        raise
    return True


def add_runs(client: Any, table: str, runs: Sequence[Run], retention: timedelta) -> None:
    """Append runs to the history (batched; a later record of the same key wins)."""
    items = {(run.namespace, run.job_id, run_sort_key(run)): run for run in runs}  # one write per key
    requests = [{"PutRequest": {"Item": run_to_item(run, retention)}} for run in items.values()]
    write_all(client, table, requests)


def update_last_run(client: Any, table: str, run: Run, now: datetime) -> bool:
    """Set ``run`` as the schedule's last run where the last run is that very run (the same
    occurrence, trigger and id: a manual run, or a webhook's run tried again)."""
    summary = to_attributes(
        {
            ":run": run_summary(run),
            ":now": text(now),
            ":at": run_summary(run)["scheduledFor"],
            ":trigger": run.trigger.value,
            ":runId": run.run_id,
            ":one": 1,
        }
    )
    same_id = "lastRun.runId = :runId" if run.run_id is not None else "attribute_type(lastRun.runId, :null)"
    if run.run_id is None:
        summary[":null"] = {"S": "NULL"}
    try:
        client.update_item(
            TableName=table,
            Key=schedule_key(run.namespace, run.job_id),
            UpdateExpression="SET lastRun = :run, updatedAt = :now, version = version + :one",
            ConditionExpression=(
                f"attribute_exists(pk) AND lastRun.scheduledFor = :at AND lastRun.#trigger = :trigger AND {same_id}"
            ),
            ExpressionAttributeNames={"#trigger": "trigger"},
            ExpressionAttributeValues=summary,
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True
