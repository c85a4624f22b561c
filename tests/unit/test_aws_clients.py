"""The clients a function makes at its cold start come from one boto3 session: a session of
its own per client would read botocore's data files once per client."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from service.bootstrap import aws
from service.bootstrap.api import bootstrap_api
from service.bootstrap.delivery import bootstrap_delivery
from service.bootstrap.dispatcher import bootstrap_dispatcher
from service.config import Settings

SETTINGS = Settings.model_validate(
    {
        "table_name": "t",
        "queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
        "handoff_queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/handoff",
        "function_name": "scheduler-dispatcher",
    }
)


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> list[boto3.Session]:
    """Every default session made from here on (no call reaches AWS: clients are only made)."""
    made: list[boto3.Session] = []

    class CountedSession(boto3.Session):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
            made.append(self)

    monkeypatch.setattr(aws.boto3, "Session", CountedSession)
    return made


def test_the_apis_clients_come_from_one_default_session(sessions: list[boto3.Session]) -> None:
    bootstrap_api(SETTINGS)

    assert len(sessions) == 1


def test_the_dispatchers_three_clients_come_from_one_default_session(sessions: list[boto3.Session]) -> None:
    bootstrap_dispatcher(SETTINGS)

    assert len(sessions) == 1


def test_the_delivery_stages_clients_come_from_one_default_session(sessions: list[boto3.Session]) -> None:
    bootstrap_delivery(SETTINGS)

    assert len(sessions) == 1


def test_a_session_given_makes_every_client_and_no_default_session_is_made(sessions: list[boto3.Session]) -> None:
    given = boto3.session.Session(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    client = aws.client_factory(given)

    clients = [client("dynamodb"), client("sqs")]

    assert sessions == []
    assert [c.meta.service_model.service_name for c in clients] == ["dynamodb", "sqs"]
    assert all(c.meta.config.retries["mode"] == "standard" for c in clients)
