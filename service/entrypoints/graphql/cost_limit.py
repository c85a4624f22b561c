"""The cost limit: a document whose cost (see ``cost``) is over a limit is refused before
anything runs, with a message that names its cost and the limit, and a stable code."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from service.entrypoints.graphql.cost import MAX_ANSWER_BYTES, MAX_POINTS, Cost, document_cost

TOO_COSTLY = "query_too_costly"
ANSWER_TOO_LARGE = "answer_too_large"


def refusal(cost: Cost) -> GraphQLError | None:
    """Why a document of this cost is refused, or None if it may run."""
    if cost.points > MAX_POINTS:
        return GraphQLError(
            f"the query costs {cost.points:,} points, over the limit of {MAX_POINTS:,}: each field costs 1 "
            "each time it resolves, lists multiply by their size (first, count): ask for fewer items or fields",
            extensions={"code": TOO_COSTLY, "cost": cost.points, "limit": MAX_POINTS},
        )
    if cost.answer_bytes > MAX_ANSWER_BYTES:
        return GraphQLError(
            f"the answer could take {cost.answer_bytes:,} bytes, over the limit of {MAX_ANSWER_BYTES:,} "
            "(an answer must fit in 6 MB): a payload can take 1 MB, a page of schedules' payloads 1 MB; "
            "select payload in fewer places",
            extensions={"code": ANSWER_TOO_LARGE, "cost": cost.answer_bytes, "limit": MAX_ANSWER_BYTES},
        )
    return None


class CostLimit(SchemaExtension):
    # After validation (a document that is not valid never gets here), before execution;
    # the variables are known by then, and a size given as a variable counts as given.
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            cost = document_cost(
                context.schema._schema, context.graphql_document, context.operation_name, context.variables
            )
            if (error := refusal(cost)) is not None:
                raise error
        yield
