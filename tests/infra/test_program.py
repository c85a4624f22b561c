"""The program as a whole: its outputs, its components, and its config schema."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from infra.settings import StackSettings
from service.config import Settings
from tests.infra.program import PROJECT_ROOT, Deployment, run_program

CONFIG_FIELDS = {
    "architecture": "architecture",
    "maxReceiveCount": "max_receive_count",
    "fifo": "fifo",
    "queueVisibilityTimeoutSeconds": "queue_visibility_timeout_seconds",
    "queueRetentionSeconds": "queue_retention_seconds",
    "logRetentionDays": "log_retention_days",
    "runRetentionDays": "run_retention_days",
    "catchUpHours": "catch_up_hours",
    "apiMemoryMb": "api_memory_mb",
    "dispatcherMemoryMb": "dispatcher_memory_mb",
    "dispatcherTimeoutSeconds": "dispatcher_timeout_seconds",
    "dispatchInvocations": "dispatch_invocations",
    "apiSnapStart": "api_snap_start",
    "apiThrottleRate": "api_throttle_rate",
    "apiThrottleBurst": "api_throttle_burst",
    "graphqlIde": "graphql_ide",
    "graphqlIntrospection": "graphql_introspection",
    "priceClass": "price_class",
    "lateAlarmThreshold": "late_alarm_threshold",
}


def test_the_stack_exports_the_urls_and_names_a_team_needs(prod: Deployment) -> None:
    assert prod.outputs == {
        "apiUrl": prod.one("aws:apigatewayv2/api:Api").outputs["apiEndpoint"],
        "webUrl": "https://" + prod.one("aws:cloudfront/distribution:Distribution").outputs["domainName"],
        "tableName": prod.one("aws:dynamodb/table:Table").outputs["name"],
        "queueUrl": prod.named("data-deliveries").outputs["url"],
        "deadLetterQueueUrl": prod.named("data-dead-letters").outputs["url"],
        "failedTicksQueueUrl": prod.named("dispatcher-failed-ticks").outputs["url"],
    }


def test_every_cloud_resource_belongs_to_a_scheduler_component(prod: Deployment) -> None:
    components = {r.type for r in prod.resources if r.type.startswith("scheduler:index:")}

    assert {"scheduler:index:Data", "scheduler:index:Dispatcher", "scheduler:index:Api"} <= components
    assert {"scheduler:index:Web", "scheduler:index:Observability"} <= components
    for resource in prod.resources:
        if resource.type.startswith("aws:"):
            assert (resource.parent_type or "").startswith("scheduler:index:"), resource.name


def test_the_config_schema_documents_the_defaults_the_program_applies() -> None:
    project = yaml.safe_load((PROJECT_ROOT / "Pulumi.yaml").read_text())
    defaults = StackSettings(stack="prod")
    schema = project["config"]

    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}
    for key, attribute in CONFIG_FIELDS.items():
        assert schema[key]["default"] == getattr(defaults, attribute), key
    assert schema["webDist"]["default"] == "web/dist"
    assert all(entry.get("description") for entry in schema.values())
    # Every setting can be set through the config, and every documented key is read.
    settings_fields = {f.name for f in fields(StackSettings)} - {"stack", "deletion_protection", "web_dist"}
    settings_fields -= {"lookahead_seconds", "dispatcher_reserved_concurrency", "alarm_email"}
    settings_fields -= {"api_key_rate_per_second", "api_key_rate_burst", "api_key_cache_seconds"}
    settings_fields -= {"bundle_zip", "bundle_python"}
    assert settings_fields == set(CONFIG_FIELDS.values())


def test_the_schema_quotes_the_services_own_defaults_for_keys_it_leaves_unset() -> None:
    schema = yaml.safe_load((PROJECT_ROOT / "Pulumi.yaml").read_text())["config"]
    service = Settings(table_name="t", queue_url="q")
    quoted = {
        key: int(match.group(1))
        for key, entry in schema.items()
        if (match := re.search(r"unset keeps the service's default \((\d+)\)", entry["description"]))
    }

    assert quoted == {
        "lookaheadSeconds": service.lookahead.total_seconds(),
        "apiKeyRatePerSecond": service.rate_limit_per_second,
        "apiKeyRateBurst": service.rate_limit_burst,
        "apiKeyCacheSeconds": service.key_cache.total_seconds(),
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
