"""The Scheduler stack: reads the config once, builds the Lambda bundle, wires the components."""

import pulumi

from infra.api import PATH_PATTERNS, Api, ApiArgs
from infra.bundle import Bundle, build_bundle
from infra.data import Data, DataArgs
from infra.delivery import Delivery, DeliveryArgs
from infra.delivery_alarms import DeliveryAlarmsArgs
from infra.dispatcher import Dispatcher, DispatcherArgs
from infra.edge import OriginSecret
from infra.function import LambdaCode
from infra.namespace_queues import NamespaceQueues, NamespaceQueuesArgs
from infra.observability import Observability, ObservabilityArgs
from infra.settings import API_SETTINGS, DELIVERY_SETTINGS, DISPATCHER_SETTINGS, StackSettings, is_dev_stack
from infra.web import Web, WebArgs
from service.config import Settings

stack = pulumi.get_stack()
settings = StackSettings.from_config(pulumi.Config("scheduler"), stack)

bundle = (
    Bundle.from_zip(settings.bundle_zip)
    if settings.bundle_zip is not None
    else build_bundle(settings.architecture, python=settings.bundle_python)
)
code = LambdaCode(pulumi.FileArchive(str(bundle.path)), bundle.sha256_base64, settings.architecture)

data = Data(
    "data",
    DataArgs(stack=stack, deletion_protection=settings.deletion_protection, queue=settings.queue),
)

# Each function gets the service settings the stack sets; the service's defaults apply to the rest.
# The stack queue is the default namespace's built-in target; the hand-off queue is the
# delivery stage's, where the dispatcher and the API send every run.
resources_env: dict[str, pulumi.Input[str]] = {
    Settings.variable("table_name"): data.table_name,
    Settings.variable("queue_url"): data.queue_url,
    Settings.variable("handoff_queue_url"): data.handoff_url,
}

namespace_queues = NamespaceQueues(
    "namespace-queues",
    NamespaceQueuesArgs(namespaces=settings.namespace_queues, definition=settings.namespace_queue),
)

delivery = Delivery(
    "delivery",
    DeliveryArgs(
        code=code,
        memory_mb=settings.delivery_memory_mb,
        max_concurrency=settings.delivery_max_concurrency,
        environment={
            **resources_env,
            # Where it puts a copy of each webhook run it gives up on (the alarm watches it).
            Settings.variable("handoff_dead_letter_queue_url"): data.handoff_dead_letter_url,
            **settings.environment(DELIVERY_SETTINGS),
        },
        table_arn=data.table_arn,
        handoff_arn=data.handoff_arn,
        handoff_dead_letter_arn=data.handoff_dead_letter_arn,
        target_queue_arns=[data.queue_arn, *namespace_queues.arns.values(), *settings.target_queue_arns],
        log_group_name=f"/scheduler/{stack}/delivery",
        log_retention_days=settings.log_retention_days,
    ),
)

dispatcher = Dispatcher(
    "dispatcher",
    DispatcherArgs(
        code=code,
        memory_mb=settings.dispatcher_memory_mb,
        timeout_seconds=settings.dispatcher_timeout_seconds,
        reserved_concurrency=settings.dispatcher_reserved_concurrency,
        environment={**resources_env, **settings.environment(DISPATCHER_SETTINGS)},
        table_arn=data.table_arn,
        due_index_arn=data.due_index_arn,
        handoff_arn=data.handoff_arn,
        log_group_name=f"/scheduler/{stack}/dispatcher",
        log_retention_days=settings.log_retention_days,
    ),
)

# CloudFront proves to the API that a request came through it (infra/edge.py).
edge_secret = OriginSecret("origin-secret").value

api = Api(
    "api",
    ApiArgs(
        code=code,
        memory_mb=settings.api_memory_mb,
        snap_start=settings.api_snap_start,
        throttle_rate=settings.api_throttle_rate,
        throttle_burst=settings.api_throttle_burst,
        environment={
            **resources_env,
            **settings.environment(API_SETTINGS),
            Settings.variable("origin_secret"): edge_secret,
        },
        table_arn=data.table_arn,
        handoff_arn=data.handoff_arn,
        log_group_name=f"/scheduler/{stack}/api",
        access_log_group_name=f"/scheduler/{stack}/api-access",
        log_retention_days=settings.log_retention_days,
    ),
)

web = Web(
    "web",
    WebArgs(
        dist=settings.web_dist,
        api_host=api.host,
        api_path_patterns=PATH_PATTERNS,
        price_class=settings.price_class,
        force_destroy=is_dev_stack(stack),
        origin_secret=edge_secret,
    ),
)

Observability(
    "observability",
    ObservabilityArgs(
        dead_letter_queue_name=data.dead_letter_name,
        failed_ticks_queue_name=dispatcher.failures_name,
        dispatcher_function_name=dispatcher.function_name,
        api_function_name=api.function_name,
        delivery=DeliveryAlarmsArgs(
            handoff_queue_name=data.handoff_name,
            handoff_dead_letter_queue_name=data.handoff_dead_letter_name,
            delivery_function_name=delivery.function_name,
            namespace_dead_letter_queue_names=namespace_queues.dead_letter_names,
        ),
        late_threshold=settings.late_alarm_threshold,
        alarm_email=settings.alarm_email,
    ),
)

pulumi.export("apiUrl", api.url)
pulumi.export("webUrl", web.url)
pulumi.export("tableName", data.table_name)
pulumi.export("queueUrl", data.queue_url)
pulumi.export("deadLetterQueueUrl", data.dead_letter_url)
pulumi.export("failedTicksQueueUrl", dispatcher.failures_url)
pulumi.export("handoffQueueUrl", data.handoff_url)
pulumi.export("handoffDeadLetterQueueUrl", data.handoff_dead_letter_url)
pulumi.export("namespaceQueueUrls", namespace_queues.urls)
pulumi.export("namespaceDeadLetterQueueUrls", namespace_queues.dead_letter_urls)
pulumi.export("deliveryRoleArn", delivery.role_arn)
