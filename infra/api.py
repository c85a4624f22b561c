"""The API: its Lambda behind an API Gateway HTTP API (payload v2, `$default` stage).

Cold starts: the app imports FastAPI, Strawberry, pydantic and boto3, about a second of work
even with shipped bytecode. SnapStart (Python 3.12+) runs that once, when a version is
published, and resumes new environments from the snapshot; it is on by default
(`scheduler:apiSnapStart`). Its price: a snapshot is cached per published version and
restores are billed, and each deploy takes a minute or two longer while the snapshot is made.
The app opens no connection at import and draws no random state that must differ between
environments (schedule and run ids are UUID v7s whose random bits come from the `secrets`
module at request time: `service/adapters/ids.py`), so resuming a snapshot is safe. The
gateway invokes the `live` alias: snapshots exist only for published versions, never for
$LATEST.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import iam
from infra.function import FunctionArgs, LambdaCode, ServiceFunction

# Explicit paths: a path the app does not serve gets the gateway's 404 without invoking Lambda.
# Every method of them reaches the app, which answers a wrong one with 405 and its Allow.
ROUTES = (
    "ANY /health",
    "ANY /openapi.json",
    "ANY /schedules",
    "ANY /schedules/{proxy+}",
    "ANY /graphql",
    # The API documents, with their packaged assets (service/entrypoints/docs.py).
    "ANY /docs",
    "ANY /docs/{proxy+}",
    "ANY /redoc",
)
# The same paths as CloudFront path patterns, so the web origin can send them to the API.
PATH_PATTERNS = ("/health", "/openapi.json", "/schedules", "/schedules/*", "/graphql", "/docs", "/docs/*", "/redoc")
# API Gateway gives up on an integration after 30 s; the function stops just before.
TIMEOUT_SECONDS = 29


@dataclass(frozen=True)
class ApiArgs:
    code: LambdaCode
    memory_mb: int
    snap_start: bool
    throttle_rate: float
    throttle_burst: int
    environment: Mapping[str, pulumi.Input[str]]
    table_arn: pulumi.Input[str]
    handoff_arn: pulumi.Input[str]  # the delivery stage's queue: the API sends to no target
    log_group_name: str
    access_log_group_name: str
    log_retention_days: int


class Api(pulumi.ComponentResource):
    url: pulumi.Output[str]
    host: pulumi.Output[str]
    function_name: pulumi.Output[str]
    api_id: pulumi.Output[str]

    def __init__(self, name: str, args: ApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("scheduler:index:Api", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        def policy(log_group_arn: pulumi.Output[str]) -> pulumi.Output[str]:
            return pulumi.Output.all(args.table_arn, args.handoff_arn, log_group_arn).apply(
                lambda arns: json.dumps(iam.api_policy(table_arn=arns[0], handoff_arn=arns[1], log_group_arn=arns[2]))
            )

        function = ServiceFunction(
            name,
            FunctionArgs(
                handler="service.entrypoints.lambda_api.handler",
                description="Scheduler REST and GraphQL API",
                code=args.code,
                memory_mb=args.memory_mb,
                timeout_seconds=TIMEOUT_SECONDS,
                environment=args.environment,
                log_group_name=args.log_group_name,
                log_retention_days=args.log_retention_days,
                policy=policy,
                snap_start=args.snap_start,
            ),
            opts=child,
        )

        http_api = aws.apigatewayv2.Api(f"{name}-http", protocol_type="HTTP", description="Scheduler API", opts=child)
        integration = aws.apigatewayv2.Integration(
            f"{name}-lambda",
            api_id=http_api.id,
            integration_type="AWS_PROXY",
            integration_uri=function.target_arn,
            payload_format_version="2.0",
            timeout_milliseconds=TIMEOUT_SECONDS * 1000 + 500,
            opts=child,
        )
        for route_key in ROUTES:
            aws.apigatewayv2.Route(
                f"{name}-route-{_slug(route_key)}",
                api_id=http_api.id,
                route_key=route_key,
                target=integration.id.apply(lambda integration_id: f"integrations/{integration_id}"),
                opts=child,
            )
        access_logs = aws.cloudwatch.LogGroup(
            f"{name}-access-logs",
            name=args.access_log_group_name,
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        stage = aws.apigatewayv2.Stage(
            f"{name}-stage",
            api_id=http_api.id,
            name="$default",
            auto_deploy=True,
            # Per-stage limits; the per-key limit of the app is finer, this one protects the account.
            default_route_settings=aws.apigatewayv2.StageDefaultRouteSettingsArgs(
                throttling_rate_limit=args.throttle_rate,
                throttling_burst_limit=args.throttle_burst,
            ),
            access_log_settings=aws.apigatewayv2.StageAccessLogSettingsArgs(
                destination_arn=access_logs.arn,
                format=ACCESS_LOG_FORMAT,
            ),
            opts=child,
        )
        aws.lambda_.Permission(
            f"{name}-invoked-by-gateway",
            action="lambda:InvokeFunction",
            function=function.function_name,
            qualifier=function.qualifier,
            principal="apigateway.amazonaws.com",
            source_arn=http_api.execution_arn.apply(lambda arn: f"{arn}/*"),
            opts=child,
        )

        self.api_id = http_api.id
        self.url = pulumi.Output.all(http_api.api_endpoint, stage.id).apply(lambda parts: parts[0])
        self.host = http_api.api_endpoint.apply(lambda endpoint: endpoint.removeprefix("https://"))
        self.function_name = function.function_name
        self.register_outputs({"url": self.url, "function_name": self.function_name})


ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "method": "$context.httpMethod",
        "route": "$context.routeKey",
        "path": "$context.path",
        "status": "$context.status",
        "latencyMs": "$context.responseLatency",
        "integrationLatencyMs": "$context.integrationLatency",
        "integrationError": "$context.integrationErrorMessage",
    }
)


def _slug(route_key: str) -> str:
    method, path = route_key.split(" ", 1)
    cleaned = "".join(c if c.isalnum() else "-" for c in path).strip("-") or "root"
    return f"{method.lower()}-{cleaned}"
