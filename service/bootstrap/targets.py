"""The targets alone, for the command line: the table, and the stack's queue to show."""

from __future__ import annotations

from typing import Any

import boto3

from service.adapters.dynamo_targets import DynamoTargetStore
from service.bootstrap.aws import aws_client
from service.services.target_admin import TargetAdmin


def bootstrap_target_admin(
    table_name: str, stack_queue_url: str = "", *, session: boto3.Session | None = None, dynamodb: Any = None
) -> TargetAdmin:
    client = dynamodb if dynamodb is not None else aws_client(session, "dynamodb")
    return TargetAdmin(DynamoTargetStore(client, table_name), stack_queue_url)
