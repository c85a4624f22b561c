"""The targets: the directory every function resolves runs with (the stored targets, and the
stack's own queue), and the operators' admin for the command line."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3

from service.adapters.dynamo_targets import DynamoTargetStore
from service.adapters.webhook_addresses import ResolvedAddressCheck
from service.adapters.webhook_sender import WebhookSender
from service.bootstrap.aws import aws_client
from service.config import Settings
from service.services.target_admin import TargetAdmin
from service.services.targets import TargetDirectory
from service.services.webhook_targets import WebhookTargets


def target_directory(settings: Settings, dynamodb: Any) -> TargetDirectory:
    return TargetDirectory(DynamoTargetStore(dynamodb, settings.table_name), settings.queue_url)


def bootstrap_target_admin(
    table_name: str, stack_queue_url: str = "", *, session: boto3.Session | None = None, dynamodb: Any = None
) -> TargetAdmin:
    client = dynamodb if dynamodb is not None else aws_client(session, "dynamodb")
    return TargetAdmin(DynamoTargetStore(client, table_name), stack_queue_url)


def bootstrap_webhook_admin(
    table_name: str, *, allow_loopback: bool = False, session: boto3.Session | None = None, dynamodb: Any = None
) -> WebhookTargets:
    """Webhooks registered by an operator (``scheduler targets add --webhook-url``), checked as
    a key's are: by the SSRF rules and a resolution of the host."""
    store = DynamoTargetStore(dynamodb if dynamodb is not None else aws_client(session, "dynamodb"), table_name)
    addresses = ResolvedAddressCheck(WebhookSender(allow_loopback=allow_loopback))
    directory = TargetDirectory(store, "", cache_ttl=timedelta(0))
    return WebhookTargets(store, directory, addresses, allow_loopback=allow_loopback)
