"""The ``scheduler`` command line.

Each command is a sub-command with its own arguments and a ``run`` function; API keys
(SPEC section 5) arrive as one more, ``scheduler keys create|list|revoke``; targets (SPEC
section 4) as another, ``scheduler targets add|list|remove``; and schedules, through the API
over HTTP: ``scheduler schedules create|list|get|...``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from service.config import ConfigError
from service.entrypoints.cli_keys import register as register_keys
from service.entrypoints.cli_schedules import register as register_schedules
from service.entrypoints.cli_targets import register as register_targets


def _dev(args: argparse.Namespace) -> int:
    from service.entrypoints.local.options import LocalOptions
    from service.entrypoints.local.stack import run_dev

    options = LocalOptions.from_env(os.environ, host=args.host, port=args.port, data_file=args.data)
    code = run_dev(options, os.environ)
    # Everything is stopped and saved by now. The interpreter's own teardown of the
    # emulator's many objects would take seconds more after "Stopped.": skip it.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _dispatch(args: argparse.Namespace) -> int:
    from service.entrypoints.local.dispatch import run_dispatch

    return run_dispatch(args.once, os.environ)


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"not a port number (1 to 65535): {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scheduler", description="Scheduler: run it locally, operate it.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    dev = commands.add_parser(
        "dev",
        help="run the whole service on this machine, no AWS account needed",
        description="Starts the API, GraphQL and the web UI, the dispatcher ticking each minute, an AWS "
        "emulator with the table and queues, and a consumer printing each delivery as a JSON line. "
        "Environment: HOST, PORT, AWS_ENDPOINT_URL (use that endpoint instead of the embedded "
        "emulator), SCHEDULER_DISPATCH=off, SCHEDULER_CONSUME=off.",
    )
    dev.add_argument("--host", help="address to listen on (default: $HOST or 127.0.0.1)")
    dev.add_argument("--port", type=_port, help="port to listen on (default: $PORT or 8000)")
    dev.add_argument("--data", type=Path, metavar="FILE", help="load the table from FILE at start, save it on exit")
    dev.set_defaults(run=_dev)

    dispatch = commands.add_parser(
        "dispatch",
        help="invoke the dispatcher against the configured endpoint",
        description="Invokes the dispatcher's Lambda handler here, with the resources named by "
        "SCHEDULER_TABLE_NAME, SCHEDULER_QUEUE_URL and AWS_ENDPOINT_URL (if set).",
    )
    dispatch.add_argument("--once", action="store_true", help="one tick now, then exit (default: tick each minute)")
    dispatch.set_defaults(run=_dispatch)

    register_keys(commands)  # scheduler keys create | list | revoke (SPEC section 5)
    register_targets(commands)  # scheduler targets add | list | remove (SPEC section 4)
    register_schedules(commands)  # scheduler schedules create | list | get | ... (over HTTP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Imported late so `scheduler --help` stays quick; their errors are the user's to fix.
    from service.entrypoints.local.data_file import DataFileError
    from service.entrypoints.local.options import OptionError
    from service.entrypoints.local.server import PortInUseError

    try:
        code: int = args.run(args)
    except (ConfigError, OptionError, DataFileError, PortInUseError) as exc:
        print(f"scheduler: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
