"""The delivery function and the event source mapping that feeds it from the hand-off queue."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.infra.conftest import Deploy
from tests.infra.program import Deployment, run_program

FUNCTION = "aws:lambda/function:Function"
MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"


def test_the_delivery_function_runs_the_delivery_handler_from_the_one_bundle(prod: Deployment) -> None:
    delivery = prod.one(FUNCTION, "delivery").inputs
    dispatcher = prod.one(FUNCTION, "dispatcher").inputs

    assert delivery["handler"] == "service.entrypoints.lambda_delivery.handler"
    assert delivery["timeout"] == 30
    assert delivery["memorySize"] == 256
    assert (delivery["runtime"], delivery["architectures"]) == ("python3.13", ["arm64"])
    assert delivery["sourceCodeHash"] == dispatcher["sourceCodeHash"]
    assert delivery["loggingConfig"]["logGroup"] == "/scheduler/prod/delivery"


def test_the_delivery_function_reserves_nothing_and_takes_no_snapshot(prod: Deployment) -> None:
    delivery = prod.one(FUNCTION, "delivery").inputs

    assert delivery.get("reservedConcurrentExecutions") is None
    assert "snapStart" not in delivery
    assert not delivery.get("publish")


def test_the_delivery_memory_follows_the_config(deploy: Deploy) -> None:
    assert deploy("prod", deliveryMemoryMb=512).one(FUNCTION, "delivery").inputs["memorySize"] == 512


def test_delivery_environment_names_the_table_both_queues_and_leaves_the_rest_to_the_services_defaults(
    prod: Deployment,
) -> None:
    env = prod.one(FUNCTION, "delivery").inputs["environment"]["variables"]

    assert env == {
        "SCHEDULER_TABLE_NAME": prod.one("aws:dynamodb/table:Table").outputs["name"],
        # The stack's queue: the default namespace's built-in target.
        "SCHEDULER_QUEUE_URL": prod.named("data-deliveries").outputs["url"],
        "SCHEDULER_HANDOFF_QUEUE_URL": prod.named("data-handoff").outputs["url"],
        # A copy of each webhook run given up on goes there; its alarm fires.
        "SCHEDULER_HANDOFF_DEAD_LETTER_QUEUE_URL": prod.named("data-handoff-dead-letters").outputs["url"],
    }


@pytest.mark.parametrize("function", ["api", "dispatcher", "delivery"])
def test_no_function_in_the_cloud_lets_webhooks_reach_loopback(prod: Deployment, function: str) -> None:
    env = prod.one(FUNCTION, function).inputs["environment"]["variables"]

    assert "SCHEDULER_WEBHOOK_ALLOW_LOOPBACK" not in env  # the service's default: off


def test_delivery_gets_the_retention_and_catch_up_it_reads_and_none_of_the_dispatchers_settings(
    deploy: Deploy,
) -> None:
    stack = deploy("prod", catchUpHours=6, lookaheadSeconds=90, runRetentionDays=7, dispatchInvocations=4)
    env = stack.one(FUNCTION, "delivery").inputs["environment"]["variables"]

    assert env["SCHEDULER_CATCH_UP_HOURS"] == "6"
    assert env["SCHEDULER_RUN_RETENTION_DAYS"] == "7"
    assert "SCHEDULER_LOOKAHEAD_SECONDS" not in env
    assert "SCHEDULER_DISPATCH_INVOCATIONS" not in env


def test_the_handoff_queue_feeds_the_delivery_function_in_batches_of_ten_without_waiting_for_one_to_fill(
    prod: Deployment,
) -> None:
    mapping = prod.one(MAPPING).inputs

    assert mapping["eventSourceArn"] == prod.named("data-handoff").outputs["arn"]
    assert mapping["functionName"] == prod.one(FUNCTION, "delivery").outputs["arn"]
    assert mapping["batchSize"] == 10
    assert mapping["maximumBatchingWindowInSeconds"] == 0
    assert mapping["functionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping.get("enabled", True) is True


def test_the_mapping_caps_the_delivery_functions_concurrency_at_50_unless_configured(deploy: Deploy) -> None:
    assert deploy("prod").one(MAPPING).inputs["scalingConfig"] == {"maximumConcurrency": 50}
    configured = deploy("prod", deliveryMaxConcurrency=200).one(MAPPING).inputs
    assert configured["scalingConfig"] == {"maximumConcurrency": 200}


def test_the_mapping_is_made_once_the_role_may_read_the_queue(prod: Deployment) -> None:
    # Lambda checks the role's rights on the queue when it creates the mapping.
    function = prod.one(FUNCTION, "delivery")

    assert "delivery-policy" in function.depends_on
    assert "delivery" in prod.one(MAPPING).depends_on


@pytest.mark.parametrize("concurrency", [1, 1001])
def test_a_maximum_concurrency_lambda_would_refuse_stops_the_program(tmp_path: Path, concurrency: int) -> None:
    with pytest.raises(ValueError, match=rf"scheduler:deliveryMaxConcurrency must be 2\.\.1000, got {concurrency}"):
        run_program(tmp_path, "prod", deliveryMaxConcurrency=concurrency)
