"""A queue of its own for each namespace the config lists, and the refusal of a bad list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.infra.conftest import NAMESPACES, Deploy
from tests.infra.program import Deployment, run_program

QUEUE_TYPE = "aws:sqs/queue:Queue"
# Pulumi names a standard queue after its resource plus "-" and 7 characters; SQS takes 80.
AUTO_NAME_SUFFIX = 8
SQS_NAME_LIMIT = 80


def _namespace_queues(stack: Deployment) -> dict[str, dict[str, object]]:
    return {q.name: q.inputs for q in stack.of_type(QUEUE_TYPE) if q.parent_type == "scheduler:index:NamespaceQueues"}


def test_a_stack_without_namespace_queues_creates_none_and_exports_empty_maps(prod: Deployment) -> None:
    assert _namespace_queues(prod) == {}
    assert prod.outputs["namespaceQueueUrls"] == {}
    assert prod.outputs["namespaceDeadLetterQueueUrls"] == {}


def test_each_listed_namespace_gets_a_queue_that_redrives_to_dead_letters_of_its_own(with_targets: Deployment) -> None:
    queues = _namespace_queues(with_targets)

    assert set(queues) == {"ns-team-a-queue", "ns-team-a-dlq", "ns-team-b-queue", "ns-team-b-dlq"}
    for namespace in NAMESPACES:
        redrive = json.loads(str(queues[f"ns-{namespace}-queue"]["redrivePolicy"]))
        assert redrive["deadLetterTargetArn"] == with_targets.named(f"ns-{namespace}-dlq").outputs["arn"]
    assert all(q["sqsManagedSseEnabled"] is True for q in queues.values())


def test_the_stack_exports_each_namespaces_queue_url_by_namespace(with_targets: Deployment) -> None:
    assert with_targets.outputs["namespaceQueueUrls"] == {
        namespace: with_targets.named(f"ns-{namespace}-queue").outputs["url"] for namespace in NAMESPACES
    }
    assert with_targets.outputs["namespaceDeadLetterQueueUrls"] == {
        namespace: with_targets.named(f"ns-{namespace}-dlq").outputs["url"] for namespace in NAMESPACES
    }


def test_namespace_queues_take_the_stack_queues_settings_and_stay_standard(deploy: Deploy) -> None:
    stack = deploy("prod", namespaceQueues=("team-a",), fifo=True, maxReceiveCount=7, queueVisibilityTimeoutSeconds=45)
    stack_queue = stack.named("data-deliveries").inputs
    queue = stack.named("ns-team-a-queue").inputs

    assert json.loads(queue["redrivePolicy"])["maxReceiveCount"] == 7
    assert queue["visibilityTimeoutSeconds"] == stack_queue["visibilityTimeoutSeconds"] == 45
    assert queue["messageRetentionSeconds"] == stack_queue["messageRetentionSeconds"]
    assert queue["maxMessageSize"] == stack_queue["maxMessageSize"]
    assert "fifoQueue" not in queue
    assert "name" not in queue  # Pulumi names it


def test_the_longest_namespace_still_gives_queue_names_sqs_accepts(deploy: Deploy) -> None:
    longest = "n" * 63
    queues = _namespace_queues(deploy("prod", namespaceQueues=(longest,)))

    assert len(queues) == 2
    for name in queues:
        assert len(name) + AUTO_NAME_SUFFIX <= SQS_NAME_LIMIT, name


def test_namespaces_whose_names_overlap_get_distinct_queues(deploy: Deploy) -> None:
    # "x-dlq"'s queue and "x"'s dead letters must not be one resource.
    queues = _namespace_queues(deploy("prod", namespaceQueues=("x", "x-dlq", "x-queue")))

    assert len(queues) == 6


@pytest.mark.parametrize(
    ("namespaces", "message"),
    [
        (["team-a", "Team_B"], r"scheduler:namespaceQueues\[1\]: 'Team_B' is not a namespace"),
        (["-team"], r"scheduler:namespaceQueues\[0\]: '-team' is not a namespace"),
        (["n" * 64], r"scheduler:namespaceQueues\[0\]: 'n{64}' is not a namespace"),
        ([""], r"scheduler:namespaceQueues\[0\]: '' is not a namespace"),
        ([123], r"scheduler:namespaceQueues\[0\] must be a namespace name, got 123 \(set it with --type string\)"),
        (["team-a", "team-a"], r"scheduler:namespaceQueues\[1\] repeats 'team-a'"),
    ],
)
def test_a_list_with_a_bad_namespace_stops_the_program_naming_the_key_and_the_entry(
    tmp_path: Path, namespaces: list[object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        run_program(tmp_path, "prod", namespaceQueues=namespaces)


def test_a_namespace_set_without_path_stops_the_program_with_the_command_to_use(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"scheduler:namespaceQueues must be a list \(pulumi config set --path"):
        run_program(tmp_path, "prod", namespaceQueues="team-a")
