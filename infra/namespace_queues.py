"""A queue of its own for each namespace in `scheduler:namespaceQueues`, with its dead letters.

Each is a standard queue with the stack queue's settings (visibility, retention, receives
before the dead letters): the team of that namespace reads it as clients of the stack queue
read theirs. The delivery function may send to it (infra/iam.py); a namespace's target
names it once an operator adds it (`scheduler targets add ... --sqs-queue-url`, docs/deploy.md).

Names: Pulumi names a standard queue after its resource, plus 8 characters, and SQS takes
80, so a resource's name may have 72. The namespace's own name (63 at most) comes between
a prefix and a suffix that no namespace can imitate: `ns-<namespace>-queue` and
`ns-<namespace>-dlq` never equal one another, whatever the namespaces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pulumi

from infra.queues import queue_with_dead_letters
from service.adapters.queue_schema import QueueDefinition


@dataclass(frozen=True)
class NamespaceQueuesArgs:
    namespaces: Sequence[str]
    # A namespace's queue definition (the stack queue's settings).
    definition: Callable[[str], QueueDefinition]


class NamespaceQueues(pulumi.ComponentResource):
    # By namespace, in the order of the config.
    urls: dict[str, pulumi.Output[str]]
    arns: dict[str, pulumi.Output[str]]
    dead_letter_urls: dict[str, pulumi.Output[str]]
    dead_letter_names: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: NamespaceQueuesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("scheduler:index:NamespaceQueues", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.urls, self.arns, self.dead_letter_urls, self.dead_letter_names = {}, {}, {}, {}
        for namespace in args.namespaces:
            pair = queue_with_dead_letters(
                f"ns-{namespace}-queue", f"ns-{namespace}-dlq", args.definition(namespace), child
            )
            self.urls[namespace] = pair.queue.url
            self.arns[namespace] = pair.queue.arn
            self.dead_letter_urls[namespace] = pair.dead_letters.url
            self.dead_letter_names[namespace] = pair.dead_letters.name
        self.register_outputs({"urls": self.urls, "dead_letter_urls": self.dead_letter_urls})
