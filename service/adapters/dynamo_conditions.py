"""Conditional writes over a schedule item, and what a refusal means.

Every write over a schedule item is conditional: on the item's existence, and on its
version when the caller names one. A refused write comes back with the item it found
(``ReturnValuesOnConditionCheckFailure``), which tells a missing schedule from a stale one
(``conflict``), and shows a last run that the item alone records (``write_over``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from botocore.exceptions import ClientError

from service.adapters.dynamo_items import LAST_RUN_IN_HISTORY, Item, last_run_only_in, to_attributes
from service.domain.errors import ScheduleNotFound, VersionConflict
from service.domain.runs import Run

EXISTS = "attribute_exists(pk)"
_EXISTS_AT_VERSION = "attribute_exists(pk) AND version = :expected"
_HAS_HISTORY = f"attribute_not_exists({LAST_RUN_IN_HISTORY})"  # its last run has a history item

Write = dict[str, Any]  # one element of TransactItems: {"Put": {...}}, {"Delete": {...}}


def version_condition(expected_version: int | None) -> tuple[str, dict[str, Any]]:
    """The condition that the item exists (at ``expected_version``), and its values."""
    if expected_version is None:
        return EXISTS, {}
    return _EXISTS_AT_VERSION, {"ExpressionAttributeValues": to_attributes({":expected": expected_version})}


def write_over(
    client: Any, writes: list[Write], job_id: str, expected_version: int, history_item: Callable[[Run], Write]
) -> None:
    """The writes, the first of them a conditional put over the schedule item.

    The stored item may be the only record of its last run (``LAST_RUN_IN_HISTORY``),
    which the new item would lose: the first attempt is refused then, and the writes go
    again with that run's history item, in one transaction. So the common write costs
    nothing more, and the rare one (a completed one-time schedule changed, or run by
    hand) one refused write.
    """
    schedule_put = writes[0]["Put"]
    guarded = dict(schedule_put, ConditionExpression=f"{schedule_put['ConditionExpression']} AND {_HAS_HISTORY}")
    try:
        send(client, [{"Put": guarded}, *writes[1:]])
        return
    except ClientError as exc:
        refused, old = refusal(exc)
        kept = last_run_only_in(old) if refused and old and int(old["version"]["N"]) == expected_version else None
        if kept is None:
            raise conflict(exc, job_id, expected_version) from exc
    try:
        send(client, [*writes, history_item(kept)])
    except ClientError as exc:
        raise conflict(exc, job_id, expected_version) from exc


def send(client: Any, writes: list[Write]) -> None:
    """One put alone, or every write in one transaction."""
    if len(writes) == 1:
        client.put_item(**writes[0]["Put"])
    else:
        client.transact_write_items(TransactItems=writes)


def conflict(exc: ClientError, job_id: str, expected_version: int | None) -> Exception:
    """The domain error for a refused condition on the schedule item (the first write);
    any other failure as it is."""
    refused, old = refusal(exc)
    if not refused:
        return exc
    if not old:
        return ScheduleNotFound(job_id)
    actual = int(old["version"]["N"]) if "version" in old else None
    return VersionConflict(job_id, expected_version if expected_version is not None else -1, actual)


def refusal(exc: ClientError) -> tuple[bool, Item | None]:
    """Whether the schedule item's condition (the first write) refused the write, and the
    item it found there (None: no item)."""
    code = exc.response.get("Error", {}).get("Code")
    if code == "ConditionalCheckFailedException":
        return True, cast("Item | None", exc.response.get("Item"))
    if code == "TransactionCanceledException":
        reason = (exc.response.get("CancellationReasons") or [{}])[0]
        if reason.get("Code") == "ConditionalCheckFailed":
            return True, cast("Item | None", reason.get("Item"))
    return False, None
