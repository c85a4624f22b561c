"""Two schema extensions that hold GraphQL answers to the API's rules.

* ``OperationNameRequired``: a document with several operations runs only the one
  ``operationName`` names (GraphQL spec, "GetOperation"). Strawberry fills a missing name
  in with the first operation's, so such a document would run its first operation.
* ``ClippedMessages``: graphql-core's messages repeat what the document holds (a field
  name, an enum value, a literal) in full; like every other error message of the API they
  quote at most ``MAX_QUOTED`` characters of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import MaskErrors, SchemaExtension

from service.domain.errors import MAX_QUOTED, quoted

_LONG_QUOTED = re.compile("'([^']{%d,})'|\"([^\"]{%d,})\"" % (MAX_QUOTED + 1, MAX_QUOTED + 1))  # noqa: UP031
# What is left unquoted of a message stops here, whatever it held.
MAX_MESSAGE = 1000


class OperationNameRequired(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        # Before validation runs: Strawberry checks for errors inside the validation step,
        # and skips its own rules when an extension has already reported some.
        context = self.execution_context
        document = context.graphql_document
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)] if document else []
        # Strawberry keeps the name the request gave apart from the one it infers; without
        # it there is nothing to check (and the tests of this rule fail).
        if (
            len(operations) > 1
            and getattr(context, "_provided_operation_name", "") is None
            and not context.pre_execution_errors
        ):
            names = ", ".join(quoted(o.name.value) if o.name else "(unnamed)" for o in operations[:5])
            more = ", …" if len(operations) > 5 else ""
            context.pre_execution_errors = [
                GraphQLError(
                    f"the document has {len(operations)} operations ({names}{more}): "
                    "send operationName to choose the one to run",
                    extensions={"code": "operation_name_required"},
                )
            ]
        yield


def clip(message: str) -> str:
    clipped = _LONG_QUOTED.sub(lambda m: quoted(m.group(1) or m.group(2)), message)
    return clipped if len(clipped) <= MAX_MESSAGE else clipped[:MAX_MESSAGE] + "…"


class ClippedMessages(MaskErrors):
    """MaskErrors' walk over every error of a result, rewriting long messages instead."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: clip(error.message) != error.message)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return GraphQLError(
            message=clip(error.message),
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=error.original_error,
            extensions=error.extensions,
        )
