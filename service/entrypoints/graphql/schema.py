"""The GraphQL schema (SPEC section 2): the same use cases as REST."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated

import strawberry
from fastapi import Depends
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.fastapi import BaseContext, GraphQLRouter
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from service.config import Settings
from service.domain.errors import DomainError
from service.domain.keys import Principal
from service.domain.schedule import State
from service.entrypoints.auth import require_principal
from service.entrypoints.dependencies import (
    get_backfill,
    get_redeliveries,
    get_schedules,
    get_stats,
    get_targets,
    get_webhooks,
)
from service.entrypoints.graphql.backfill import backfill_schedule
from service.entrypoints.graphql.cost import CONNECTION_PAGE_BYTES
from service.entrypoints.graphql.cost_limit import CostLimit
from service.entrypoints.graphql.delivery_stats import DeliveryStats, delivery_stats
from service.entrypoints.graphql.errors import (
    DeliveryError,
    IdempotencyError,
    InvalidStateError,
    NotFoundError,
    ValidationError,
    VersionConflictError,
    expected_failures,
)
from service.entrypoints.graphql.guards import ClippedMessages, OperationNameRequired
from service.entrypoints.graphql.loaders import Loaders
from service.entrypoints.graphql.targets import (
    CreateWebhookTargetResult,
    DeleteTargetResult,
    RotateTargetSecretResult,
    Target,
    create_webhook_target,
    delete_target,
    namespace_targets,
    rotate_target_secret,
)
from service.entrypoints.graphql.threaded import ThreadedSchema
from service.entrypoints.graphql.transport import JsonErrorsGraphQLRouter
from service.entrypoints.graphql.types import (
    LONG_SCALAR,
    DeletedSchedule,
    LabelInput,
    Long,
    PageInfo,
    Preview,
    Run,
    RunTime,
    Schedule,
    ScheduleConnection,
    ScheduleInput,
)
from service.entrypoints.graphql.zones import TimeZones, time_zones
from service.entrypoints.presenters.errors import graphql_result
from service.entrypoints.presenters.schedules import label_pairs, schedule_input
from service.services.backfill import BackfillService
from service.services.delivery_stats import DeliveryStatsService
from service.services.redelivery import Redelivery
from service.services.schedules import ScheduleService
from service.services.targets import TargetDirectory
from service.services.webhook_targets import WebhookTargets

MAX_DEPTH = 8
MAX_TOKENS = 2000
MAX_ALIASES = 20


ScheduleResult = Annotated[
    Schedule
    | NotFoundError
    | ValidationError
    | VersionConflictError
    | InvalidStateError
    | DeliveryError
    | IdempotencyError,
    strawberry.union("ScheduleResult"),
]
DeleteResult = Annotated[DeletedSchedule | NotFoundError | VersionConflictError, strawberry.union("DeleteResult")]
PreviewResult = Annotated[Preview | ValidationError, strawberry.union("PreviewResult")]
RedeliverRunResult = Annotated[
    Run | NotFoundError | InvalidStateError | DeliveryError, strawberry.union("RedeliverRunResult")
]


class Context(BaseContext):
    def __init__(
        self,
        schedules: ScheduleService,
        namespace: str,
        targets: TargetDirectory,
        backfill: BackfillService,
        stats: DeliveryStatsService,
        webhooks: WebhookTargets,
        redeliveries: Redelivery,
    ) -> None:
        super().__init__()
        self.schedules = schedules
        self.targets = targets
        self.backfill = backfill
        self.stats = stats
        self.webhooks = webhooks
        self.redeliveries = redeliveries
        self.namespace = namespace
        self.loaders = Loaders(schedules)  # one set per request: a loader caches what it loaded


@strawberry.type
class Query:
    time_zones: TimeZones = strawberry.field(resolver=time_zones, description="The zones a schedule may use.")
    targets: list[Target] = strawberry.field(
        resolver=namespace_targets,
        description="The namespace's targets, by name: a schedule names one, or none for the default one.",
    )
    delivery_stats: DeliveryStats = strawberry.field(
        resolver=delivery_stats,
        description="The namespace's runs that ended, hour by hour for the last `hours` (1 to 168), oldest first.",
    )

    @strawberry.field(
        description="One page of the namespace's schedules: up to `first` (1 to 100), and as many as fit in "
        "1 MB of answer (a page always holds one); follow `pageInfo.endCursor` for the rest. With `labels` "
        "(all must match) and `namePrefix` (whatever its case; then ordered by name) it reads only what matches."
    )  # type: ignore[untyped-decorator]
    def schedules(
        self,
        info: Info[Context, None],
        first: int = 50,
        after: str | None = None,
        state: State | None = None,
        labels: list[LabelInput] | None = None,
        name_prefix: str | None = None,
    ) -> ScheduleConnection:
        ctx = info.context
        with expected_failures():
            page = ctx.schedules.list(
                ctx.namespace,
                first,
                after,
                state,
                CONNECTION_PAGE_BYTES,
                labels=label_pairs(labels) or (),
                name_prefix=name_prefix,
                fields=("labels", "namePrefix"),
            )
        return ScheduleConnection(
            nodes=[Schedule.from_domain(s) for s in page.items],
            page_info=PageInfo(has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor),
        )

    @strawberry.field(description="A schedule by id, or null.")  # type: ignore[untyped-decorator]
    def schedule(self, info: Info[Context, None], job_id: strawberry.ID) -> Schedule | None:
        ctx = info.context
        try:
            return Schedule.from_domain(ctx.schedules.get(ctx.namespace, str(job_id)))
        except DomainError:
            return None

    @strawberry.field(description="The run instants of an unsaved definition (1 to 100).")  # type: ignore[untyped-decorator]
    def preview_schedule(self, info: Info[Context, None], input: ScheduleInput, count: int = 5) -> PreviewResult:
        try:
            runs = info.context.schedules.preview(schedule_input(input), count)
        except DomainError as exc:
            return graphql_result(exc)  # type: ignore[return-value]
        return Preview(timezone=input.timezone, runs=[RunTime.at(r, input.timezone) for r in runs])


def _schedule_result(action: Callable[[], object]) -> ScheduleResult:
    try:
        schedule = action()
    except DomainError as exc:
        return graphql_result(exc)  # type: ignore[return-value]
    return Schedule.from_domain(schedule)  # type: ignore[arg-type]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create a schedule. With `idempotencyKey`, within 24 h the same key gets the first answer back "
        "and creates nothing (with another input: IdempotencyError `idempotency_key_reused`)."
    )  # type: ignore[untyped-decorator]
    def create_schedule(
        self, info: Info[Context, None], input: ScheduleInput, idempotency_key: str | None = None
    ) -> ScheduleResult:
        ctx = info.context
        raw = schedule_input(input)
        if idempotency_key is None:
            return _schedule_result(lambda: ctx.schedules.create(ctx.namespace, raw))
        key = idempotency_key
        return _schedule_result(lambda: ctx.schedules.create_once(ctx.namespace, raw, key, "idempotencyKey").schedule)

    @strawberry.mutation(description="Replace the definition; never creates a schedule.")  # type: ignore[untyped-decorator]
    def update_schedule(
        self,
        info: Info[Context, None],
        job_id: strawberry.ID,
        input: ScheduleInput,
        expected_version: int | None = None,
    ) -> ScheduleResult:
        ctx = info.context
        return _schedule_result(
            lambda: ctx.schedules.replace(ctx.namespace, str(job_id), schedule_input(input), expected_version)
        )

    @strawberry.mutation
    def delete_schedule(
        self, info: Info[Context, None], job_id: strawberry.ID, expected_version: int | None = None
    ) -> DeleteResult:
        ctx = info.context
        try:
            deleted = ctx.schedules.delete(ctx.namespace, str(job_id), expected_version)
        except DomainError as exc:
            return graphql_result(exc)  # type: ignore[return-value]
        return DeletedSchedule(job_id=job_id, schedule=Schedule.from_domain(deleted))

    @strawberry.mutation(description="Pause, with an optional note (why), shown as pauseNote until resumed.")  # type: ignore[untyped-decorator]
    def pause_schedule(
        self,
        info: Info[Context, None],
        job_id: strawberry.ID,
        expected_version: int | None = None,
        note: str | None = None,
    ) -> ScheduleResult:
        ctx = info.context
        return _schedule_result(lambda: ctx.schedules.pause(ctx.namespace, str(job_id), expected_version, note))

    @strawberry.mutation
    def resume_schedule(
        self, info: Info[Context, None], job_id: strawberry.ID, expected_version: int | None = None
    ) -> ScheduleResult:
        ctx = info.context
        return _schedule_result(lambda: ctx.schedules.resume(ctx.namespace, str(job_id), expected_version))

    backfill_schedule = strawberry.mutation(
        resolver=backfill_schedule,
        description="Deliver every occurrence the schedule's rule had between `from` and `to` (both included, at "
        "most 1,000, the range past), now, with trigger BACKFILL and the occurrenceIds they would have had on time.",
    )

    @strawberry.mutation(description="Deliver one occurrence now; the schedule's own runs are unchanged.")  # type: ignore[untyped-decorator]
    def run_schedule_now(self, info: Info[Context, None], job_id: strawberry.ID) -> ScheduleResult:
        ctx = info.context
        return _schedule_result(lambda: ctx.schedules.run_now(ctx.namespace, str(job_id)))

    @strawberry.mutation(
        description="Deliver a failed run again, now, with the same occurrenceId; the answer is the run, queued."
    )  # type: ignore[untyped-decorator]
    def redeliver_run(self, info: Info[Context, None], job_id: strawberry.ID, occurrence_id: str) -> RedeliverRunResult:
        ctx = info.context
        try:
            run = ctx.redeliveries.redeliver(ctx.namespace, str(job_id), occurrence_id)
        except DomainError as exc:
            return graphql_result(exc)  # type: ignore[return-value]
        return Run.from_domain(run)

    create_webhook_target: CreateWebhookTargetResult = strawberry.mutation(
        resolver=create_webhook_target,
        description="Register a webhook of the namespace; the answer holds its signing secret, shown this once.",
    )
    delete_target: DeleteTargetResult = strawberry.mutation(
        resolver=delete_target, description="Remove a webhook of the namespace (SQS targets: operators only)."
    )
    rotate_target_secret: RotateTargetSecretResult = strawberry.mutation(
        resolver=rotate_target_secret,
        description="A new signing secret for a webhook, shown this once; the old one still signs for 24 hours.",
    )


def _should_mask(error: GraphQLError) -> bool:
    """Hide only unexpected failures; syntax, validation, limits and domain errors stay readable."""
    original = error.original_error
    return original is not None and not isinstance(original, (DomainError, GraphQLError))


def build_schema(introspection: bool = True) -> strawberry.Schema:
    # Factories, not instances: an extension keeps per-request state on itself, so one
    # instance shared by concurrent requests mixes them up. The parser and validation
    # caches live at module level in Strawberry and are shared all the same.
    extensions: list[Callable[[], SchemaExtension]] = [
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        CostLimit,
        partial(ParserCache, maxsize=256),
        partial(ValidationCache, maxsize=256),
        partial(MaskErrors, should_mask_error=_should_mask, error_message="Internal error."),
        OperationNameRequired,
        ClippedMessages,
    ]
    if not introspection:
        extensions.append(partial(AddValidationRules, [NoSchemaIntrospectionCustomRule]))
    return ThreadedSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(scalar_map={Long: LONG_SCALAR}),
    )


async def _context(
    schedules: Annotated[ScheduleService, Depends(get_schedules)],
    targets: Annotated[TargetDirectory, Depends(get_targets)],
    backfill: Annotated[BackfillService, Depends(get_backfill)],
    stats: Annotated[DeliveryStatsService, Depends(get_stats)],
    webhooks: Annotated[WebhookTargets, Depends(get_webhooks)],
    redeliveries: Annotated[Redelivery, Depends(get_redeliveries)],
    principal: Annotated[Principal | None, Depends(require_principal)],
) -> Context:
    # A key is checked before anything executes: without one the answer is HTTP 401.
    # Only a GET has no principal, and a GET serves the IDE's page, never an operation.
    return Context(
        schedules, principal.namespace if principal else "", targets, backfill, stats, webhooks, redeliveries
    )


def graphql_router(settings: Settings) -> GraphQLRouter[Context, None]:
    return JsonErrorsGraphQLRouter(
        build_schema(settings.graphql_introspection),
        graphql_ide="graphiql" if settings.graphql_ide else None,
        allow_queries_via_get=False,
        context_getter=_context,
        subscription_protocols=(),  # no subscriptions: no WebSocket endpoint at all
    )
