"""``scheduler dev``: starts every part of the local stack, in order, and stops them in
the reverse order: API first (no new writes), then consumer, delivery stage and
dispatcher, then the data is saved, then the emulator goes.

The delivery stage's queue is this process's own (``stage_queue``) with the embedded
emulator, and is saved with the data file (``data_keeper``: with the emulator's queues
too); with an emulator from ``AWS_ENDPOINT_URL``, which other stacks may share, it is a
queue of that emulator, as in the cloud, so that a stack that dies leaves its runs to the
others."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Mapping, MutableMapping
from contextlib import ExitStack
from typing import Any

import boto3

from service.adapters.dynamo_targets import DynamoTargetStore
from service.adapters.queue_schema import HANDOFF
from service.bootstrap.api import bootstrap_api
from service.bootstrap.aws import aws_client
from service.bootstrap.delivery import bootstrap_delivery
from service.bootstrap.dispatcher import DispatcherContainer, bootstrap_dispatcher
from service.config import Settings
from service.entrypoints.app import create_app
from service.entrypoints.delivery_handler import make_handler as make_delivery_handler
from service.entrypoints.dispatch_handler import Handler, make_handler
from service.entrypoints.local import data_file
from service.entrypoints.local.api_key import local_api_key
from service.entrypoints.local.aws_defaults import DEFAULT_REGION, apply_aws_defaults
from service.entrypoints.local.banner import StackInfo, browse_url, startup_lines
from service.entrypoints.local.consumer import Consumer, DefaultTargetQueues
from service.entrypoints.local.data_keeper import DataKeeper, EmbeddedEmulator
from service.entrypoints.local.emulator import open_endpoint
from service.entrypoints.local.emulator_calls import Arrivals, GiveWay, call_directly
from service.entrypoints.local.lambda_invoke import TIMEOUT_SECONDS, DispatcherInvoker, account_of_queue
from service.entrypoints.local.options import LocalOptions
from service.entrypoints.local.resources import Resources, ensure_resources
from service.entrypoints.local.server import ApiServer, bind
from service.entrypoints.local.signals import StopRequest
from service.entrypoints.local.sqs_stage_runner import (
    OTHERS_POLL_INTERVAL_SECONDS,
    POLL_INTERVAL_SECONDS,
    SqsStageRunner,
)
from service.entrypoints.local.stage_queue import LocalStageQueue
from service.entrypoints.local.stage_runner import StageRunner
from service.entrypoints.local.ticker import Ticker
from service.entrypoints.local.web import mount_web

logger = logging.getLogger(__name__)

SHARED_WORKERS = 4  # takers of the emulator's hand-off queue when it is the stack's own
OTHERS_WORKERS = 1  # when it only carries what other processes hand off
WATCH_INTERVAL_SECONDS = 0.2
# With the embedded emulator every call is this interpreter's CPU: the dispatcher's threads
# would only take turns on the GIL with the delivery stage's (python -m benchmarks.local_stack).
EMBEDDED_DISPATCH_TUNING = {"shard_workers": 1, "write_workers": 1}
# Its stage queue is this process's, not SQS (whose delays stop at 15 minutes and slow an
# emulator down): a tick hands off the runs 70 to 130 s ahead, so that a tick slowed by the
# deliveries it gives way to still hands each run off a minute before it is due.
EMBEDDED_LOOKAHEAD_SECONDS = 130
SWITCH_INTERVAL_SECONDS = 0.001  # Python's default, 5 ms, is a turn a run due now may wait per thread
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format=LOG_FORMAT)
    logging.getLogger("service.entrypoints.local").setLevel(logging.INFO)


def run_dev(options: LocalOptions, env: MutableMapping[str, str]) -> int:
    # What the user can fix is checked before anything starts or changes.
    if options.data_file is not None:
        data_file.check_writable(options.data_file)
    sock = bind(options.host, options.port)
    configure_logging()
    apply_aws_defaults(env)
    stop = StopRequest()
    stop.install()
    with ExitStack() as stack:
        stack.callback(sock.close)
        endpoint = open_endpoint(options.endpoint_url)
        stack.callback(endpoint.stop)
        # Every client of this process (the app's, the dispatcher's) reads it at creation.
        env["AWS_ENDPOINT_URL"] = endpoint.url
        session = boto3.Session()
        arrivals = Arrivals() if endpoint.embedded else None  # the consumer's wake-up call
        if endpoint.embedded:
            call_directly(session, endpoint.url, arrivals=arrivals)
            sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        dynamodb = aws_client(session, "dynamodb")
        sqs = aws_client(session, "sqs")
        shared = not endpoint.embedded
        resources = ensure_resources(dynamodb, sqs, options.table_name, options.queue, HANDOFF)
        settings = local_settings(env, resources, embedded=endpoint.embedded)
        region = session.region_name or DEFAULT_REGION
        stage_queue = None if shared else LocalStageQueue()

        loaded = 0
        keeper = None
        if options.data_file is not None:
            emulator = None if shared else EmbeddedEmulator(account_of_queue(resources.queue_url), region)
            keeper = DataKeeper(dynamodb, resources.table_name, options.data_file, stage_queue, emulator)
            loaded = keeper.load()
            stack.callback(keeper.save)

        dispatch = "off (SCHEDULER_DISPATCH=off)"
        if options.dispatch:
            handler = make_handler(_dispatcher(settings, session, endpoint.url, stage_queue))
            dispatch = _start_dispatcher(stack, handler, region, resources)

        _start_delivery(stack, settings, session, sqs, stage_queue, region, resources)

        if options.consume:
            targets = DynamoTargetStore(dynamodb, resources.table_name)
            queues = DefaultTargetQueues(sqs, targets.every_target, resources.queue_url)
            consumer = Consumer(sqs, queues, arrivals=arrivals)
            consumer.start()
            stack.callback(consumer.stop)

        container = bootstrap_api(settings, session=session, handoff=stage_queue)
        api_key = local_api_key(container.keys, env, settings.default_namespace)
        app = create_app(container)
        web_served = mount_web(app, options.web_dist)
        server = ApiServer(app, sock)
        server.start()
        stack.callback(server.stop)

        info = StackInfo(
            base_url=browse_url(options.host, options.port),
            endpoint_url=endpoint.url,
            embedded_emulator=endpoint.embedded,
            resources=resources,
            web_served=web_served,
            dispatch=dispatch,
            consume=options.consume,
            data_file=options.data_file,
            items_loaded=loaded,
            api_key=api_key,
            autosave_seconds=options.autosave_seconds,
        )
        sys.stderr.write("\n".join(startup_lines(info)) + "\n")
        sys.stderr.flush()
        asked_to_stop = _wait(stop, server, keeper, options.autosave_seconds)
    sys.stderr.write("Stopped.\n")
    return 0 if asked_to_stop else 1


def local_settings(env: Mapping[str, str], resources: Resources, embedded: bool = False) -> Settings:
    """The service's settings from the environment, on the resources of this stack. The
    GraphQL IDE and webhooks to loopback (a receiver on this machine), off by default (the
    cloud), are on unless turned off: here is where they are wanted. With the embedded
    emulator the lookahead is ``EMBEDDED_LOOKAHEAD_SECONDS`` unless set."""
    lookahead = {Settings.variable("lookahead_seconds"): str(EMBEDDED_LOOKAHEAD_SECONDS)} if embedded else {}
    return Settings.from_env(
        {
            Settings.variable("graphql_ide"): "on",
            Settings.variable("webhook_allow_loopback"): "on",
            **lookahead,
            **env,
            Settings.variable("table_name"): resources.table_name,
            Settings.variable("queue_url"): resources.queue_url,
            Settings.variable("handoff_queue_url"): resources.handoff_queue_url or "",
            Settings.variable("handoff_dead_letter_queue_url"): resources.handoff_dead_letter_queue_url or "",
        }
    )


def _dispatcher(
    settings: Settings, session: boto3.Session, endpoint_url: str, stage_queue: LocalStageQueue | None
) -> DispatcherContainer:
    """The dispatcher on a shared emulator is the cloud's. On the embedded one, which the
    delivery stage shares this interpreter with, it ticks in one thread, and its calls, on a
    session of its own, give way to the stage's runs due now (``emulator_calls.GiveWay``):
    a tick hands off runs 70 to 130 s ahead, and must not make the ones due now late."""
    if stage_queue is None:
        return bootstrap_dispatcher(settings, session=session)
    own = boto3.Session()
    call_directly(own, endpoint_url, before_call=GiveWay(stage_queue.delivering))
    return bootstrap_dispatcher(settings, session=own, handoff=stage_queue, tuning=EMBEDDED_DISPATCH_TUNING)


def _start_delivery(
    stack: ExitStack,
    settings: Settings,
    session: boto3.Session,
    sqs: Any,
    stage_queue: LocalStageQueue | None,
    region: str,
    resources: Resources,
) -> None:
    """The delivery function, fed as Lambda's event source would feed it: from this stack's
    own stage queue, and from the emulator's hand-off queue (the runs other processes hand
    off: a stack sharing the emulator, or `scheduler dispatch` from another shell)."""
    account = account_of_queue(resources.queue_url)
    assert resources.handoff_queue_url is not None
    # Each batch's summary line stays at debug level here: stdout shows the deliveries.
    logging.getLogger("scheduler-delivery").setLevel(logging.WARNING)
    from_emulator = make_delivery_handler(bootstrap_delivery(settings, session=session), emit_metrics=False)
    shared = stage_queue is None
    runners: list[StageRunner | SqsStageRunner] = [
        SqsStageRunner(
            from_emulator,
            sqs,
            resources.handoff_queue_url,
            region,
            account,
            workers=SHARED_WORKERS if shared else OTHERS_WORKERS,
            poll_interval=POLL_INTERVAL_SECONDS if shared else OTHERS_POLL_INTERVAL_SECONDS,
        )
    ]
    if stage_queue is not None:
        own = make_delivery_handler(
            bootstrap_delivery(settings, session=session, queue=stage_queue), emit_metrics=False
        )
        runners.append(StageRunner(own, stage_queue, region, account))
    for runner in runners:
        runner.start()
        stack.callback(runner.stop)


def _start_dispatcher(stack: ExitStack, handler: Handler, region: str, resources: Resources) -> str:
    # The handler gave the `service` loggers Powertools' JSON on stdout, as on Lambda;
    # locally uvicorn already logs each request (on stderr), so the app's own request
    # lines would only crowd the delivery lines.
    logging.getLogger("service.access").setLevel(logging.WARNING)
    invoker = DispatcherInvoker(handler, region, account_of_queue(resources.queue_url))
    ticker = Ticker(invoker)
    ticker.start()
    stack.callback(invoker.join, TIMEOUT_SECONDS)
    stack.callback(ticker.stop)
    return "invoked at each minute boundary, as EventBridge rate(1 minute)"


def _wait(stop: StopRequest, server: ApiServer, keeper: DataKeeper | None, autosave_seconds: float) -> bool:
    """Until asked to stop (True) or the web server fails (False); saving at each interval."""
    next_save = time.monotonic() + autosave_seconds
    while not stop.requested:
        if not server.running:
            logger.error("the web server stopped on its own; stopping the stack")
            return False
        if keeper is not None and time.monotonic() >= next_save:
            keeper.save(logging.DEBUG)
            next_save = time.monotonic() + autosave_seconds
        time.sleep(WATCH_INTERVAL_SECONDS)
    return True
