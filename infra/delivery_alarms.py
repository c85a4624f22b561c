"""The delivery stage's alarms: runs it gave up on, a function that fails or is throttled,
runs waiting past their time, and messages a namespace's consumers could not take.

Runs waiting past their time: a hand-off message becomes visible at its run's second (or up
to one before), and the event source takes a visible message at once while the function
keeps up, so visible messages are runs that are due and not yet taken. Hence
`ApproximateNumberOfMessagesVisible`, which counts neither the delayed runs (not yet due)
nor those in flight. `ApproximateAgeOfOldestMessage` would mislead: it counts a delayed
message from its send, so a healthy queue's oldest message is already as old as the
dispatcher's lookahead (70 s, up to 900), a run retried through a shorter visibility keeps
its first send's age, and a message received three times no longer counts at all; no one
threshold tells late from early there. A moment's backlog is no fault (a burst at the top
of a minute, the poller adding invocations), so the alarm waits for three minutes in a row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi

from infra.alarms import Alarm, messages_waiting
from service.adapters.queue_schema import HANDOFF

# Ten batches: more than the event source holds in transit while it keeps up (a fifth of a
# second of work at the default maximum concurrency), far less than a minute's lag.
BACKLOG_THRESHOLD = 100
BACKLOG_MINUTES = 3


@dataclass(frozen=True)
class DeliveryAlarmsArgs:
    handoff_queue_name: pulumi.Input[str]
    handoff_dead_letter_queue_name: pulumi.Input[str]
    delivery_function_name: pulumi.Input[str]
    # By namespace: the dead-letter queue of each namespace's own queue.
    namespace_dead_letter_queue_names: Mapping[str, pulumi.Input[str]]


def delivery_alarms(args: DeliveryAlarmsArgs) -> list[Alarm]:
    function = {"FunctionName": args.delivery_function_name}
    return [
        messages_waiting(
            "handoff-dead-letters",
            f"Runs the delivery stage failed to deliver {HANDOFF.max_receive_count} times have reached "
            "the hand-off's dead-letter queue: they were not delivered",
            args.handoff_dead_letter_queue_name,
        ),
        Alarm(
            "handoff-backlog",
            f"{BACKLOG_THRESHOLD} or more due runs have waited in the hand-off queue for {BACKLOG_MINUTES} minutes: "
            "the delivery stage is behind (maximum concurrency reached, throttled or failing)",
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            {"QueueName": args.handoff_queue_name},
            threshold=BACKLOG_THRESHOLD,
            statistic="Minimum",
            evaluation_periods=BACKLOG_MINUTES,
            datapoints_to_alarm=BACKLOG_MINUTES,
        ),
        Alarm(
            "delivery-errors",
            "The delivery function fails (two minutes out of five): its batches come back late",
            "AWS/Lambda",
            "Errors",
            function,
            threshold=1,
            evaluation_periods=5,
            datapoints_to_alarm=2,
        ),
        Alarm(
            "delivery-throttles",
            "Delivery invocations are throttled: the account has less concurrency left than "
            "scheduler:deliveryMaxConcurrency",
            "AWS/Lambda",
            "Throttles",
            function,
            threshold=1,
        ),
        *(
            messages_waiting(
                f"ns-{namespace}-dead-letters",
                f"Messages the consumers of namespace {namespace!r} failed to process have reached "
                "its dead-letter queue",
                queue_name,
            )
            for namespace, queue_name in args.namespace_dead_letter_queue_names.items()
        ),
    ]
