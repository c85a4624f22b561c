"""The API keys alone, for the command line: no queue, no settings beyond the table."""

from __future__ import annotations

from typing import Any

import boto3

from service.adapters.dynamo_keys import DynamoKeyStore
from service.bootstrap.aws import aws_client
from service.services.keys import KeyService


def bootstrap_keys(table_name: str, *, session: boto3.Session | None = None, dynamodb: Any = None) -> KeyService:
    return KeyService(DynamoKeyStore(dynamodb if dynamodb is not None else aws_client(session, "dynamodb"), table_name))
