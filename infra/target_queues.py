"""The queues an operator declares as delivery targets, and the rules their config keys follow.

The delivery function may send to these queues and to no other (infra/iam.py): the stack's
own queue, one queue per namespace listed in `scheduler:namespaceQueues` (the program
creates them, infra/namespace_queues.py) and the existing queues listed by ARN in
`scheduler:targetQueueArns` (managed elsewhere). A target a namespace stores with
`scheduler targets add` reaches its queue only if the queue is one of them: a key can
never make the service write to a queue the operator did not declare here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import pulumi

from service.domain.errors import ValidationFailed
from service.domain.keys import check_namespace

NAMESPACE_QUEUES_KEY = "namespaceQueues"
TARGET_QUEUE_ARNS_KEY = "targetQueueArns"
# An SQS queue's ARN: any partition (aws, aws-cn, aws-us-gov, ...), a region, an account,
# and a queue name SQS would accept (letters, digits, '-' and '_', `.fifo` last, 80 at most).
SQS_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:sqs:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:(?P<name>[A-Za-z0-9_-]+(?:\.fifo)?)")
MAX_QUEUE_NAME = 80
# SQS event source mappings take a maximum concurrency of 2 to 1000 (Lambda's ScalingConfig).
DELIVERY_CONCURRENCY = (2, 1000)


def read_list(config: pulumi.Config, key: str) -> tuple[object, ...] | None:
    """A list-valued key (``pulumi config set --path 'key[0]' value``); None when unset."""
    text = config.get(key)
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = text
    if not isinstance(value, list):
        raise ValueError(f"scheduler:{key} must be a list (pulumi config set --path '{key}[0]' ...), got {text!r}")
    return tuple(value)


def check_namespace_queues(namespaces: Sequence[object]) -> None:
    """Each entry a namespace (the rule of service/domain/keys.py), each once."""
    for index, namespace in enumerate(namespaces):
        where = f"scheduler:{NAMESPACE_QUEUES_KEY}[{index}]"
        if not isinstance(namespace, str):
            # `pulumi config set --path` stores 123 or true as a number or a boolean.
            raise ValueError(f"{where} must be a namespace name, got {namespace!r} (set it with --type string)")
        try:
            check_namespace(namespace)
        except ValidationFailed as exc:
            raise ValueError(f"{where}: {exc.problems[0].message}") from None
    _refuse_repeats(NAMESPACE_QUEUES_KEY, namespaces)


def check_target_queue_arns(arns: Sequence[object]) -> None:
    """Each entry one SQS queue's ARN (no wildcard can pass: `*` is in no queue name), each once."""
    for index, arn in enumerate(arns):
        where = f"scheduler:{TARGET_QUEUE_ARNS_KEY}[{index}]"
        matched = SQS_ARN.fullmatch(arn) if isinstance(arn, str) else None
        if matched is None or len(matched["name"]) > MAX_QUEUE_NAME:
            raise ValueError(
                f"{where} must be the ARN of one SQS queue (arn:aws:sqs:<region>:<account>:<queue name>), got {arn!r}"
            )
    _refuse_repeats(TARGET_QUEUE_ARNS_KEY, arns)


def check_delivery_concurrency(value: int) -> None:
    low, high = DELIVERY_CONCURRENCY
    if not low <= value <= high:
        raise ValueError(f"scheduler:deliveryMaxConcurrency must be {low}..{high}, got {value}")


def _refuse_repeats(key: str, values: Sequence[object]) -> None:
    seen: set[object] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise ValueError(f"scheduler:{key}[{index}] repeats {value!r}")
        seen.add(value)
