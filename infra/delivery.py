"""The delivery stage: its Lambda, fed by the hand-off queue through an SQS event source mapping.

The dispatcher and the API hand each run to the hand-off queue, timed (DelaySeconds) to become
visible at its instant or up to a second before. The delivery function takes them in
batches, holds a run that came early until its second, reads the batch's schedules again (a
run whose schedule was deleted, paused or changed since is canceled, not delivered), delivers
the rest to their targets and records them. Why each setting of the mapping:

Batches of up to 10: SQS's largest receive; the schedules of a batch are one BatchGetItem.

No batching window (`maximum_batching_window_in_seconds=0`): with one, Lambda waits up to
that long for a batch to fill before it invokes, and a run would wait as long after its
second. A run that is due goes with whatever else is there.

Partial batch failures (`ReportBatchItemFailures`): the function answers `batchItemFailures`
with the runs it could not finish; only those come back (the function may shorten their
visibility to retry sooner), the others are deleted. Without it one failure would bring back
its whole batch, and the runs already delivered would be delivered again.

Time-out `DELIVERY_TIMEOUT_SECONDS` (30 s): a second's hold, a read, ten deliveries and their
writes, with room for a slow target. The hand-off queue's visibility is six times that (the
definition in service/adapters/queue_schema.py), as Lambda asks of an SQS source: time to
retry a throttled invocation before its messages come back.

Maximum concurrency, 50 by default (`scheduler:deliveryMaxConcurrency`, 2..1000): Lambda's
poller starts with five concurrent batches and adds up to 300 a minute while messages wait.
Uncapped, a burst of runs could take the account's whole concurrency (1,000 by default) and
throttle the API and the dispatcher, which create the runs; and a batch Lambda cannot invoke
returns to the queue only once its visibility lapses, three minutes late, one of its ten
receives spent. The cap reserves nothing and costs nothing: runs past it wait in the queue
for the next free invocation. Why 50: a batch takes about a second (on average half a second
of holding for its second, then its calls, with 256 MB's seventh of a vCPU), so 50 deliver
some 500 runs a second, more than one dispatcher invocation hands off (about 350 a second,
README), and leave 950 of a default account's 1,000 to the rest. These are estimates until
the function is measured: with `scheduler:dispatchInvocations` above one, raise the cap about
50 per invocation; on an account with a lower quota (new accounts have 10), keep it below
what the API and the dispatcher leave, or the batches are throttled instead.

Reserved concurrency: none, for the dispatcher's reason (AWS refuses any that leaves an account
under 100 unreserved executions). No SnapStart: under load an environment stays warm, and
a snapshot per published version is a cost the dispatcher does not pay either.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import iam
from infra.function import FunctionArgs, LambdaCode, ServiceFunction
from service.adapters.queue_schema import DELIVERY_TIMEOUT_SECONDS

HANDLER = "service.entrypoints.lambda_delivery.handler"
BATCH_SIZE = 10
BATCHING_WINDOW_SECONDS = 0
RESPONSE_TYPES = ["ReportBatchItemFailures"]


@dataclass(frozen=True)
class DeliveryArgs:
    code: LambdaCode
    memory_mb: int
    max_concurrency: int
    environment: Mapping[str, pulumi.Input[str]]
    table_arn: pulumi.Input[str]
    handoff_arn: pulumi.Input[str]
    handoff_dead_letter_arn: pulumi.Input[str]
    # Every queue a target may name, and no other: the stack's, the namespaces', the declared ones.
    target_queue_arns: Sequence[pulumi.Input[str]]
    log_group_name: str
    log_retention_days: int


class Delivery(pulumi.ComponentResource):
    function_name: pulumi.Output[str]
    # What a queue in another account, or a customer-managed key, must allow.
    role_arn: pulumi.Output[str]
    mapping_uuid: pulumi.Output[str]

    def __init__(self, name: str, args: DeliveryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("scheduler:index:Delivery", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        def policy(log_group_arn: pulumi.Output[str]) -> pulumi.Output[str]:
            return pulumi.Output.all(
                args.table_arn, args.handoff_arn, args.handoff_dead_letter_arn, log_group_arn, *args.target_queue_arns
            ).apply(
                lambda arns: json.dumps(
                    iam.delivery_policy(
                        table_arn=arns[0],
                        handoff_arn=arns[1],
                        handoff_dead_letter_arn=arns[2],
                        log_group_arn=arns[3],
                        target_queue_arns=arns[4:],
                    )
                )
            )

        function = ServiceFunction(
            name,
            FunctionArgs(
                handler=HANDLER,
                description="Delivers handed-off runs to their targets, each at its second",
                code=args.code,
                memory_mb=args.memory_mb,
                timeout_seconds=DELIVERY_TIMEOUT_SECONDS,
                environment=args.environment,
                log_group_name=args.log_group_name,
                log_retention_days=args.log_retention_days,
                policy=policy,
                snap_start=False,
            ),
            opts=child,
        )
        # Lambda checks the role's rights on the queue when the mapping is created: the
        # function (hence the mapping) waits for the role's policy (infra/function.py).
        mapping = aws.lambda_.EventSourceMapping(
            f"{name}-handoff",
            event_source_arn=args.handoff_arn,
            function_name=function.function_arn,
            batch_size=BATCH_SIZE,
            maximum_batching_window_in_seconds=BATCHING_WINDOW_SECONDS,
            function_response_types=RESPONSE_TYPES,
            scaling_config=aws.lambda_.EventSourceMappingScalingConfigArgs(maximum_concurrency=args.max_concurrency),
            opts=child,
        )

        self.function_name = function.function_name
        self.role_arn = function.role_arn
        self.mapping_uuid = mapping.uuid
        self.register_outputs({"function_name": self.function_name, "role_arn": self.role_arn})
