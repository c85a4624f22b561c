"""Alarms on what a team must hear about: messages consumers could not take, ticks that
failed or did not run, occurrences delivered late or missed (from the dispatcher's EMF
metrics), and a delivery stage that fails or falls behind (infra/delivery_alarms.py). They
notify one SNS topic; `scheduler:alarmEmail` subscribes an address to it.

The log groups themselves belong to the functions (infra/function.py), which create them with
their retention before Lambda could create them without one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.alarms import Alarm, messages_waiting
from infra.delivery_alarms import DeliveryAlarmsArgs, delivery_alarms

METRICS_NAMESPACE = "Scheduler"  # the functions' EMF namespace, and their dimensions
DISPATCHER_DIMENSIONS = {"service": "dispatcher"}
# The delivery function measures lateness where it happens: when a target accepts a run.
DELIVERY_DIMENSIONS = {"service": "delivery"}
ON_TIME_MS = 1000  # SPEC section 4: delivered within 1 s of runAt, p99


@dataclass(frozen=True)
class ObservabilityArgs:
    dead_letter_queue_name: pulumi.Input[str]
    failed_ticks_queue_name: pulumi.Input[str]
    dispatcher_function_name: pulumi.Input[str]
    api_function_name: pulumi.Input[str]
    delivery: DeliveryAlarmsArgs
    late_threshold: int
    alarm_email: str | None


class Observability(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]
    alarm_names: pulumi.Output[list[str]]

    def __init__(self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("scheduler:index:Observability", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        topic = aws.sns.Topic(f"{name}-alarms", opts=child)
        if args.alarm_email:
            aws.sns.TopicSubscription(
                f"{name}-alarm-email", topic=topic.arn, protocol="email", endpoint=args.alarm_email, opts=child
            )

        dispatcher = {"FunctionName": args.dispatcher_function_name}
        alarms = [
            messages_waiting(
                "dead-letters",
                "Messages that consumers failed to process have reached the dead-letter queue",
                args.dead_letter_queue_name,
            ),
            messages_waiting(
                "failed-ticks", "EventBridge or Lambda gave up on dispatcher ticks", args.failed_ticks_queue_name
            ),
            Alarm(
                "dispatcher-errors",
                "Dispatcher ticks fail (two minutes out of five)",
                "AWS/Lambda",
                "Errors",
                dispatcher,
                threshold=1,
                evaluation_periods=5,
                datapoints_to_alarm=2,
            ),
            Alarm("dispatcher-throttles", "Dispatcher ticks are throttled", "AWS/Lambda", "Throttles", dispatcher, 1),
            Alarm(
                "dispatcher-silent",
                "The dispatcher has not run for five minutes: nothing is being delivered",
                "AWS/Lambda",
                "Invocations",
                dispatcher,
                threshold=1,
                comparison="LessThanThreshold",
                period=300,
                treat_missing_data="breaching",
            ),
            Alarm(
                "late-deliveries",
                "Runs were accepted by their target more than a second after their runAt (catching up, or slow)",
                METRICS_NAMESPACE,
                "Late",
                dict(DELIVERY_DIMENSIONS),
                threshold=args.late_threshold,
                period=300,
            ),
            Alarm(
                "missed-occurrences",
                "Occurrences were recorded as missed (older than the catch-up window, or skipped)",
                METRICS_NAMESPACE,
                "Missed",
                dict(DISPATCHER_DIMENSIONS),
                threshold=1,
                period=300,
            ),
            Alarm(
                "missed-at-delivery",
                "Runs were recorded as missed by the delivery stage (it was behind by more than the catch-up window)",
                METRICS_NAMESPACE,
                "Missed",
                dict(DELIVERY_DIMENSIONS),
                threshold=1,
                period=300,
            ),
            Alarm(
                "lateness-p99",
                f"p99 delivery lateness above {ON_TIME_MS} ms for three minutes out of five",
                METRICS_NAMESPACE,
                "LatenessMs",
                dict(DELIVERY_DIMENSIONS),
                threshold=ON_TIME_MS,
                statistic=None,
                extended_statistic="p99",
                comparison="GreaterThanThreshold",
                evaluation_periods=5,
                datapoints_to_alarm=3,
            ),
            Alarm(
                "api-errors",
                "The API function fails (unhandled errors, timeouts)",
                "AWS/Lambda",
                "Errors",
                {"FunctionName": args.api_function_name},
                threshold=5,
                period=300,
            ),
            *delivery_alarms(args.delivery),
        ]
        created = [
            aws.cloudwatch.MetricAlarm(
                f"{name}-{alarm.key}",
                alarm_description=alarm.description,
                namespace=alarm.namespace,
                metric_name=alarm.metric,
                dimensions=alarm.dimensions,
                statistic=alarm.statistic,
                extended_statistic=alarm.extended_statistic,
                comparison_operator=alarm.comparison,
                threshold=alarm.threshold,
                period=alarm.period,
                evaluation_periods=alarm.evaluation_periods,
                datapoints_to_alarm=alarm.datapoints_to_alarm,
                treat_missing_data=alarm.treat_missing_data,
                alarm_actions=[topic.arn],
                ok_actions=[topic.arn],
                opts=child,
            )
            for alarm in alarms
        ]
        self.topic_arn = topic.arn
        self.alarm_names = pulumi.Output.all(*[alarm.name for alarm in created])
        self.register_outputs({"topic_arn": self.topic_arn})
