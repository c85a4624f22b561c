"""The dispatcher: its Lambda, ticked each minute by an EventBridge rule.

Reserved concurrency: none by default. Concurrent dispatchers are safe (each shard of the due
index is leased by one conditional write before its occurrences are sent, and a leased shard
is left to its owner: `service/services/dispatch.py`), so there is no correctness reason to
cap them at one, and a cap of one would turn a tick that overruns its minute into throttles.
Reserving capacity would guarantee that a flood of API calls cannot starve the ticks, but AWS
refuses any reservation that leaves an account less than 100 unreserved executions, which
fails `pulumi up` on new accounts (their quota is 10). Set
`scheduler:dispatcherReservedConcurrency` where the account has room.

Failed ticks: neither EventBridge nor Lambda retries a tick for long. A tick older than two
minutes has been superseded by newer ones, which read the due index afresh and deliver late
occurrences within the catch-up window, so an old retry only adds a concurrent, redundant run.
What could not be delivered lands in a queue of its own (with an alarm), never silently.

Invoking itself: the dispatcher's role may invoke this function and no other, always. An
invocation that reaches its deadline with work left releases its shard leases and hands
those shards to one continuation of itself, started at once, so the rest goes out without
waiting for the next minute; a continuation hands over nothing more, so an overloaded
system never starts a chain of invocations (what a continuation leaves goes to the ticks
that follow, which look again at leased shards within their budget). With
`scheduler:dispatchInvocations` above one, when its due work is more than one invocation
sends in a tick, the tick EventBridge starts also keeps one group of the busy shards and
starts the others as asynchronous invocations (fan-out children). Children and
continuations go through the same asynchronous settings as the ticks. No retry: one that
never runs leaves its shards due, and the next tick takes them; one that dies part-way
leaves them to the first dispatcher that looks once its 15-second shard leases lapse. At
most two minutes in Lambda's queue when throttled: a late one runs beside a newer tick, and
the shard leases keep the two from sending anything twice. One given up lands in the
failed-ticks queue, with its alarm. A child never fans out again: its event names its
shards.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import iam
from infra.function import FunctionArgs, LambdaCode, ServiceFunction

TICK = "rate(1 minute)"
TICK_MAX_AGE_SECONDS = 120  # the minimum EventBridge and Lambda accept is 60
TICK_RETRIES = 2  # EventBridge's retries of a failed Invoke call (throttling, service errors)
FAILURES_RETENTION_SECONDS = 14 * 24 * 3600


@dataclass(frozen=True)
class DispatcherArgs:
    code: LambdaCode
    memory_mb: int
    timeout_seconds: int
    reserved_concurrency: int | None
    environment: Mapping[str, pulumi.Input[str]]
    table_arn: pulumi.Input[str]
    due_index_arn: pulumi.Input[str]
    handoff_arn: pulumi.Input[str]  # the delivery stage's queue: the dispatcher sends to no target
    log_group_name: str
    log_retention_days: int


class Dispatcher(pulumi.ComponentResource):
    function_name: pulumi.Output[str]
    rule_name: pulumi.Output[str]
    failures_url: pulumi.Output[str]
    failures_name: pulumi.Output[str]

    def __init__(self, name: str, args: DispatcherArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("scheduler:index:Dispatcher", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        failures = aws.sqs.Queue(
            f"{name}-failed-ticks",
            sqs_managed_sse_enabled=True,
            message_retention_seconds=FAILURES_RETENTION_SECONDS,
            opts=child,
        )

        def policy(log_group_arn: pulumi.Output[str]) -> pulumi.Output[str]:
            return pulumi.Output.all(
                args.table_arn, args.due_index_arn, args.handoff_arn, failures.arn, log_group_arn
            ).apply(
                lambda arns: json.dumps(
                    iam.dispatcher_policy(
                        table_arn=arns[0],
                        due_index_arn=arns[1],
                        handoff_arn=arns[2],
                        failures_arn=arns[3],
                        log_group_arn=arns[4],
                    )
                )
            )

        function = ServiceFunction(
            name,
            FunctionArgs(
                handler="service.entrypoints.lambda_dispatcher.handler",
                description="Turns due schedules into SQS messages, each minute",
                code=args.code,
                memory_mb=args.memory_mb,
                timeout_seconds=args.timeout_seconds,
                environment=args.environment,
                log_group_name=args.log_group_name,
                log_retention_days=args.log_retention_days,
                policy=policy,
                reserved_concurrency=args.reserved_concurrency,
                # Ticking every minute keeps an environment warm; a rare cold start costs one
                # late tick, not the cost of a snapshot per published version.
                snap_start=False,
            ),
            opts=child,
        )
        aws.lambda_.FunctionEventInvokeConfig(
            f"{name}-async",
            function_name=function.function_name,
            maximum_retry_attempts=0,
            maximum_event_age_in_seconds=TICK_MAX_AGE_SECONDS,
            destination_config=aws.lambda_.FunctionEventInvokeConfigDestinationConfigArgs(
                on_failure=aws.lambda_.FunctionEventInvokeConfigDestinationConfigOnFailureArgs(destination=failures.arn)
            ),
            opts=child,
        )

        # Continuations (and fan-out children) are invocations of this function by itself.
        invoke_itself = aws.iam.RolePolicy(
            f"{name}-fan-out",
            role=function.role_name,
            policy=function.function_arn.apply(lambda arn: json.dumps(iam.invoke_itself_policy(function_arn=arn))),
            opts=child,
        )

        rule = aws.cloudwatch.EventRule(
            f"{name}-tick", description="Ticks the scheduler's dispatcher", schedule_expression=TICK, opts=child
        )
        aws.sqs.QueuePolicy(
            f"{name}-failed-ticks-policy",
            queue_url=failures.url,
            policy=pulumi.Output.all(failures.arn, rule.arn).apply(
                lambda arns: json.dumps(iam.events_to_queue_policy(queue_arn=arns[0], rule_arn=arns[1]))
            ),
            opts=child,
        )
        permission = aws.lambda_.Permission(
            f"{name}-invoked-by-tick",
            action="lambda:InvokeFunction",
            function=function.function_name,
            principal="events.amazonaws.com",
            source_arn=rule.arn,
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-tick-target",
            rule=rule.name,
            arn=function.target_arn,
            retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(
                maximum_event_age_in_seconds=TICK_MAX_AGE_SECONDS, maximum_retry_attempts=TICK_RETRIES
            ),
            dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=failures.arn),
            # The first tick finds the function allowed to start its continuation or children.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[permission, invoke_itself]),
        )

        self.function_name = function.function_name
        self.rule_name = rule.name
        self.failures_url = failures.url
        self.failures_name = failures.name
        self.register_outputs({"function_name": self.function_name, "failures_url": self.failures_url})
