"""The table and the queues, as the program declares them."""

from __future__ import annotations

import json

from service.adapters.queue_schema import DELIVERY_TIMEOUT_SECONDS, HANDOFF
from service.adapters.table_schema import TABLE
from tests.infra.conftest import Deploy
from tests.infra.program import Deployment

TABLE_TYPE = "aws:dynamodb/table:Table"
QUEUE_TYPE = "aws:sqs/queue:Queue"


def test_table_keys_and_indexes_equal_the_shared_definition(prod: Deployment) -> None:
    table = prod.one(TABLE_TYPE).inputs
    expected = TABLE.create_table_args("ignored")

    key_schema = [
        {"AttributeName": table["hashKey"], "KeyType": "HASH"},
        {"AttributeName": table["rangeKey"], "KeyType": "RANGE"},
    ]
    attributes = sorted((a["name"], a["type"]) for a in table["attributes"])
    indexes = [
        {
            "IndexName": index["name"],
            "KeySchema": [{"AttributeName": k["attributeName"], "KeyType": k["keyType"]} for k in index["keySchemas"]],
            "Projection": {"ProjectionType": index["projectionType"]},
        }
        for index in table["globalSecondaryIndexes"]
    ]
    assert key_schema == expected["KeySchema"]
    assert attributes == sorted((a["AttributeName"], a["AttributeType"]) for a in expected["AttributeDefinitions"])
    assert indexes == expected["GlobalSecondaryIndexes"]
    assert table["billingMode"] == expected["BillingMode"] == "PAY_PER_REQUEST"


def test_table_keeps_backups_encrypts_and_expires_run_history(prod: Deployment) -> None:
    table = prod.one(TABLE_TYPE).inputs

    assert table["pointInTimeRecovery"] == {"enabled": True}
    assert table["serverSideEncryption"]["enabled"] is True
    assert table["ttl"] == {"attributeName": TABLE.ttl_attribute, "enabled": True}


def test_deletion_protection_is_on_for_non_dev_stacks_and_off_for_dev(deploy: Deploy) -> None:
    assert deploy("prod").one(TABLE_TYPE).inputs["deletionProtectionEnabled"] is True
    assert deploy("staging").one(TABLE_TYPE).inputs["deletionProtectionEnabled"] is True
    assert deploy("dev").one(TABLE_TYPE).inputs["deletionProtectionEnabled"] is False


def test_deletion_protection_follows_the_config_when_set(deploy: Deploy) -> None:
    assert deploy("prod", deletionProtection=False).one(TABLE_TYPE).inputs["deletionProtectionEnabled"] is False
    assert deploy("dev", deletionProtection=True).one(TABLE_TYPE).inputs["deletionProtectionEnabled"] is True


def test_deliveries_go_to_the_dead_letter_queue_after_the_configured_receives(deploy: Deploy) -> None:
    stack = deploy("prod", maxReceiveCount=7)
    queue = stack.named("data-deliveries").inputs
    dead_letters = stack.named("data-dead-letters").outputs

    assert json.loads(queue["redrivePolicy"]) == {"deadLetterTargetArn": dead_letters["arn"], "maxReceiveCount": 7}


def test_default_redrive_is_five_receives(prod: Deployment) -> None:
    assert json.loads(prod.named("data-deliveries").inputs["redrivePolicy"])["maxReceiveCount"] == 5


def test_the_delivery_queues_take_a_full_size_payload_with_its_attributes(prod: Deployment) -> None:
    for name in ("data-deliveries", "data-dead-letters"):
        assert prod.named(name).inputs["maxMessageSize"] == 1024 * 1024


def test_every_queue_is_encrypted_and_dead_letters_are_kept_longest(prod: Deployment) -> None:
    queues = {q.name: q.inputs for q in prod.of_type(QUEUE_TYPE)}

    assert set(queues) == {
        "data-deliveries",
        "data-dead-letters",
        "data-handoff",
        "data-handoff-dead-letters",
        "dispatcher-failed-ticks",
    }
    assert all(q["sqsManagedSseEnabled"] is True for q in queues.values())
    assert queues["data-dead-letters"]["messageRetentionSeconds"] > queues["data-deliveries"]["messageRetentionSeconds"]
    assert (
        queues["data-handoff-dead-letters"]["messageRetentionSeconds"]
        > queues["data-handoff"]["messageRetentionSeconds"]
    )
    assert queues["data-deliveries"]["visibilityTimeoutSeconds"] == 30


def test_fifo_makes_the_delivery_queue_and_its_dead_letters_fifo(deploy: Deploy) -> None:
    stack = deploy("prod", fifo=True)
    queue = stack.named("data-deliveries").inputs
    dead_letters = stack.named("data-dead-letters").inputs

    for q in (queue, dead_letters):
        assert q["fifoQueue"] is True
        assert q["name"].endswith(".fifo")
    # Deduplication comes from each message's occurrenceId, never from the body: two
    # occurrences of one job carry the same payload.
    assert queue["contentBasedDeduplication"] is False
    assert (queue["deduplicationScope"], queue["fifoThroughputLimit"]) == ("messageGroup", "perMessageGroupId")


def test_a_standard_stack_has_no_fifo_queue(prod: Deployment) -> None:
    assert not any(q.inputs.get("fifoQueue") for q in prod.of_type(QUEUE_TYPE))


def test_the_handoff_queue_is_the_shared_definition_with_dead_letters_after_ten_receives(prod: Deployment) -> None:
    queue = prod.named("data-handoff").inputs
    dead_letters = prod.named("data-handoff-dead-letters")

    assert queue["visibilityTimeoutSeconds"] == HANDOFF.visibility_timeout == 180
    assert queue["messageRetentionSeconds"] == HANDOFF.retention
    assert json.loads(queue["redrivePolicy"]) == {
        "deadLetterTargetArn": dead_letters.outputs["arn"],
        "maxReceiveCount": 10,
    }
    for inputs in (queue, dead_letters.inputs):
        assert inputs["maxMessageSize"] == HANDOFF.max_message_bytes == 1024 * 1024
        assert inputs["sqsManagedSseEnabled"] is True


def test_the_handoff_queue_hides_a_batch_for_six_times_the_delivery_functions_time_out(prod: Deployment) -> None:
    # Lambda's advice for an SQS source, and its rule: never less than the function's time-out.
    delivery = prod.one("aws:lambda/function:Function", "delivery").inputs

    assert delivery["timeout"] == DELIVERY_TIMEOUT_SECONDS
    assert prod.named("data-handoff").inputs["visibilityTimeoutSeconds"] == 6 * delivery["timeout"]


def test_the_handoff_queue_stays_standard_and_keeps_its_settings_whatever_the_delivery_queues_config(
    deploy: Deploy,
) -> None:
    stack = deploy("prod", fifo=True, maxReceiveCount=3, queueVisibilityTimeoutSeconds=60)
    queue = stack.named("data-handoff").inputs

    assert "fifoQueue" not in queue
    assert "name" not in queue  # Pulumi names it: two stacks in one account never collide
    assert queue["visibilityTimeoutSeconds"] == 180
    assert json.loads(queue["redrivePolicy"])["maxReceiveCount"] == 10
