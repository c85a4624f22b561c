"""Lambda entry point of the API: API Gateway HTTP API (payload v2) -> Mangum -> ASGI app.

Everything is built once per execution environment, at import (the cold start, which
SnapStart snapshots, ``cold_start``), and reused by every invocation. ``lifespan="off"``:
the app has no start-up work, and the default would run start-up and shut-down around every
invocation. The GraphQL schema is built at the first request to /graphql (``graphql.routes``).
"""

from __future__ import annotations

from service.entrypoints.cold_start import cold_start

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
