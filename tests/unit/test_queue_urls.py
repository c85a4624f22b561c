"""The queue URL an operator may give an ``sqs`` target: SQS's forms and an emulator's."""

from __future__ import annotations

import pytest

from service.domain.errors import ValidationFailed
from service.domain.queue_urls import check_sqs_queue_url


@pytest.mark.parametrize(
    "url",
    [
        "https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
        "https://sqs.eu-central-1.amazonaws.com/123456789012/jobs.fifo",
        "https://sqs.us-gov-west-1.amazonaws.com/123456789012/Jobs_2-b",
        "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/jobs",
        "https://eu-west-1.queue.amazonaws.com/123456789012/jobs",
        "https://queue.amazonaws.com/123456789012/jobs",
        "http://127.0.0.1:5000/123456789012/jobs",  # moto's server
        "http://localhost:4566/000000000000/jobs.fifo",  # LocalStack's
        "https://sqs.internal.example:8443/123456789012/jobs/",
        "http://[::1]:5000/123456789012/jobs",
        "http://local_stack:4566/000000000000/jobs",
        "https://sqs.us-east-1.amazonaws.com/123456789012/" + "q" * 80,
    ],
)
def test_an_sqs_queue_url_of_aws_or_an_emulator_is_taken(url: str) -> None:
    assert check_sqs_queue_url(url) == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "must start with https://"),
        ("ftp://sqs.us-east-1.amazonaws.com/123456789012/jobs", "must start with https://"),
        ("arn:aws:sqs:us-east-1:123456789012:jobs", "must start with https://"),
        ("https:///123456789012/jobs", "no valid host"),
        ("https://bad..host/123456789012/jobs", "no valid host"),
        ("https://user:pw@sqs.us-east-1.amazonaws.com/123456789012/jobs", "user name or password"),
        ("https://sqs.us-east-1.amazonaws.com/123456789012/jobs?Action=SendMessage", "query or a fragment"),
        ("https://sqs.us-east-1.amazonaws.com/123456789012/jobs#x", "query or a fragment"),
        ("http://127.0.0.1:99999/123456789012/jobs", "port"),
        ("https://sqs.us-east-1.amazonaws.com:443/123456789012/jobs", "without a port"),
        ("http://sqs.us-east-1.amazonaws.com/123456789012/jobs", "an AWS queue URL is https"),
        ("https://sqs.amazonaws.com/123456789012/jobs", "is not an SQS endpoint"),
        ("https://sns.us-east-1.amazonaws.com/123456789012/jobs", "is not an SQS endpoint"),
        ("https://sqs.us-east-1.amazonaws.com/jobs", "path must be /<account>/<queue name>"),
        ("https://sqs.us-east-1.amazonaws.com/123456789012/jobs/more", "path must be"),
        ("https://sqs.us-east-1.amazonaws.com/12345678901x/jobs", "is not an account id"),
        ("https://sqs.us-east-1.amazonaws.com/123456789012/jobs.txt", "is not a queue name"),
        ("https://sqs.us-east-1.amazonaws.com/123456789012/" + "q" * 81, "is not a queue name"),
        ("https://sqs.us-east-1.amazonaws.com/123456789012/" + "q" * 76 + ".fifo", "is not a queue name"),
        ("https://sqs.us-east-1.amazonaws.com/123456789012/jo bs", "without spaces"),
        ("https://example.com/" + "x" * 3000, "up to 2048 characters"),
    ],
)
def test_anything_else_is_refused_with_the_rule_it_breaks(url: str, reason: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_sqs_queue_url(url, field="sqs-queue-url")

    (problem,) = refused.value.problems
    assert problem.field == "sqs-queue-url"
    assert reason in problem.message
    assert "expected https://sqs.<region>.amazonaws.com/" in problem.message
    assert len(problem.message) < 700  # a 3000-character URL is not echoed back whole
