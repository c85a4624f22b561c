"""The stack's settings: every `scheduler:*` config key, its default, read once.

Pulumi.yaml documents the same keys for `pulumi config`; the defaults live here so the
program and its tests agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pulumi

from service.adapters.table_schema import DUE_SHARDS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURES = ("arm64", "x86_64")
MAX_DELAY_SECONDS = 900  # SQS's longest DelaySeconds: a longer lookahead would deliver early


def is_dev_stack(stack: str) -> bool:
    """Dev stacks are disposable: no deletion protection, buckets emptied on destroy."""
    return stack == "dev" or stack.startswith("dev-")


@dataclass(frozen=True)
class StackSettings:
    stack: str
    architecture: str = "arm64"
    deletion_protection: bool = True
    max_receive_count: int = 5
    fifo: bool = False
    queue_visibility_timeout_seconds: int = 30
    queue_retention_seconds: int = 4 * 24 * 3600
    log_retention_days: int = 30
    run_retention_days: int = 90
    catch_up_hours: int = 24
    lookahead_seconds: int | None = None
    api_memory_mb: int = 1024
    dispatcher_memory_mb: int = 1024
    dispatcher_timeout_seconds: int = 60
    dispatcher_reserved_concurrency: int | None = None
    dispatch_invocations: int = 1
    api_snap_start: bool = True
    api_throttle_rate: float = 50.0
    api_throttle_burst: int = 100
    # API keys (SPEC section 5); unset keeps the service's defaults (service/config.py).
    api_key_rate_per_second: int | None = None
    api_key_rate_burst: int | None = None
    api_key_cache_seconds: int | None = None
    graphql_ide: bool = False
    graphql_introspection: bool = True
    web_dist: Path = PROJECT_ROOT / "web" / "dist"
    price_class: str = "PriceClass_100"
    alarm_email: str | None = None
    late_alarm_threshold: int = 1
    bundle_zip: Path | None = None
    bundle_python: str | None = None

    @classmethod
    def from_config(cls, config: pulumi.Config, stack: str) -> StackSettings:
        defaults = cls(stack=stack, deletion_protection=not is_dev_stack(stack))

        def integer(key: str, default: int) -> int:
            return _or(config.get_int(key), default)

        def flag(key: str, default: bool) -> bool:
            return _or(config.get_bool(key), default)

        architecture = config.get("architecture") or defaults.architecture
        if architecture not in ARCHITECTURES:
            raise ValueError(f"scheduler:architecture must be one of {ARCHITECTURES}, got {architecture!r}")
        max_receive_count = integer("maxReceiveCount", defaults.max_receive_count)
        if not 1 <= max_receive_count <= 1000:
            # SQS's own bounds for a redrive policy.
            raise ValueError(f"scheduler:maxReceiveCount must be 1..1000, got {max_receive_count}")
        dispatch_invocations = integer("dispatchInvocations", defaults.dispatch_invocations)
        if not 1 <= dispatch_invocations <= DUE_SHARDS:
            # A tick's busy shards are dealt out whole: more invocations than shards do nothing.
            raise ValueError(f"scheduler:dispatchInvocations must be 1..{DUE_SHARDS}, got {dispatch_invocations}")
        reserved = config.get_int("dispatcherReservedConcurrency")
        if reserved is not None and reserved < dispatch_invocations:
            raise ValueError(
                f"scheduler:dispatcherReservedConcurrency ({reserved}) is below scheduler:dispatchInvocations "
                f"({dispatch_invocations}): the invocations a tick starts would be throttled"
            )
        lookahead_seconds = config.get_int("lookaheadSeconds")
        if lookahead_seconds is not None and not 0 <= lookahead_seconds <= MAX_DELAY_SECONDS:
            raise ValueError(f"scheduler:lookaheadSeconds must be 0..{MAX_DELAY_SECONDS}, got {lookahead_seconds}")
        # The service refuses these at start-up (service/config.py); refuse them at preview instead.
        catch_up_hours = _at_least(1, "catchUpHours", integer("catchUpHours", defaults.catch_up_hours))
        run_retention_days = _at_least(1, "runRetentionDays", integer("runRetentionDays", defaults.run_retention_days))
        key_rate = _optional_at_least(1, "apiKeyRatePerSecond", config.get_int("apiKeyRatePerSecond"))
        key_burst = _optional_at_least(1, "apiKeyRateBurst", config.get_int("apiKeyRateBurst"))
        key_cache = _optional_at_least(0, "apiKeyCacheSeconds", config.get_int("apiKeyCacheSeconds"))
        web_dist = config.get("webDist")
        bundle_zip = config.get("bundleZip")
        return cls(
            stack=stack,
            architecture=architecture,
            deletion_protection=flag("deletionProtection", defaults.deletion_protection),
            max_receive_count=max_receive_count,
            fifo=flag("fifo", defaults.fifo),
            queue_visibility_timeout_seconds=integer(
                "queueVisibilityTimeoutSeconds", defaults.queue_visibility_timeout_seconds
            ),
            queue_retention_seconds=integer("queueRetentionSeconds", defaults.queue_retention_seconds),
            log_retention_days=integer("logRetentionDays", defaults.log_retention_days),
            run_retention_days=run_retention_days,
            catch_up_hours=catch_up_hours,
            lookahead_seconds=lookahead_seconds,
            api_memory_mb=integer("apiMemoryMb", defaults.api_memory_mb),
            dispatcher_memory_mb=integer("dispatcherMemoryMb", defaults.dispatcher_memory_mb),
            dispatcher_timeout_seconds=integer("dispatcherTimeoutSeconds", defaults.dispatcher_timeout_seconds),
            dispatcher_reserved_concurrency=reserved,
            dispatch_invocations=dispatch_invocations,
            api_snap_start=flag("apiSnapStart", defaults.api_snap_start),
            api_throttle_rate=_or(config.get_float("apiThrottleRate"), defaults.api_throttle_rate),
            api_throttle_burst=integer("apiThrottleBurst", defaults.api_throttle_burst),
            api_key_rate_per_second=key_rate,
            api_key_rate_burst=key_burst,
            api_key_cache_seconds=key_cache,
            graphql_ide=flag("graphqlIde", defaults.graphql_ide),
            graphql_introspection=flag("graphqlIntrospection", defaults.graphql_introspection),
            web_dist=(PROJECT_ROOT / web_dist) if web_dist else defaults.web_dist,
            price_class=config.get("priceClass") or defaults.price_class,
            alarm_email=config.get("alarmEmail"),
            late_alarm_threshold=integer("lateAlarmThreshold", defaults.late_alarm_threshold),
            bundle_zip=(PROJECT_ROOT / bundle_zip) if bundle_zip else None,
            bundle_python=config.get("bundlePython"),
        )


def _at_least(minimum: int, key: str, value: int) -> int:
    if value < minimum:
        raise ValueError(f"scheduler:{key} must be at least {minimum}, got {value}")
    return value


def _optional_at_least(minimum: int, key: str, value: int | None) -> int | None:
    return None if value is None else _at_least(minimum, key, value)


T = TypeVar("T")


def _or(value: T | None, default: T) -> T:
    return default if value is None else value
