"""Least privilege: one role per function, only the calls it makes, only on its own ARNs,
and no wildcard that is not on the list below (each with the reason AWS gives no narrower name)."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.infra.program import ACCOUNT, REGION, Deployment

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

    assert len({f.inputs["role"] for f in functions}) == len(functions) == 2
    assert set(roles) == {f.inputs["role"] for f in functions}
    assert sorted(p.inputs["role"] for p in policies) == sorted(r.id for r in roles.values())
    for role in roles.values():
        (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}


def test_the_api_reaches_only_its_table_queue_and_log_group(prod: Deployment) -> None:
    statements = _statements(prod, "api-policy")
    table = prod.one("aws:dynamodb/table:Table").outputs["arn"]

    assert set(statements) == {"Table", "Deliver", "OwnLogs"}
    assert set(statements["Table"]["Action"]) == API_TABLE_ACTIONS
    assert statements["Table"]["Resource"] == table
    assert statements["Deliver"]["Action"] == ["sqs:SendMessage"]
    assert statements["Deliver"]["Resource"] == prod.named("data-deliveries").outputs["arn"]
    assert statements["OwnLogs"]["Resource"] == prod.named("api-logs").outputs["arn"] + ":*"
    assert set(statements["OwnLogs"]["Action"]) == {"logs:CreateLogStream", "logs:PutLogEvents"}


def test_the_dispatcher_reaches_only_its_table_due_index_queues_and_log_group(prod: Deployment) -> None:
    statements = _statements(prod, "dispatcher-policy")
    table = prod.one("aws:dynamodb/table:Table").outputs["arn"]

    assert set(statements) == {"Table", "DueIndex", "Deliver", "FailedTicks", "OwnLogs"}
    assert set(statements["Table"]["Action"]) == DISPATCHER_TABLE_ACTIONS
    assert statements["Table"]["Resource"] == table
    assert statements["DueIndex"] == {
        "Sid": "DueIndex",
        "Effect": "Allow",
        "Action": ["dynamodb:Query"],
        "Resource": f"{table}/index/due",
    }
    assert statements["Deliver"]["Resource"] == prod.named("data-deliveries").outputs["arn"]
    assert statements["FailedTicks"]["Resource"] == prod.named("dispatcher-failed-ticks").outputs["arn"]
    assert statements["OwnLogs"]["Resource"] == prod.named("dispatcher-logs").outputs["arn"] + ":*"


def test_every_statement_allows_and_none_patches_a_broad_allow_with_a_deny(every_shape: Deployment) -> None:
    # A Deny would be a sign of a broad Allow being patched; there is none.
    assert {s["Effect"] for _, d in _documents(every_shape) for s in d["Statement"]} == {"Allow"}
