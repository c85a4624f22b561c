"""The data a deployment keeps: the schedules table and the delivery queue with its dead letters."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from service.adapters.queue_schema import DEDUPLICATION_SCOPE, FIFO_THROUGHPUT_LIMIT, QueueDefinition
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

        # A FIFO queue needs an explicit name; a standard one keeps the name Pulumi gives it.
        queue_def = args.queue
        fifo = queue_def.fifo or None
        # Deduplication comes from each message's occurrenceId, never from the body.
        no_body_deduplication = False if queue_def.fifo else None
        dead_letters = aws.sqs.Queue(
            f"{name}-dead-letters",
            name=queue_def.dead_letter_name if queue_def.fifo else None,
            fifo_queue=fifo,
            content_based_deduplication=no_body_deduplication,
            sqs_managed_sse_enabled=True,
            message_retention_seconds=queue_def.dead_letter_retention,
            max_message_size=queue_def.max_message_bytes,
            opts=child,
        )
        queue = aws.sqs.Queue(
            f"{name}-deliveries",
            name=queue_def.name if queue_def.fifo else None,
            fifo_queue=fifo,
            content_based_deduplication=no_body_deduplication,
            deduplication_scope=DEDUPLICATION_SCOPE if queue_def.fifo else None,
            fifo_throughput_limit=FIFO_THROUGHPUT_LIMIT if queue_def.fifo else None,
            sqs_managed_sse_enabled=True,
            visibility_timeout_seconds=queue_def.visibility_timeout,
            message_retention_seconds=queue_def.retention,
            max_message_size=queue_def.max_message_bytes,
            redrive_policy=dead_letters.arn.apply(queue_def.redrive_policy),
            opts=child,
        )

        self.table_name = table.name
        self.table_arn = table.arn
        self.due_index_arn = table.arn.apply(lambda arn: f"{arn}/index/{DUE_INDEX}")
        self.queue_url = queue.url
        self.queue_arn = queue.arn
        self.queue_name = queue.name
        self.dead_letter_url = dead_letters.url
        self.dead_letter_arn = dead_letters.arn
        self.dead_letter_name = dead_letters.name
        self.register_outputs(
            {
                "table_name": self.table_name,
                "table_arn": self.table_arn,
                "queue_url": self.queue_url,
                "dead_letter_url": self.dead_letter_url,
            }
        )
