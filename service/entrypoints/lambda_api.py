"""Lambda entry point of the API: API Gateway HTTP API (payload v2) -> Mangum -> ASGI app.

Everything is built once per execution environment, at import (the cold start, which
SnapStart snapshots, ``cold_start``), and reused by every invocation. ``lifespan="off"``:
the app has no start-up work, and the default would run start-up and shut-down around every
invocation. The GraphQL schema is built at the first request to /graphql (``graphql.routes``),
unless SnapStart takes a snapshot: then it is built before, and every environment resumed from
the snapshot has it, as it has the rest of the app.
"""

from __future__ import annotations

import sys

from service.entrypoints.cold_start import cold_start

# The app has no pydantic.v1 models. FastAPI's checks for them, made as each route is
# declared, import pydantic.v1 (13 ms of the cold start, python -m benchmarks.cold_start) and
# take an ImportError to mean there are none: None in sys.modules makes that import fail.
sys.modules.setdefault("pydantic.v1", None)  # type: ignore[arg-type]

with cold_start():
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
    from mangum import Mangum

    from service.bootstrap.api import bootstrap_api
    from service.entrypoints.app import create_app

    logger = Logger(service="scheduler-api")
    # The app logs through the standard library; give its loggers Powertools' JSON format.
    copy_config_to_registered_loggers(source_logger=logger, include={"service"})

    app = create_app(bootstrap_api())
    handler = Mangum(app, lifespan="off")


def build_graphql() -> None:
    """The GraphQL router, built now rather than at the first request to /graphql."""
    with cold_start():
        app.state.graphql.router()


try:  # Lambda's Python runtimes have it; the hook runs only when SnapStart takes a snapshot
    from snapshot_restore_py import register_before_snapshot
except ImportError:  # elsewhere: the bundle's tests, the benchmarks
    pass
else:
    register_before_snapshot(build_graphql)
