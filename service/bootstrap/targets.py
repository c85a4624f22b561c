"""The targets: the directory every function resolves runs with (the stored targets, and the
stack's own queue), and the operators' admin for the command line."""

from __future__ import annotations

from typing import Any

import boto3

from service.adapters.dynamo_targets import DynamoTargetStore
from service.bootstrap.aws import aws_client
from service.config import Settings
from service.services.target_admin import TargetAdmin
from service.services.targets import TargetDirectory


def target_directory(settings: Settings, dynamodb: Any) -> TargetDirectory:
    return TargetDirectory(DynamoTargetStore(dynamodb, settings.table_name), settings.queue_url)


def bootstrap_target_admin(
    table_name: str, stack_queue_url: str = "", *, session: boto3.Session | None = None, dynamodb: Any = None
) -> TargetAdmin:
    client = dynamodb if dynamodb is not None else aws_client(session, "dynamodb")
    return TargetAdmin(DynamoTargetStore(client, table_name), stack_queue_url)
