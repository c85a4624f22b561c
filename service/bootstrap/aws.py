"""The AWS clients the functions use, all built alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config

from service.adapters.sqs_handoff import SqsHandOff
from service.config import ConfigError, Settings

# botocore's "standard" mode retries throttling and connection errors with backoff.
AWS_CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 5},
    connect_timeout=3,
    read_timeout=10,
)


def aws_client(session: boto3.Session | None, service: str) -> Any:
    """A client of ``service`` from ``session`` (boto3's default one when None)."""
    return (session or boto3.Session()).client(service, config=AWS_CLIENT_CONFIG)  # type: ignore[call-overload]


def client_factory(session: boto3.Session | None) -> Callable[[str], Any]:
    """``aws_client`` of ``session`` for each service asked, or of one default session made at
    the first: every new session reads botocore's data files again, which is most of the
    cost of a client at a cold start."""
    shared = session

    def client(service: str) -> Any:
        nonlocal shared
        if shared is None:
            shared = boto3.Session()
        return aws_client(shared, service)

    return client


def sqs_handoff(settings: Settings, sqs: Any, clock: Callable[[], datetime]) -> SqsHandOff:
    """The delivery stage's queue on SQS, which the settings must name."""
    if not settings.handoff_queue_url:
        raise ConfigError([(Settings.variable("handoff_queue_url"), "must be set")])
    return SqsHandOff.over(sqs, settings.handoff_queue_url, clock)
