"""The lines ``scheduler dev`` prints once everything is up: where to find what."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from service.entrypoints.local.resources import Resources


@dataclass(frozen=True)
class StackInfo:
    base_url: str
    endpoint_url: str
    embedded_emulator: bool
    resources: Resources
    web_served: bool
    dispatch: str  # what the dispatcher does, or why it does not
    consume: bool
    data_file: Path | None
    items_loaded: int
    # The local API key (SPEC section 5).
    api_key: str | None = None
    autosave_seconds: float = 60


def browse_url(host: str, port: int) -> str:
    """The URL to open: a wildcard listening address is reached through loopback."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def startup_lines(info: StackInfo) -> list[str]:
    base = info.base_url
    emulator = "embedded emulator (moto), in memory" if info.embedded_emulator else "from AWS_ENDPOINT_URL"
    if info.data_file is None:
        data = "in memory only: gone on exit (keep it with --data FILE)"
    else:
        every = "minute" if info.autosave_seconds == 60 else f"{info.autosave_seconds:g} s"
        data = f"{info.data_file} ({info.items_loaded} items loaded; saved every {every} and on exit)"
    lines = ["Scheduler is running locally."]
    if info.api_key is not None:
        # The README's examples read the key from this variable: the line is ready to paste.
        lines += [
            "Run this in the shell you send requests from (the README's examples use it):",
            f"  export SCHEDULER_API_KEY={shlex.quote(info.api_key)}",
        ]
    lines += [
        f"  App          {base}/" + ("" if info.web_served else "   (web UI not built yet: API only)"),
        f"  GraphQL IDE  {base}/graphql",
        f"  API docs     {base}/docs",
        f"  AWS          {info.endpoint_url}  {emulator}",
        f"  Table        {info.resources.table_name}",
        f"  Queue        {info.resources.queue_url}",
        f"  Dead letters {info.resources.dead_letter_queue_url}",
        f"  Dispatcher   {info.dispatch}",
        "  Consumer     " + ("one JSON line per delivered message, on stdout" if info.consume else "off"),
        f"  Data         {data}",
        "From another shell, `scheduler dispatch --once` and the AWS CLI reach this stack with:",
        f"  export AWS_ENDPOINT_URL={info.endpoint_url} SCHEDULER_TABLE_NAME={info.resources.table_name} "
        f"SCHEDULER_QUEUE_URL={info.resources.queue_url}"
        + (
            f" SCHEDULER_HANDOFF_QUEUE_URL={info.resources.handoff_queue_url}"
            if info.resources.handoff_queue_url
            else ""
        ),
        "Press Ctrl-C to stop.",
    ]
    return lines


def _handoff_variable(resources: Resources) -> str:
    return f" SCHEDULER_HANDOFF_QUEUE_URL={resources.handoff_queue_url}" if resources.handoff_queue_url else ""
