"""The data a deployment keeps: the schedules table and the delivery queue with its dead letters."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from service.adapters.table_schema import DUE_INDEX, TABLE

DLQ_RETENTION_SECONDS = 14 * 24 * 3600  # SQS's maximum: time to look at what consumers could not take
MAX_MESSAGE_BYTES = 1024 * 1024  # SQS's largest message (1 MiB)


@dataclass(frozen=True)
class DataArgs:
    stack: str
    deletion_protection: bool
    max_receive_count: int
    fifo: bool
    visibility_timeout_seconds: int
    retention_seconds: int


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

        # A FIFO queue needs an explicit name ending in .fifo, and its dead-letter queue must be FIFO too.
        # Deduplication comes from each message's occurrenceId, never from the body: two
        # occurrences of one job carry the same payload.
        fifo = args.fifo or None
        no_body_deduplication = False if args.fifo else None
        # High-throughput FIFO: ordering and deduplication per job (the message group), which is
        # all the contract promises, lifts the 300 messages/s limit of a queue-wide scope.
        per_group = "messageGroup" if args.fifo else None
        per_group_limit = "perMessageGroupId" if args.fifo else None
        dead_letters = aws.sqs.Queue(
            f"{name}-dead-letters",
            name=f"scheduler-{args.stack}-deliveries-dlq.fifo" if args.fifo else None,
            fifo_queue=fifo,
            content_based_deduplication=no_body_deduplication,
            sqs_managed_sse_enabled=True,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            max_message_size=MAX_MESSAGE_BYTES,
            opts=child,
        )
        queue = aws.sqs.Queue(
            f"{name}-deliveries",
            name=f"scheduler-{args.stack}-deliveries.fifo" if args.fifo else None,
            fifo_queue=fifo,
            content_based_deduplication=no_body_deduplication,
            deduplication_scope=per_group,
            fifo_throughput_limit=per_group_limit,
            sqs_managed_sse_enabled=True,
            visibility_timeout_seconds=args.visibility_timeout_seconds,
            message_retention_seconds=args.retention_seconds,
            # A 256 KiB payload plus its three attributes is over 256 KiB: allow SQS's maximum.
            max_message_size=MAX_MESSAGE_BYTES,
            redrive_policy=dead_letters.arn.apply(
                lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": args.max_receive_count})
            ),
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
