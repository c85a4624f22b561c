"""Settings, read once from the environment at start-up; a missing or bad value fails fast."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta


class ConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    table_name: str
    queue_url: str
    default_namespace: str = "default"
    run_retention: timedelta = timedelta(days=90)
    graphql_ide: bool = False
    graphql_introspection: bool = True
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    catch_up: timedelta = timedelta(hours=24)
    lookahead: timedelta = timedelta(seconds=70)
    # Per API key and per warm instance (see the README on rate limits across Lambdas).
    rate_limit_per_second: int = 20
    rate_limit_burst: int = 40
    # Key checks that fail, per client address and warm instance: a burst, then a steady rate.
    failed_checks_burst: int = 10
    failed_checks_per_minute: int = 6
    # Shared with CloudFront, which sends it on every request with the viewer's address: only
    # a request that carries it has that address believed (see service.entrypoints.client).
    origin_secret: str | None = None
    # How long a verified (or refused) key is remembered: a revocation's worst-case delay
    # (SPEC section 5: within 10 s).
    key_cache: timedelta = timedelta(seconds=10)
    # Invocations that share a tick's busy shards; more than one needs the function's own
    # name (Lambda sets AWS_LAMBDA_FUNCTION_NAME) and permission to invoke itself.
    dispatch_invocations: int = 1
    # Runs one invocation sends in a tick before another is started (about 50 s of work).
    dispatch_capacity: int = 15_000
    function_name: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            table_name=_required(env, "SCHEDULER_TABLE_NAME"),
            queue_url=_required(env, "SCHEDULER_QUEUE_URL"),
            default_namespace=env.get("SCHEDULER_NAMESPACE", "default"),
            run_retention=timedelta(days=_integer(env, "SCHEDULER_RUN_RETENTION_DAYS", 90, minimum=1)),
            graphql_ide=_flag(env, "SCHEDULER_GRAPHQL_IDE", False),
            graphql_introspection=_flag(env, "SCHEDULER_GRAPHQL_INTROSPECTION", True),
            cors_origins=tuple(o.strip() for o in env.get("SCHEDULER_CORS_ORIGINS", "").split(",") if o.strip()),
            catch_up=timedelta(hours=_integer(env, "SCHEDULER_CATCH_UP_HOURS", 24, minimum=1)),
            lookahead=timedelta(seconds=_integer(env, "SCHEDULER_LOOKAHEAD_SECONDS", 70, minimum=0)),
            rate_limit_per_second=_integer(env, "SCHEDULER_RATE_LIMIT_PER_SECOND", 20, minimum=1),
            rate_limit_burst=_integer(env, "SCHEDULER_RATE_LIMIT_BURST", 40, minimum=1),
            failed_checks_burst=_integer(env, "SCHEDULER_FAILED_CHECKS_BURST", 10, minimum=1),
            failed_checks_per_minute=_integer(env, "SCHEDULER_FAILED_CHECKS_PER_MINUTE", 6, minimum=1),
            origin_secret=env.get("SCHEDULER_ORIGIN_SECRET") or None,
            key_cache=timedelta(seconds=_integer(env, "SCHEDULER_KEY_CACHE_SECONDS", 10, minimum=0)),
            dispatch_invocations=_integer(env, "SCHEDULER_DISPATCH_INVOCATIONS", 1, minimum=1),
            dispatch_capacity=_integer(env, "SCHEDULER_DISPATCH_CAPACITY", 15_000, minimum=1),
            function_name=env.get("AWS_LAMBDA_FUNCTION_NAME") or None,
        )


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} must be set")
    return value


def _integer(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    text = env.get(name)
    if text is None or text.strip() == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {text!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    text = env.get(name)
    if text is None or text.strip() == "":
        return default
    lowered = text.strip().lower()
    if lowered in ("1", "true", "on", "yes"):
        return True
    if lowered in ("0", "false", "off", "no"):
        return False
    raise ConfigError(f"{name} must be on or off, got {text!r}")
