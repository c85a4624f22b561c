"""The Scheduler stack: reads the config once, builds the Lambda bundle, wires the components."""

import pulumi

from infra.api import PATH_PATTERNS, Api, ApiArgs
from infra.bundle import Bundle, build_bundle
from infra.data import Data, DataArgs
from infra.dispatcher import Dispatcher, DispatcherArgs
from infra.edge import OriginSecret
from infra.function import LambdaCode
from infra.observability import Observability, ObservabilityArgs
from infra.settings import StackSettings, is_dev_stack
from infra.web import Web, WebArgs

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
    DataArgs(
        stack=stack,
        deletion_protection=settings.deletion_protection,
        max_receive_count=settings.max_receive_count,
        fifo=settings.fifo,
        visibility_timeout_seconds=settings.queue_visibility_timeout_seconds,
        retention_seconds=settings.queue_retention_seconds,
    ),
)

common_env: dict[str, pulumi.Input[str]] = {
    "SCHEDULER_TABLE_NAME": data.table_name,
    "SCHEDULER_QUEUE_URL": data.queue_url,
    "SCHEDULER_RUN_RETENTION_DAYS": str(settings.run_retention_days),
}
if settings.lookahead_seconds is not None:
    common_env["SCHEDULER_LOOKAHEAD_SECONDS"] = str(settings.lookahead_seconds)

dispatcher = Dispatcher(
    "dispatcher",
    DispatcherArgs(
        code=code,
        memory_mb=settings.dispatcher_memory_mb,
        timeout_seconds=settings.dispatcher_timeout_seconds,
        reserved_concurrency=settings.dispatcher_reserved_concurrency,
        environment={
            **common_env,
            "SCHEDULER_CATCH_UP_HOURS": str(settings.catch_up_hours),
            "SCHEDULER_DISPATCH_INVOCATIONS": str(settings.dispatch_invocations),
        },
        table_arn=data.table_arn,
        due_index_arn=data.due_index_arn,
        queue_arn=data.queue_arn,
        log_group_name=f"/scheduler/{stack}/dispatcher",
        log_retention_days=settings.log_retention_days,
    ),
)

# The API keys' limits: only those the stack sets, the service's defaults otherwise.
key_env = {
    name: str(value)
    for name, value in (
        ("SCHEDULER_RATE_LIMIT_PER_SECOND", settings.api_key_rate_per_second),
        ("SCHEDULER_RATE_LIMIT_BURST", settings.api_key_rate_burst),
        ("SCHEDULER_KEY_CACHE_SECONDS", settings.api_key_cache_seconds),
    )
    if value is not None
}

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
            **common_env,
            **key_env,
            "SCHEDULER_GRAPHQL_IDE": "on" if settings.graphql_ide else "off",
            "SCHEDULER_GRAPHQL_INTROSPECTION": "on" if settings.graphql_introspection else "off",
            "SCHEDULER_ORIGIN_SECRET": edge_secret,
        },
        table_arn=data.table_arn,
        queue_arn=data.queue_arn,
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
