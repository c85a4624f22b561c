"""A Strawberry schema whose operations run in a worker thread."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from service.entrypoints.offload import in_thread


class ThreadedSchema(strawberry.Schema):
    """Runs each operation in a worker thread, as a REST route does its work.

    Strawberry runs sync resolvers on the event loop when it executes asynchronously,
    and every resolver here calls boto3: executing the whole operation synchronously in
    a thread keeps the loop free, resolvers and extensions unchanged (all of them are
    sync; an async resolver would fail loudly under ``execute_sync``).
    """

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        return await in_thread(
            self.execute_sync,
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )
