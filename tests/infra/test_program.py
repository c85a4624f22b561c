"""The program as a whole: its outputs, its components, and its config schema."""

from __future__ import annotations

import typing
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.settings import (
    API_SETTINGS,
    DELIVERY_SETTINGS,
    DISPATCHER_SETTINGS,
    QUEUE_KEYS,
    SERVICE_KEYS,
    STACK_KEYS,
    StackSettings,
    value_type,
)
from service.adapters.queue_schema import QueueDefinition
from service.config import Settings
from tests.infra.program import PROJECT_ROOT, Deployment, run_program


def test_the_stack_exports_the_urls_and_names_a_team_needs(prod: Deployment) -> None:
    assert prod.outputs == {
        "apiUrl": prod.one("aws:apigatewayv2/api:Api").outputs["apiEndpoint"],
        "webUrl": "https://" + prod.one("aws:cloudfront/distribution:Distribution").outputs["domainName"],
        "tableName": prod.one("aws:dynamodb/table:Table").outputs["name"],
        "queueUrl": prod.named("data-deliveries").outputs["url"],
        "deadLetterQueueUrl": prod.named("data-dead-letters").outputs["url"],
        "failedTicksQueueUrl": prod.named("dispatcher-failed-ticks").outputs["url"],
        "handoffQueueUrl": prod.named("data-handoff").outputs["url"],
        "handoffDeadLetterQueueUrl": prod.named("data-handoff-dead-letters").outputs["url"],
        "namespaceQueueUrls": {},
        "namespaceDeadLetterQueueUrls": {},
        "deliveryRoleArn": prod.named("delivery-role").outputs["arn"],
    }


def test_every_cloud_resource_belongs_to_a_scheduler_component(prod: Deployment) -> None:
    components = {r.type for r in prod.resources if r.type.startswith("scheduler:index:")}

    assert {"scheduler:index:Data", "scheduler:index:Dispatcher", "scheduler:index:Api"} <= components
    assert {"scheduler:index:Web", "scheduler:index:Observability"} <= components
    assert {"scheduler:index:Delivery", "scheduler:index:NamespaceQueues"} <= components
    for resource in prod.resources:
        if resource.type.startswith("aws:"):
            assert (resource.parent_type or "").startswith("scheduler:index:"), resource.name


PULUMI_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "integer",
    str: "string",
    Path: "string",
    tuple[str, ...]: "array",
}


def _documented(kind: Any, default: Any) -> tuple[str, Any]:
    """The type and default a key of this kind and default has in Pulumi.yaml."""
    if isinstance(default, Path):
        default = str(default.relative_to(PROJECT_ROOT))
    if isinstance(default, tuple):
        default = list(default)
    return PULUMI_TYPES[kind], default


def _models() -> dict[str, tuple[str, Any]]:
    """Every config key the program reads, with the type and default its model gives it."""
    stack_hints = typing.get_type_hints(StackSettings)
    stack_defaults = {f.name: f.default for f in fields(StackSettings)}
    queue_defaults = {f.name: f.default for f in fields(QueueDefinition)}
    keys = {key: _documented(value_type(stack_hints[name]), stack_defaults[name]) for key, name in STACK_KEYS.items()}
    keys |= {key: _documented(int, queue_defaults[name]) for key, name in QUEUE_KEYS.items()}
    keys |= {
        key: _documented(value_type(Settings.model_fields[name].annotation), Settings.model_fields[name].default)
        for key, name in SERVICE_KEYS.items()
    }
    return keys


def test_the_config_schema_documents_every_key_with_the_type_and_default_of_its_model() -> None:
    project = yaml.safe_load((PROJECT_ROOT / "Pulumi.yaml").read_text())
    schema = project["config"]
    documented = {key: (entry["type"], entry.get("default")) for key, entry in schema.items()}
    models = _models()
    # A default that depends on the stack (deletion protection) is described, not given.
    models["deletionProtection"] = ("boolean", None)

    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}
    assert documented == models
    assert all(entry.get("description") for entry in schema.values())
    # Pulumi checks a list's entries by the type of its items.
    assert all(entry["items"] == {"type": "string"} for entry in schema.values() if entry["type"] == "array")


def test_the_service_settings_a_stack_sets_are_the_services_own_with_their_variables() -> None:
    assert set(SERVICE_KEYS.values()) <= set(Settings.model_fields)
    assert set(API_SETTINGS) | set(DISPATCHER_SETTINGS) | set(DELIVERY_SETTINGS) == set(SERVICE_KEYS.values())
    assert {Settings.variable(name) for name in DELIVERY_SETTINGS} == {
        "SCHEDULER_RUN_RETENTION_DAYS",
        "SCHEDULER_CATCH_UP_HOURS",
    }
    assert {Settings.variable(name) for name in DISPATCHER_SETTINGS} == {
        "SCHEDULER_RUN_RETENTION_DAYS",
        "SCHEDULER_LOOKAHEAD_SECONDS",
        "SCHEDULER_CATCH_UP_HOURS",
        "SCHEDULER_DISPATCH_INVOCATIONS",
    }


def test_a_bad_architecture_stops_the_program(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="architecture"):
        run_program(tmp_path, "prod", architecture="mips")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"dispatchInvocations": 0}, r"dispatchInvocations must be 1\.\.8, got 0"),
        ({"dispatchInvocations": 9}, r"dispatchInvocations must be 1\.\.8, got 9"),
        ({"dispatchInvocations": 4, "dispatcherReservedConcurrency": 3}, "would be throttled"),
        ({"lookaheadSeconds": 901}, r"lookaheadSeconds must be 0\.\.900"),
        ({"catchUpHours": 0}, "catchUpHours must be at least 1"),
        ({"runRetentionDays": 0}, "runRetentionDays must be at least 1"),
        ({"apiKeyRatePerSecond": 0}, "apiKeyRatePerSecond must be at least 1"),
        ({"apiKeyRateBurst": 0}, "apiKeyRateBurst must be at least 1"),
        ({"apiKeyCacheSeconds": -1}, "apiKeyCacheSeconds must be at least 0"),
        ({"maxReceiveCount": 0}, r"maxReceiveCount must be 1\.\.1000, got 0"),
        ({"queueVisibilityTimeoutSeconds": 50_000}, r"queueVisibilityTimeoutSeconds must be 0\.\.43200"),
    ],
)
def test_a_setting_the_service_would_refuse_at_start_up_stops_the_program(
    tmp_path: Path, config: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        run_program(tmp_path, "prod", **config)


def test_a_missing_web_build_stops_the_program_with_the_command_to_run(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="build the web UI"):
        run_program(tmp_path, "prod", webDist=str(tmp_path / "nowhere"))
