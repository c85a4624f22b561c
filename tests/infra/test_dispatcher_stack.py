"""The dispatcher's function, its tick and what happens to ticks that fail."""

from __future__ import annotations

import json

from tests.infra.conftest import Deploy
from tests.infra.program import Deployment

FUNCTION = "aws:lambda/function:Function"


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


def test_dispatcher_environment_names_the_table_queue_and_catch_up(prod: Deployment) -> None:
    env = prod.one(FUNCTION, "dispatcher").inputs["environment"]["variables"]

    assert env["SCHEDULER_TABLE_NAME"] == prod.one("aws:dynamodb/table:Table").outputs["name"]
    assert env["SCHEDULER_QUEUE_URL"] == prod.named("data-deliveries").outputs["url"]
    assert env["SCHEDULER_CATCH_UP_HOURS"] == "24"
    assert "SCHEDULER_LOOKAHEAD_SECONDS" not in env  # the service's own default applies


def test_catch_up_and_lookahead_come_from_the_config(deploy: Deploy) -> None:
    env = deploy("prod", catchUpHours=6, lookaheadSeconds=90).one(FUNCTION, "dispatcher").inputs["environment"]

    assert env["variables"]["SCHEDULER_CATCH_UP_HOURS"] == "6"
    assert env["variables"]["SCHEDULER_LOOKAHEAD_SECONDS"] == "90"


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
