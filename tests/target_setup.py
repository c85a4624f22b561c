"""Targets as an operator adds them, in the moto table of an API test."""

from __future__ import annotations

from service.adapters.dynamo_targets import DynamoTargetStore
from service.bootstrap.api import ApiContainer
from service.services.target_admin import TargetAdmin
from tests.conftest import Aws


def add_target(aws: Aws, container: ApiContainer, namespace: str, name: str, *, default: bool = False) -> str:
    """Adds an SQS target (``scheduler targets add``) and makes the API see it at once; its queue URL."""
    url = f"https://sqs.us-east-1.amazonaws.com/123456789012/{namespace}-{name}"
    TargetAdmin(DynamoTargetStore(aws.dynamodb, aws.table_name)).add_sqs(namespace, name, url, default=default)
    container.targets.forget(namespace)  # rather than wait out the directory's memory
    return url
