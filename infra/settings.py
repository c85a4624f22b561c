"""The stack's settings: every `scheduler:*` config key, read once.

Three kinds of keys. The service's settings (``SERVICE_KEYS``) take their defaults, rules
and environment variables from the service's own model (service/config.py): the program
refuses at preview what the functions would refuse at start-up, and passes each function
the values the stack sets, by the model's variables (the model's defaults apply to the
rest). The delivery queue's (``QUEUE_KEYS``) are the shared queue definition's
(service/adapters/queue_schema.py). The stack's own (``STACK_KEYS``) have their defaults
here. Pulumi.yaml documents every key; a test checks its types and defaults against these.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from infra.target_queues import (
    check_delivery_concurrency,
    check_namespace_queues,
    check_target_queue_arns,
    read_list,
)
from service.adapters.queue_schema import FIFO_SUFFIX, QueueDefinition
from service.config import ConfigError, Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURES = ("arm64", "x86_64")

# Config key -> the service's setting (a field of service.config.Settings).
SERVICE_KEYS = {
    "runRetentionDays": "run_retention_days",
    "catchUpHours": "catch_up_hours",
    "lookaheadSeconds": "lookahead_seconds",
    "dispatchInvocations": "dispatch_invocations",
    "apiKeyRatePerSecond": "rate_limit_per_second",
    "apiKeyRateBurst": "rate_limit_burst",
    "apiKeyCacheSeconds": "key_cache_seconds",
    "graphqlIde": "graphql_ide",
    "graphqlIntrospection": "graphql_introspection",
}
# The settings each function reads (the table and the queue aside).
API_SETTINGS = (
    "run_retention_days",
    "lookahead_seconds",
    "rate_limit_per_second",
    "rate_limit_burst",
    "key_cache_seconds",
    "graphql_ide",
    "graphql_introspection",
)
DISPATCHER_SETTINGS = ("run_retention_days", "lookahead_seconds", "catch_up_hours", "dispatch_invocations")
DELIVERY_SETTINGS = ("run_retention_days", "catch_up_hours")
# Config key -> a field of the queue definition.
QUEUE_KEYS = {
    "queueVisibilityTimeoutSeconds": "visibility_timeout",
    "queueRetentionSeconds": "retention",
    "maxReceiveCount": "max_receive_count",
}
# Config key -> a field of StackSettings.
STACK_KEYS = {
    "architecture": "architecture",
    "deletionProtection": "deletion_protection",
    "fifo": "fifo",
    "logRetentionDays": "log_retention_days",
    "apiMemoryMb": "api_memory_mb",
    "dispatcherMemoryMb": "dispatcher_memory_mb",
    "dispatcherTimeoutSeconds": "dispatcher_timeout_seconds",
    "dispatcherReservedConcurrency": "dispatcher_reserved_concurrency",
    "deliveryMemoryMb": "delivery_memory_mb",
    "deliveryMaxConcurrency": "delivery_max_concurrency",
    "namespaceQueues": "namespace_queues",
    "targetQueueArns": "target_queue_arns",
    "apiSnapStart": "api_snap_start",
    "apiThrottleRate": "api_throttle_rate",
    "apiThrottleBurst": "api_throttle_burst",
    "webDist": "web_dist",
    "priceClass": "price_class",
    "alarmEmail": "alarm_email",
    "lateAlarmThreshold": "late_alarm_threshold",
    "bundleZip": "bundle_zip",
    "bundlePython": "bundle_python",
}


def is_dev_stack(stack: str) -> bool:
    """Dev stacks are disposable: no deletion protection, buckets emptied on destroy."""
    return stack == "dev" or stack.startswith("dev-")


@dataclass(frozen=True)
class StackSettings:
    stack: str
    architecture: str = "arm64"
    deletion_protection: bool = True
    fifo: bool = False
    log_retention_days: int = 30
    api_memory_mb: int = 1024
    dispatcher_memory_mb: int = 1024
    dispatcher_timeout_seconds: int = 60
    dispatcher_reserved_concurrency: int | None = None
    delivery_memory_mb: int = 256
    # Why 50: infra/delivery.py.
    delivery_max_concurrency: int = 50
    # The namespaces that get a queue of their own, and the existing queues a target may name.
    namespace_queues: tuple[str, ...] = ()
    target_queue_arns: tuple[str, ...] = ()
    api_snap_start: bool = True
    api_throttle_rate: float = 50.0
    api_throttle_burst: int = 100
    web_dist: Path = PROJECT_ROOT / "web" / "dist"
    price_class: str = "PriceClass_100"
    alarm_email: str | None = None
    late_alarm_threshold: int = 1
    bundle_zip: Path | None = None
    bundle_python: str | None = None
    # The queue's settings the stack sets (QUEUE_KEYS), by field of the queue definition.
    queue_settings: Mapping[str, int] = field(default_factory=dict)
    # The service's settings the stack sets (SERVICE_KEYS), by field of the service's model.
    service: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: pulumi.Config, stack: str) -> StackSettings:
        hints = typing.get_type_hints(cls)
        own: dict[str, Any] = {"deletion_protection": not is_dev_stack(stack)}
        for key, name in STACK_KEYS.items():
            value = _read(config, key, hints[name])
            if value is not None:
                own[name] = PROJECT_ROOT / value if value_type(hints[name]) is Path else value
        queue = {name: config.get_int(key) for key, name in QUEUE_KEYS.items()}
        service = {
            name: _read(config, key, Settings.model_fields[name].annotation) for key, name in SERVICE_KEYS.items()
        }
        settings = cls(
            stack=stack,
            **own,
            queue_settings={k: v for k, v in queue.items() if v is not None},
            service={k: v for k, v in service.items() if v is not None},
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuses what AWS or the service would refuse later, naming the config key."""
        if self.architecture not in ARCHITECTURES:
            raise ValueError(f"scheduler:architecture must be one of {ARCHITECTURES}, got {self.architecture!r}")
        try:
            QueueDefinition(**self.queue_settings)
        except ValueError as exc:  # "<field> must be ..."
            field_name, problem = str(exc).split(" ", 1)
            raise ValueError(f"scheduler:{_key_of(QUEUE_KEYS, field_name)} {problem}") from None
        try:
            # The table and the queue are the stack's own resources: any name stands for them here.
            resources = {Settings.variable("table_name"): "table", Settings.variable("queue_url"): "queue"}
            Settings.from_env({**resources, **self.environment()})
        except ConfigError as exc:
            variable, problem = exc.problems[0]
            key = next(k for k, name in SERVICE_KEYS.items() if Settings.variable(name) == variable)
            raise ValueError(f"scheduler:{key} {problem}") from None
        invocations = self.setting("dispatch_invocations")
        reserved = self.dispatcher_reserved_concurrency
        if reserved is not None and reserved < invocations:
            raise ValueError(
                f"scheduler:dispatcherReservedConcurrency ({reserved}) is below scheduler:dispatchInvocations "
                f"({invocations}): the invocations a tick starts would be throttled"
            )
        check_delivery_concurrency(self.delivery_max_concurrency)
        check_namespace_queues(self.namespace_queues)
        check_target_queue_arns(self.target_queue_arns)

    @property
    def queue(self) -> QueueDefinition:
        suffix = FIFO_SUFFIX if self.fifo else ""
        return QueueDefinition(name=f"scheduler-{self.stack}-deliveries{suffix}", **self.queue_settings)

    def namespace_queue(self, namespace: str) -> QueueDefinition:
        """A namespace's queue: the stack queue's settings, always a standard queue."""
        return QueueDefinition(name=f"scheduler-{self.stack}-{namespace}", **self.queue_settings)

    def setting(self, name: str) -> Any:
        """A service setting as the functions will have it: the stack's value, or the service's default."""
        return self.service.get(name, Settings.model_fields[name].default)

    def environment(self, names: tuple[str, ...] | None = None) -> dict[str, str]:
        """The variables that pass the stack's service settings (of ``names``) to a function."""
        return {
            Settings.variable(name): _variable_value(value)
            for name, value in self.service.items()
            if names is None or name in names
        }


def value_type(annotation: Any) -> Any:
    """The type of a setting's values: ``int`` for ``int | None``."""
    if isinstance(annotation, types.UnionType):
        return next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    return annotation


def _read(config: pulumi.Config, key: str, annotation: Any) -> Any:
    kind = value_type(annotation)
    if typing.get_origin(kind) is tuple:
        return read_list(config, key)
    if kind is bool:
        return config.get_bool(key)
    if kind is int:
        return config.get_int(key)
    if kind is float:
        return config.get_float(key)
    return config.get(key)


def _variable_value(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _key_of(keys: Mapping[str, str], name: str) -> str:
    return next(key for key, field_name in keys.items() if field_name == name)
