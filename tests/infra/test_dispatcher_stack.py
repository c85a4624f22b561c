"""The dispatcher's function, its tick and what happens to ticks that fail."""

from __future__ import annotations

import json

import pytest

from tests.infra.conftest import Deploy
from tests.infra.program import Deployment

FUNCTION = "aws:lambda/function:Function"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def test_the_rule_ticks_the_dispatcher_every_minute(prod: Deployment) -> None:
    rule = prod.one("aws:cloudwatch/eventRule:EventRule")
    target = prod.one("aws:cloudwatch/eventTarget:EventTarget").inputs
    dispatcher = prod.one(FUNCTION, "dispatcher")

    assert rule.inputs["scheduleExpression"] == "rate(1 minute)"
    assert target["rule"] == rule.outputs["name"]
    assert target["arn"] == dispatcher.outputs["arn"]
    assert dispatcher.inputs["handler"] == "service.entrypoints.lambda_dispatcher.handler"


def test_only_the_rule_may_invoke_the_dispatcher(prod: Deployment) -> None:
    rule = prod.one("aws:cloudwatch/eventRule:EventRule")
    permission = prod.named("dispatcher-invoked-by-tick").inputs

    assert permission["principal"] == "events.amazonaws.com"
    assert permission["action"] == "lambda:InvokeFunction"
    assert permission["function"] == prod.one(FUNCTION, "dispatcher").outputs["name"]
    assert permission["sourceArn"] == rule.outputs["arn"]


def test_a_failed_tick_is_retried_briefly_then_parked_in_its_own_queue(prod: Deployment) -> None:
    target = prod.one("aws:cloudwatch/eventTarget:EventTarget").inputs
    invoke_config = prod.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").inputs
    failures = prod.named("dispatcher-failed-ticks").outputs

    assert target["retryPolicy"] == {"maximumRetryAttempts": 2, "maximumEventAgeInSeconds": 120}
    assert target["deadLetterConfig"] == {"arn": failures["arn"]}
    assert invoke_config["maximumRetryAttempts"] == 0
    assert invoke_config["maximumEventAgeInSeconds"] == 120
    assert invoke_config["destinationConfig"]["onFailure"]["destination"] == failures["arn"]


def test_the_failed_ticks_queue_accepts_messages_from_the_rule_only(prod: Deployment) -> None:
    policy = json.loads(prod.one("aws:sqs/queuePolicy:QueuePolicy").inputs["policy"])
    (statement,) = policy["Statement"]

    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"] == {
        "ArnEquals": {"aws:SourceArn": prod.one("aws:cloudwatch/eventRule:EventRule").outputs["arn"]}
    }


def test_dispatcher_environment_names_the_table_and_queues_and_leaves_the_rest_to_the_services_defaults(
    prod: Deployment,
) -> None:
    env = prod.one(FUNCTION, "dispatcher").inputs["environment"]["variables"]

    assert env == {
        "SCHEDULER_TABLE_NAME": prod.one("aws:dynamodb/table:Table").outputs["name"],
        "SCHEDULER_QUEUE_URL": prod.named("data-deliveries").outputs["url"],
        # Where it hands every run: the delivery stage's queue.
        "SCHEDULER_HANDOFF_QUEUE_URL": prod.named("data-handoff").outputs["url"],
    }


def test_catch_up_lookahead_retention_and_invocations_come_from_the_config(deploy: Deploy) -> None:
    stack = deploy("prod", catchUpHours=6, lookaheadSeconds=90, runRetentionDays=7, dispatchInvocations=4)
    env = stack.one(FUNCTION, "dispatcher").inputs["environment"]["variables"]

    assert env["SCHEDULER_CATCH_UP_HOURS"] == "6"
    assert env["SCHEDULER_LOOKAHEAD_SECONDS"] == "90"
    assert env["SCHEDULER_RUN_RETENTION_DAYS"] == "7"
    assert env["SCHEDULER_DISPATCH_INVOCATIONS"] == "4"


@pytest.mark.parametrize("invocations", [1, 3])
def test_the_dispatcher_may_invoke_itself_and_nothing_else_for_its_continuations_and_children(
    deploy: Deploy, invocations: int
) -> None:
    stack = deploy("prod", dispatchInvocations=invocations)
    dispatcher = stack.one(FUNCTION, "dispatcher")
    invoke_itself = stack.named("dispatcher-fan-out")

    assert json.loads(invoke_itself.inputs["policy"])["Statement"] == [
        {
            "Sid": "InvokeItself",
            "Effect": "Allow",
            "Action": ["lambda:InvokeFunction"],
            "Resource": dispatcher.outputs["arn"],
        }
    ]
    assert invoke_itself.inputs["role"] == stack.named("dispatcher-role").outputs["name"]
    assert dispatcher.inputs["role"] == stack.named("dispatcher-role").outputs["arn"]
    for policy in stack.of_type(ROLE_POLICY):
        assert ("lambda:" in policy.inputs["policy"]) == (policy.name == "dispatcher-fan-out"), policy.name


def test_the_first_tick_waits_for_the_right_to_invoke_itself(prod: Deployment) -> None:
    target = prod.one("aws:cloudwatch/eventTarget:EventTarget")

    assert {"dispatcher-fan-out", "dispatcher-invoked-by-tick"} <= set(target.depends_on)


def test_children_share_the_ticks_asynchronous_settings_no_retry_and_a_failure_queue(deploy: Deploy) -> None:
    # Children are asynchronous invocations of the same, unqualified function: one config covers them.
    stack = deploy("prod", dispatchInvocations=3)
    invoke_config = stack.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").inputs

    assert invoke_config["functionName"] == stack.one(FUNCTION, "dispatcher").outputs["name"]
    assert "qualifier" not in invoke_config
    assert invoke_config["maximumRetryAttempts"] == 0
    assert invoke_config["maximumEventAgeInSeconds"] == 120
    assert (
        invoke_config["destinationConfig"]["onFailure"]["destination"]
        == stack.named("dispatcher-failed-ticks").outputs["arn"]
    )


def test_dispatcher_reserves_no_concurrency_unless_configured(deploy: Deploy) -> None:
    assert deploy("prod").one(FUNCTION, "dispatcher").inputs.get("reservedConcurrentExecutions") is None
    configured = deploy("prod", dispatcherReservedConcurrency=3).one(FUNCTION, "dispatcher")
    assert configured.inputs["reservedConcurrentExecutions"] == 3


def test_functions_run_python_3_13_on_arm64_by_default_and_x86_64_by_config(deploy: Deploy) -> None:
    for function in deploy("prod").of_type(FUNCTION):
        assert function.inputs["runtime"] == "python3.13"
        assert function.inputs["architectures"] == ["arm64"]
    for function in deploy("prod", architecture="x86_64").of_type(FUNCTION):
        assert function.inputs["architectures"] == ["x86_64"]


def test_functions_deploy_the_given_bundle_with_its_hash(prod: Deployment) -> None:
    hashes = {f.inputs["sourceCodeHash"] for f in prod.of_type(FUNCTION)}

    assert len(hashes) == 1
    assert len(next(iter(hashes))) == 44  # base64 of a SHA-256, as Lambda reports CodeSha256
