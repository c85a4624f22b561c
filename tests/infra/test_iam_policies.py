"""Least privilege: one role per function, only the calls it makes, only on its own ARNs,
and no wildcard that is not on the list below (each with the reason AWS gives no narrower name)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from infra.target_queues import check_target_queue_arns
from tests.infra.conftest import DECLARED_QUEUES, NAMESPACES
from tests.infra.program import ACCOUNT, REGION, Deployment, run_program

# Resource wildcards AWS leaves no narrower choice for. Nothing else may contain "*".
ALLOWED_RESOURCE_WILDCARDS = {
    # Lambda names a new log stream per execution environment.
    rf"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/scheduler/[a-z-]+/[a-z-]+:\*": "log streams of one group",
    # The web build names files by content hash.
    r"arn:aws:s3:::[a-z0-9.-]+/\*": "objects of the one web bucket",
    # Every route of the one HTTP API invokes the same function.
    rf"arn:aws:execute-api:{REGION}:{ACCOUNT}:[a-z0-9-]+/\*": "routes of the one HTTP API",
}

API_TABLE_ACTIONS = {
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    # TransactWriteItems is authorised item by item; a condition-only item needs this.
    "dynamodb:ConditionCheckItem",
    # A page of schedules reads their large payloads in batches.
    "dynamodb:BatchGetItem",
}
DISPATCHER_TABLE_ACTIONS = API_TABLE_ACTIONS | {"dynamodb:BatchWriteItem"}
# The delivery function deletes nothing and writes no transaction.
DELIVERY_TABLE_ACTIONS = {
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",  # the batch's schedules, read again at their second
    "dynamodb:Query",  # a namespace's targets
    "dynamodb:UpdateItem",  # a schedule records its run
    "dynamodb:PutItem",  # a run-history item
    "dynamodb:BatchWriteItem",  # a batch's run-history items
}
# What Lambda's SQS event source does with the role, and the function's shorter visibility for a retry.
HANDOFF_CONSUMER_ACTIONS = {
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ChangeMessageVisibility",
}


def _documents(stack: Deployment) -> list[tuple[str, dict[str, Any]]]:
    sources = [
        ("aws:iam/rolePolicy:RolePolicy", "policy"),
        ("aws:iam/role:Role", "assumeRolePolicy"),
        ("aws:sqs/queuePolicy:QueuePolicy", "policy"),
        ("aws:s3/bucketPolicy:BucketPolicy", "policy"),
    ]
    return [(r.name, json.loads(r.inputs[key])) for type_, key in sources for r in stack.of_type(type_)]


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _statements(stack: Deployment, policy_name: str) -> dict[str, dict[str, Any]]:
    policy = json.loads(stack.named(policy_name).inputs["policy"])
    return {s["Sid"]: s for s in policy["Statement"]}


def _allowed(resource: str) -> bool:
    return any(re.fullmatch(pattern, resource) for pattern in ALLOWED_RESOURCE_WILDCARDS)


def test_no_action_anywhere_is_a_wildcard(every_shape: Deployment) -> None:
    documents = _documents(every_shape)

    assert len(documents) >= 6
    for name, document in documents:
        for statement in document["Statement"]:
            for action in _as_list(statement["Action"]):
                assert "*" not in action, f"{name}: wildcard action {action}"


def test_every_resource_wildcard_is_on_the_allowed_list(every_shape: Deployment) -> None:
    resources = [
        (name, resource)
        for name, document in _documents(every_shape)
        for statement in document["Statement"]
        for resource in _as_list(statement.get("Resource", []))
    ]
    resources += [(p.name, p.inputs["sourceArn"]) for p in every_shape.of_type("aws:lambda/permission:Permission")]

    for name, resource in resources:
        assert "*" not in resource or _allowed(resource), f"{name}: wildcard resource {resource}"


def test_the_wildcard_check_catches_a_broad_resource() -> None:
    assert not _allowed("*")
    assert not _allowed(f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/*")
    assert not _allowed(f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*")


def test_each_function_has_a_role_of_its_own_with_one_main_policy(prod: Deployment) -> None:
    # The dispatcher's role has a second one, to invoke itself: tests/infra/test_dispatcher_stack.py.
    functions = prod.of_type("aws:lambda/function:Function")
    roles = {r.outputs["arn"]: r for r in prod.of_type("aws:iam/role:Role")}
    policies = [p for p in prod.of_type("aws:iam/rolePolicy:RolePolicy") if p.name != "dispatcher-fan-out"]

    assert len({f.inputs["role"] for f in functions}) == len(functions) == 3
    assert set(roles) == {f.inputs["role"] for f in functions}
    assert sorted(p.inputs["role"] for p in policies) == sorted(r.id for r in roles.values())
    for role in roles.values():
        (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}


def test_the_api_reaches_only_its_table_the_handoff_queue_and_its_log_group(prod: Deployment) -> None:
    statements = _statements(prod, "api-policy")
    table = prod.one("aws:dynamodb/table:Table").outputs["arn"]

    assert set(statements) == {"Table", "HandOff", "OwnLogs"}
    assert set(statements["Table"]["Action"]) == API_TABLE_ACTIONS
    assert statements["Table"]["Resource"] == table
    assert statements["HandOff"]["Action"] == ["sqs:SendMessage"]
    assert statements["HandOff"]["Resource"] == prod.named("data-handoff").outputs["arn"]
    assert statements["OwnLogs"]["Resource"] == prod.named("api-logs").outputs["arn"] + ":*"
    assert set(statements["OwnLogs"]["Action"]) == {"logs:CreateLogStream", "logs:PutLogEvents"}


def test_the_dispatcher_reaches_only_its_table_due_index_queues_and_log_group(prod: Deployment) -> None:
    statements = _statements(prod, "dispatcher-policy")
    table = prod.one("aws:dynamodb/table:Table").outputs["arn"]

    assert set(statements) == {"Table", "DueIndex", "HandOff", "FailedTicks", "OwnLogs"}
    assert set(statements["Table"]["Action"]) == DISPATCHER_TABLE_ACTIONS
    assert statements["Table"]["Resource"] == table
    assert statements["DueIndex"] == {
        "Sid": "DueIndex",
        "Effect": "Allow",
        "Action": ["dynamodb:Query"],
        "Resource": f"{table}/index/due",
    }
    assert statements["HandOff"] == {
        "Sid": "HandOff",
        "Effect": "Allow",
        "Action": ["sqs:SendMessage"],
        "Resource": prod.named("data-handoff").outputs["arn"],
    }
    assert statements["FailedTicks"]["Resource"] == prod.named("dispatcher-failed-ticks").outputs["arn"]
    assert statements["OwnLogs"]["Resource"] == prod.named("dispatcher-logs").outputs["arn"] + ":*"


def test_every_statement_allows_and_none_patches_a_broad_allow_with_a_deny(every_shape: Deployment) -> None:
    # A Deny would be a sign of a broad Allow being patched; there is none.
    assert {s["Effect"] for _, d in _documents(every_shape) for s in d["Statement"]} == {"Allow"}


@pytest.mark.parametrize("function", ["api", "dispatcher"])
def test_the_api_and_the_dispatcher_send_to_no_target_queue(with_targets: Deployment, function: str) -> None:
    # Every run goes through the delivery stage, which alone may reach a target.
    policy = with_targets.named(f"{function}-policy").inputs["policy"]
    targets = [with_targets.named(name).outputs["arn"] for name in ("data-deliveries", "ns-team-a-queue")]

    for arn in [*targets, *DECLARED_QUEUES]:
        assert arn not in policy


def test_the_delivery_function_reads_and_records_in_its_table_and_consumes_the_handoff_queue(
    prod: Deployment,
) -> None:
    statements = _statements(prod, "delivery-policy")
    handoff = prod.named("data-handoff").outputs["arn"]

    assert set(statements) == {"Table", "HandOff", "Retry", "DeadLetters", "Targets", "OwnLogs"}
    assert set(statements["Table"]["Action"]) == DELIVERY_TABLE_ACTIONS
    assert statements["Table"]["Resource"] == prod.one("aws:dynamodb/table:Table").outputs["arn"]
    assert set(statements["HandOff"]["Action"]) == HANDOFF_CONSUMER_ACTIONS
    assert statements["HandOff"]["Resource"] == handoff
    # A retry for later is a new hand-off message.
    assert (statements["Retry"]["Action"], statements["Retry"]["Resource"]) == (["sqs:SendMessage"], handoff)
    assert statements["OwnLogs"]["Resource"] == prod.named("delivery-logs").outputs["arn"] + ":*"


def test_the_delivery_function_alone_puts_a_copy_of_a_failed_webhook_run_in_the_handoff_dead_letter_queue(
    prod: Deployment,
) -> None:
    dead_letters = prod.named("data-handoff-dead-letters").outputs["arn"]

    statement = _statements(prod, "delivery-policy")["DeadLetters"]
    naming_it = [name for name, document in _documents(prod) if dead_letters in json.dumps(document)]

    assert (statement["Action"], statement["Resource"]) == (["sqs:SendMessage"], dead_letters)
    assert naming_it == ["delivery-policy"]


def test_by_default_the_delivery_function_sends_to_the_stack_queue_alone(prod: Deployment) -> None:
    targets = _statements(prod, "delivery-policy")["Targets"]

    assert targets["Action"] == ["sqs:SendMessage"]
    assert targets["Resource"] == [prod.named("data-deliveries").outputs["arn"]]


def test_the_delivery_function_sends_to_exactly_the_declared_target_queues(with_targets: Deployment) -> None:
    targets = _statements(with_targets, "delivery-policy")["Targets"]

    assert targets["Resource"] == [
        with_targets.named("data-deliveries").outputs["arn"],
        with_targets.named("ns-team-a-queue").outputs["arn"],
        with_targets.named("ns-team-b-queue").outputs["arn"],
        *DECLARED_QUEUES,
    ]


def test_no_statement_but_the_delivery_functions_targets_names_a_target_queue(with_targets: Deployment) -> None:
    namespace_queues = [
        with_targets.named(f"ns-{ns}-{kind}").outputs["arn"] for ns in NAMESPACES for kind in ("queue", "dlq")
    ]
    sends = [
        (name, statement)
        for name, document in _documents(with_targets)
        for statement in document["Statement"]
        if any(arn in _as_list(statement.get("Resource", [])) for arn in [*namespace_queues, *DECLARED_QUEUES])
    ]

    assert [(name, statement["Sid"]) for name, statement in sends] == [("delivery-policy", "Targets")]


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:sns:us-east-1:123456789012:alerts",  # a topic, not a queue
        "arn:aws:sqs:us-east-1:123456789012:*",  # a wildcard
        "arn:aws:sqs:us-east-1:123456789012:orders-*",
        "arn:aws:sqs:us-east-1:12345:orders",  # no account
        "https://sqs.us-east-1.amazonaws.com/123456789012/orders",  # a URL
        "arn:aws:sqs:us-east-1:123456789012:" + "q" * 81,  # longer than SQS allows
        "",
    ],
)
def test_a_declared_target_that_is_not_one_sqs_queues_arn_stops_the_program_naming_the_key(
    tmp_path: Path, arn: str
) -> None:
    message = r"scheduler:targetQueueArns\[1\] must be the ARN of one SQS queue"
    with pytest.raises(ValueError, match=message):
        run_program(tmp_path, "prod", targetQueueArns=[DECLARED_QUEUES[0], arn])


def test_a_target_queue_declared_twice_stops_the_program(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"scheduler:targetQueueArns\[1\] repeats"):
        run_program(tmp_path, "prod", targetQueueArns=[DECLARED_QUEUES[0], DECLARED_QUEUES[0]])


def test_queue_arns_of_every_partition_and_fifo_queues_are_accepted() -> None:
    check_target_queue_arns(
        [
            "arn:aws:sqs:eu-west-1:123456789012:orders",
            "arn:aws-cn:sqs:cn-north-1:123456789012:orders_v2",
            "arn:aws-us-gov:sqs:us-gov-west-1:123456789012:orders.fifo",
            "arn:aws:sqs:ap-southeast-2:123456789012:" + "q" * 75 + ".fifo",
        ]
    )
