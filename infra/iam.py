"""IAM policy documents, least privilege: each function gets only the calls it makes, only
on its own table, index and queues. The dispatcher and the API hand runs to the delivery
stage's queue and send to no target; only the delivery function sends to targets, and only
to the queues the operator declared (infra/target_queues.py).

Wildcards: none in actions. In resources only where AWS names nothing narrower:
- a log group's streams (`<log-group-arn>:*`): Lambda creates a new stream name per execution
  environment, unknown in advance;
- a bucket's objects (`<bucket-arn>/*`): the web build's file names carry content hashes;
- an HTTP API's routes in the API Gateway invoke permission (`<execution-arn>/*`): every route
  of this one API invokes the same function.
"""

from __future__ import annotations

from typing import Any

Policy = dict[str, Any]

# Transactions need no action of their own: IAM checks each item's Put/Update/Delete/ConditionCheck.
# BatchGetItem and BatchWriteItem, by contrast, are actions of their own.
# API keys live in the same table, under keys of their own (no index): the API verifies one
# with GetItem and records its last use with UpdateItem. Issuing and revoking keys is not the
# function's work: `scheduler keys` does it with the operator's credentials. A page of
# schedules reads the large payloads kept apart from their schedules with BatchGetItem.
API_TABLE_ACTIONS = (
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)
DISPATCHER_TABLE_ACTIONS = (
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)
# The delivery function, per batch of hand-off messages:
# - BatchGetItem: the batch's schedules, read again (consistently) at their second, to
#   cancel the runs of schedules deleted, paused or changed since; and their large payloads,
#   kept apart from the schedules;
# - GetItem: one item by its key (a batch of one run, a payload alone);
# - Query: a namespace's targets (its `TARGETS#<namespace>` partition);
# - UpdateItem: each schedule records its run (conditional on the revision it was planned from);
# - BatchWriteItem, PutItem: the run-history items of a batch, or of one run.
# Nothing else: it deletes nothing and writes no transaction.
DELIVERY_TABLE_ACTIONS = (
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)
# What Lambda's SQS event source does with the function's role (receive, delete what the
# function handled, read the queue's attributes), and what the function does itself:
# ChangeMessageVisibility offers a run that failed for a passing reason again sooner.
HANDOFF_CONSUMER_ACTIONS = (
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
)
# SendMessageBatch is authorised by sqs:SendMessage; there is no action of its own.
SEND_ACTIONS = ("sqs:SendMessage",)
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


def document(*statements: Policy) -> Policy:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def lambda_assume_role() -> Policy:
    return document({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})


def logs_statement(log_group_arn: str) -> Policy:
    # Only its own log group; no logs:CreateLogGroup, the program creates the group with a retention.
    return {"Sid": "OwnLogs", "Effect": "Allow", "Action": list(LOG_ACTIONS), "Resource": f"{log_group_arn}:*"}


def api_policy(*, table_arn: str, handoff_arn: str, log_group_arn: str) -> Policy:
    return document(
        {"Sid": "Table", "Effect": "Allow", "Action": list(API_TABLE_ACTIONS), "Resource": table_arn},
        # The API hands "run now" and already-due runs to the delivery stage, as the dispatcher does.
        {"Sid": "HandOff", "Effect": "Allow", "Action": list(SEND_ACTIONS), "Resource": handoff_arn},
        logs_statement(log_group_arn),
    )


def dispatcher_policy(
    *, table_arn: str, due_index_arn: str, handoff_arn: str, failures_arn: str, log_group_arn: str
) -> Policy:
    return document(
        {"Sid": "Table", "Effect": "Allow", "Action": list(DISPATCHER_TABLE_ACTIONS), "Resource": table_arn},
        {"Sid": "DueIndex", "Effect": "Allow", "Action": ["dynamodb:Query"], "Resource": due_index_arn},
        {"Sid": "HandOff", "Effect": "Allow", "Action": list(SEND_ACTIONS), "Resource": handoff_arn},
        # Lambda sends the record of a failed asynchronous invocation with the function's own role.
        {"Sid": "FailedTicks", "Effect": "Allow", "Action": list(SEND_ACTIONS), "Resource": failures_arn},
        logs_statement(log_group_arn),
    )


def delivery_policy(
    *,
    table_arn: str,
    handoff_arn: str,
    handoff_dead_letter_arn: str,
    target_queue_arns: list[str],
    log_group_arn: str,
) -> Policy:
    """``target_queue_arns``: the declared target queues, each named (never a pattern).

    Webhooks need no statement: a Lambda outside a VPC reaches the internet by itself, and
    the service alone decides which addresses it calls (the SSRF rules).
    """
    return document(
        {"Sid": "Table", "Effect": "Allow", "Action": list(DELIVERY_TABLE_ACTIONS), "Resource": table_arn},
        {"Sid": "HandOff", "Effect": "Allow", "Action": list(HANDOFF_CONSUMER_ACTIONS), "Resource": handoff_arn},
        # A retry for later is a new hand-off message (with its attempt and a delay).
        {"Sid": "Retry", "Effect": "Allow", "Action": list(SEND_ACTIONS), "Resource": handoff_arn},
        # A copy of each webhook run given up on, for the dead-letter queue's alarm.
        {"Sid": "DeadLetters", "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": handoff_dead_letter_arn},
        {"Sid": "Targets", "Effect": "Allow", "Action": list(SEND_ACTIONS), "Resource": list(target_queue_arns)},
        logs_statement(log_group_arn),
    )


def invoke_itself_policy(*, function_arn: str) -> Policy:
    """Lets the dispatcher start invocations of itself (continuations, fan-out children), and
    of no other function.

    A policy of its own, attached once the function exists: the function needs its role
    first, so the role's main policy cannot name the function's ARN.
    """
    return document(
        {"Sid": "InvokeItself", "Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": function_arn}
    )


def events_to_queue_policy(*, queue_arn: str, rule_arn: str) -> Policy:
    """Lets the tick rule, and only it, park the events it could not deliver."""
    return document(
        {
            "Sid": "RuleDeadLetters",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
        }
    )


def cloudfront_reads_bucket_policy(*, bucket_arn: str, distribution_arn: str) -> Policy:
    """Origin access control: only this distribution reads the bucket; the bucket stays private."""
    return document(
        {
            "Sid": "CloudFrontReads",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": f"{bucket_arn}/*",
            "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
        }
    )
