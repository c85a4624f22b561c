"""A Lambda function of the service with what every one of them needs: its own role with its
own least-privilege policy, and its own log group with a retention."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import iam
from infra.lambda_python import LAMBDA_RUNTIME

LIVE_ALIAS = "live"


@dataclass(frozen=True)
class LambdaCode:
    """The one bundle both functions run, and the architecture it was built for."""

    archive: pulumi.Archive
    sha256_base64: str
    architecture: str


@dataclass(frozen=True)
class FunctionArgs:
    handler: str
    code: LambdaCode
    memory_mb: int
    timeout_seconds: int
    environment: Mapping[str, pulumi.Input[str]]
    log_group_name: str
    log_retention_days: int
    # Given the function's log group ARN, the JSON policy of its role.
    policy: Callable[[pulumi.Output[str]], pulumi.Input[str]]
    description: str = ""
    reserved_concurrency: int | None = None
    snap_start: bool = False


class ServiceFunction(pulumi.ComponentResource):
    function_name: pulumi.Output[str]
    function_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    log_group_name: pulumi.Output[str]
    # What callers invoke: the `live` alias with SnapStart (snapshots exist only for published
    # versions), else the function itself.
    target_arn: pulumi.Output[str]
    target_invoke_arn: pulumi.Output[str]
    qualifier: str | None

    def __init__(self, name: str, args: FunctionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("scheduler:index:ServiceFunction", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # Created here, before the function, so Lambda does not create it without a retention.
        logs = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=args.log_group_name, retention_in_days=args.log_retention_days, opts=child
        )
        role = aws.iam.Role(
            f"{name}-role",
            description=f"Runs {args.handler}, nothing else",
            assume_role_policy=pulumi.Output.json_dumps(iam.lambda_assume_role()),
            opts=child,
        )
        policy = aws.iam.RolePolicy(f"{name}-policy", role=role.id, policy=args.policy(logs.arn), opts=child)

        function = aws.lambda_.Function(
            name,
            description=args.description,
            runtime=LAMBDA_RUNTIME,
            handler=args.handler,
            role=role.arn,
            code=args.code.archive,
            source_code_hash=args.code.sha256_base64,
            architectures=[args.code.architecture],
            memory_size=args.memory_mb,
            timeout=args.timeout_seconds,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=dict(args.environment)),
            # JSON logs: Powertools writes JSON, and Lambda's own lines (START, REPORT) become JSON too.
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="JSON",
                log_group=logs.name,
                application_log_level="INFO",
                system_log_level="WARN",
            ),
            reserved_concurrent_executions=args.reserved_concurrency,
            publish=args.snap_start,
            snap_start=aws.lambda_.FunctionSnapStartArgs(apply_on="PublishedVersions") if args.snap_start else None,
            # The first invocation must find the role's policy and the log group in place.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, logs]),
        )

        if args.snap_start:
            alias = aws.lambda_.Alias(
                f"{name}-live",
                name=LIVE_ALIAS,
                function_name=function.name,
                function_version=function.version,
                opts=child,
            )
            self.target_arn = alias.arn
            self.target_invoke_arn = alias.invoke_arn
            self.qualifier = LIVE_ALIAS
        else:
            self.target_arn = function.arn
            self.target_invoke_arn = function.invoke_arn
            self.qualifier = None
        self.function_name = function.name
        self.function_arn = function.arn
        self.role_arn = role.arn
        self.role_name = role.name
        self.log_group_name = logs.name
        self.register_outputs({"function_name": self.function_name, "target_arn": self.target_arn})
