"""``scheduler dev --data FILE``: the table's items and the queues' messages saved to a JSON
file and loaded back.

The emulator keeps everything in memory; this file is what survives a restart. Items are
kept in DynamoDB's own JSON (``{"S": "..."}``), binary values in base64, so they go back
exactly as they were read. The queues' messages (the delivery stage's runs not yet
delivered, with when each becomes visible and how often it was received; messages
waiting on target queues) are kept under ``queues``, each queue's as its keeper saved it.
A file that cannot be read stops the start-up instead of starting empty and overwriting
it on exit. Version 1 files (items only) are read as well.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from service.adapters.dynamo_batch import UnprocessedItemsError, write_all

FORMAT = "scheduler-local-data"
VERSION = 2
READABLE_VERSIONS = (1, 2)

Item = dict[str, Any]


class DataFileError(RuntimeError):
    pass


def _encode(value: dict[str, Any]) -> dict[str, Any]:
    (kind, inner), *_ = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(b).decode() for b in inner]}
    if kind == "M":
        return {"M": {k: _encode(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_encode(v) for v in inner]}
    return value


def _decode(value: dict[str, Any]) -> dict[str, Any]:
    (kind, inner), *_ = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(b) for b in inner]}
    if kind == "M":
        return {"M": {k: _decode(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_decode(v) for v in inner]}
    return value


def scan_items(client: Any, table_name: str) -> list[Item]:
    items: list[Item] = []
    for page in client.get_paginator("scan").paginate(TableName=table_name, ConsistentRead=True):
        items.extend(page.get("Items", []))
    return items


def save(client: Any, table_name: str, path: Path, queues: Mapping[str, Any] | None = None) -> int:
    """Write every item of the table, and ``queues`` (each queue's messages, as its keeper
    gives them), to ``path`` (atomically); the number of items."""
    items = scan_items(client, table_name)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "table": table_name,
        "savedAt": datetime.now(UTC).isoformat(timespec="seconds"),
        "items": [{k: _encode(v) for k, v in item.items()} for item in items],
        "queues": dict(queues or {}),
    }
    # Written beside the target, then renamed over it: a crash mid-write leaves the old file whole.
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(document, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)
    return len(items)


def _document(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"cannot read the data file {path}: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DataFileError(f"{path} is not a data file of `scheduler dev --data`")
    if document.get("version") not in READABLE_VERSIONS:
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        raise DataFileError(f"{path} has version {document.get('version')!r}; this scheduler reads versions {readable}")
    return document


def read_queues(path: Path) -> dict[str, Any]:
    """The queues' messages kept in the file (none in a version 1 file, or no file yet)."""
    if not path.exists():
        return {}
    queues = _document(path).get("queues", {})
    if not isinstance(queues, dict):
        raise DataFileError(f"{path} holds queues that are not an object")
    return queues


def read_items(path: Path) -> list[Item]:
    document = _document(path)
    try:
        return [{k: _decode(v) for k, v in item.items()} for item in document["items"]]
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise DataFileError(f"{path} holds an item that is not DynamoDB JSON: {exc}") from exc


def load(client: Any, table_name: str, path: Path) -> int:
    """Put every item of the file into the table; the number of items (0 if no file yet)."""
    if not path.exists():
        return 0
    items = read_items(path)
    try:
        write_all(client, table_name, [{"PutRequest": {"Item": item}} for item in items])
    except UnprocessedItemsError as exc:
        raise DataFileError(f"the table kept refusing items of the data file: {exc}") from exc
    return len(items)


def check_writable(path: Path) -> None:
    """Fail at start-up, not at exit, when the file could not be saved."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise DataFileError(f"the folder of the data file does not exist: {directory}")
    if not os.access(directory, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise DataFileError(f"the data file cannot be written: {path}")
