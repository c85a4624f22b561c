"""What ``scheduler schedules`` prints: the API's JSON as it came (``--output json``), or
tables for people (``--output table``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

SCHEDULE_COLUMNS = (
    ("JOB ID", lambda s: s["jobId"]),
    ("NAME", lambda s: s.get("name") or ""),
    ("STATE", lambda s: s["state"] + (f" ({s['pauseNote']})" if s.get("pauseNote") else "")),
    ("RULE", lambda s: _rule(s)),
    ("NEXT RUN", lambda s: (s.get("runAt") or "") if s["state"] != "completed" else ""),
    ("LABELS", lambda s: ",".join(f"{k}={v}" for k, v in sorted((s.get("labels") or {}).items()))),
)
RUN_COLUMNS = (
    ("SCHEDULED FOR", lambda r: r["scheduledFor"]),
    ("STATUS", lambda r: r["status"]),
    ("TRIGGER", lambda r: r["trigger"]),
    ("LATENESS MS", lambda r: "" if r.get("latenessMs") is None else str(r["latenessMs"])),
    ("OCCURRENCE ID", lambda r: r["occurrenceId"]),
)
RUN_TIME_COLUMNS = (("RUN AT", lambda t: t["runAt"]), ("LOCAL", lambda t: t["local"]))


def show(body: Any, kind: str, output: str, out: TextIO) -> None:
    """``kind``: schedule, schedules, runs, next (run times) or backfill (queued runs)."""
    if output == "json":
        print(json.dumps(body, indent=2, ensure_ascii=False), file=out)
    elif kind == "schedule":
        _details(body, out)
    elif kind == "schedules":
        _table(body, SCHEDULE_COLUMNS, out)
    elif kind == "next":
        _table(body["runs"], RUN_TIME_COLUMNS, out)
    elif kind == "backfill":
        _table(body.get("runs", []) if isinstance(body, dict) else body, RUN_COLUMNS, out)
    else:
        _table(body, RUN_COLUMNS, out)


def _rule(schedule: dict[str, Any]) -> str:
    recurring = schedule["recurring"]
    if recurring == "cron":
        return f"cron {schedule.get('cron')} {schedule['timezone']}"
    if recurring == "interval":
        return f"every {schedule.get('interval')}"
    return recurring if recurring == "none" else f"{recurring} {schedule['timezone']}"


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, Any]], out: TextIO) -> None:
    cells = [[title for title, _ in columns], *[[str(get(row)) for _, get in columns] for row in rows]]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for line in cells:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip(), file=out)


def _details(schedule: dict[str, Any], out: TextIO) -> None:
    width = max(len(key) for key in schedule)
    for key, value in schedule.items():
        if isinstance(value, dict) and key == "labels":
            value = ", ".join(f"{k}={v}" for k, v in sorted(value.items()))
        elif isinstance(value, dict):
            value = json.dumps(value, ensure_ascii=False)
        print(f"{key.ljust(width)}  {'' if value is None else value}", file=out)
