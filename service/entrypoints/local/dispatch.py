"""``scheduler dispatch [--once]``: the dispatcher's handler, invoked from here against
whatever endpoint and resources the environment names (a local stack, or AWS itself)."""

from __future__ import annotations

import json
import sys
from collections.abc import MutableMapping
from datetime import UTC, datetime

import boto3

from service.bootstrap.dispatcher import bootstrap_dispatcher
from service.config import Settings
from service.entrypoints.dispatch_handler import make_handler
from service.entrypoints.local.aws_defaults import DEFAULT_REGION, apply_aws_defaults
from service.entrypoints.local.lambda_invoke import DispatcherInvoker, account_of_queue
from service.entrypoints.local.ticker import Ticker


def run_dispatch(once: bool, env: MutableMapping[str, str]) -> int:
    if env.get("AWS_ENDPOINT_URL"):
        # An emulator takes any credentials; AWS itself gets only what the user configured.
        apply_aws_defaults(env)
    settings = Settings.from_env(env)  # fails fast, naming the missing variable
    session = boto3.Session()
    handler = make_handler(bootstrap_dispatcher(settings, session=session))
    invoker = DispatcherInvoker(handler, session.region_name or DEFAULT_REGION, account_of_queue(settings.queue_url))
    if once:
        # EventBridge stamps the scheduled instant; a manual tick happens now.
        result = invoker.invoke(datetime.now(UTC).replace(microsecond=0))
        sys.stdout.write(json.dumps(result, default=str) + "\n")
        return 0
    sys.stderr.write("Dispatching at each minute boundary; press Ctrl-C to stop.\n")
    try:
        Ticker(invoker).run()
    except KeyboardInterrupt:
        sys.stderr.write("Stopping: waiting for the tick in flight...\n")
        invoker.join(timeout=60)
    return 0
