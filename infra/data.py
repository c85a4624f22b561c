"""The data a deployment keeps: the schedules table, the delivery queue and the delivery stage's
hand-off queue (the runs on their way to their targets), each with its dead letters."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.queues import queue_with_dead_letters
from service.adapters.queue_schema import HANDOFF, QueueDefinition
from service.adapters.table_schema import DUE_INDEX, TABLE


@dataclass(frozen=True)
class DataArgs:
    stack: str
    deletion_protection: bool
    queue: QueueDefinition


class Data(pulumi.ComponentResource):
    table_name: pulumi.Output[str]
    table_arn: pulumi.Output[str]
    due_index_arn: pulumi.Output[str]
    queue_url: pulumi.Output[str]
    queue_arn: pulumi.Output[str]
    queue_name: pulumi.Output[str]
    dead_letter_url: pulumi.Output[str]
    dead_letter_arn: pulumi.Output[str]
    dead_letter_name: pulumi.Output[str]
    handoff_url: pulumi.Output[str]
    handoff_arn: pulumi.Output[str]
    handoff_name: pulumi.Output[str]
    handoff_dead_letter_url: pulumi.Output[str]
    handoff_dead_letter_arn: pulumi.Output[str]
    handoff_dead_letter_name: pulumi.Output[str]

    def __init__(self, name: str, args: DataArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("scheduler:index:Data", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        table = aws.dynamodb.Table(
            f"{name}-table",
            billing_mode=TABLE.billing_mode,
            hash_key=TABLE.partition_key,
            range_key=TABLE.sort_key,
            attributes=[aws.dynamodb.TableAttributeArgs(name=n, type=t) for n, t in TABLE.attribute_types.items()],
            global_secondary_indexes=[
                aws.dynamodb.TableGlobalSecondaryIndexArgs(
                    name=index.name,
                    key_schemas=[
                        aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                            attribute_name=index.partition_key, key_type="HASH"
                        ),
                        aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                            attribute_name=index.sort_key, key_type="RANGE"
                        ),
                    ],
                    projection_type=index.projection,
                )
                for index in TABLE.indexes
            ],
            # Run history expires by itself; TTL deletes cost nothing.
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=TABLE.ttl_attribute, enabled=True),
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
            deletion_protection_enabled=args.deletion_protection,
            opts=child,
        )

        deliveries = queue_with_dead_letters(f"{name}-deliveries", f"{name}-dead-letters", args.queue, child)
        # The delivery stage's own queue, read by the delivery function alone (infra/delivery.py).
        handoff = queue_with_dead_letters(f"{name}-handoff", f"{name}-handoff-dead-letters", HANDOFF, child)

        self.table_name = table.name
        self.table_arn = table.arn
        self.due_index_arn = table.arn.apply(lambda arn: f"{arn}/index/{DUE_INDEX}")
        self.queue_url = deliveries.queue.url
        self.queue_arn = deliveries.queue.arn
        self.queue_name = deliveries.queue.name
        self.dead_letter_url = deliveries.dead_letters.url
        self.dead_letter_arn = deliveries.dead_letters.arn
        self.dead_letter_name = deliveries.dead_letters.name
        self.handoff_url = handoff.queue.url
        self.handoff_arn = handoff.queue.arn
        self.handoff_name = handoff.queue.name
        self.handoff_dead_letter_url = handoff.dead_letters.url
        self.handoff_dead_letter_arn = handoff.dead_letters.arn
        self.handoff_dead_letter_name = handoff.dead_letters.name
        self.register_outputs(
            {
                "table_name": self.table_name,
                "table_arn": self.table_arn,
                "queue_url": self.queue_url,
                "dead_letter_url": self.dead_letter_url,
                "handoff_url": self.handoff_url,
                "handoff_dead_letter_url": self.handoff_dead_letter_url,
            }
        )
