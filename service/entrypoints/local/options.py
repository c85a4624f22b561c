"""What ``scheduler dev`` is asked to run: command-line options over environment variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from service.adapters.queue_schema import QueueDefinition, queue_name_from_url

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TABLE_NAME = "scheduler-local"
# web/dist beside the service package: where the web UI's build writes (editable install).
DEFAULT_WEB_DIST = Path(__file__).resolve().parents[3] / "web" / "dist"
# With --data, how often everything is saved: what a crash (or `kill -9`) loses at most.
DEFAULT_AUTOSAVE_SECONDS = 60


class OptionError(ValueError):
    pass


@dataclass(frozen=True)
class LocalOptions:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    data_file: Path | None = None
    dispatch: bool = True
    consume: bool = True
    endpoint_url: str | None = None
    table_name: str = DEFAULT_TABLE_NAME
    queue: QueueDefinition = field(default_factory=QueueDefinition)
    web_dist: Path = DEFAULT_WEB_DIST
    autosave_seconds: float = DEFAULT_AUTOSAVE_SECONDS

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str],
        host: str | None = None,
        port: int | None = None,
        data_file: Path | None = None,
    ) -> LocalOptions:
        queue_url = env.get("SCHEDULER_QUEUE_URL", "").strip()
        return cls(
            host=host or env.get("HOST", "").strip() or DEFAULT_HOST,
            port=port if port is not None else _port(env.get("PORT", "").strip() or str(DEFAULT_PORT)),
            data_file=data_file,
            dispatch=switch(env, "SCHEDULER_DISPATCH"),
            consume=switch(env, "SCHEDULER_CONSUME"),
            endpoint_url=env.get("AWS_ENDPOINT_URL", "").strip() or None,
            table_name=env.get("SCHEDULER_TABLE_NAME", "").strip() or DEFAULT_TABLE_NAME,
            queue=QueueDefinition(name=queue_name_from_url(queue_url)) if queue_url else QueueDefinition(),
            web_dist=Path(env["SCHEDULER_WEB_DIST"]) if env.get("SCHEDULER_WEB_DIST") else DEFAULT_WEB_DIST,
            autosave_seconds=_seconds(env, "SCHEDULER_AUTOSAVE_SECONDS", DEFAULT_AUTOSAVE_SECONDS),
        )


def switch(env: Mapping[str, str], name: str) -> bool:
    """An on/off variable that is on unless turned off."""
    text = env.get(name, "").strip().lower()
    if text in ("", "1", "on", "true", "yes"):
        return True
    if text in ("0", "off", "false", "no"):
        return False
    raise OptionError(f"{name} must be on or off, got {env[name]!r}")


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise OptionError(f"PORT must be a port number (1 to 65535), got {text!r}")
    return int(text)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise OptionError(f"{name} must be a number of seconds above 0, got {text!r}")
    return seconds
