"""``scheduler schedules``: schedules through the API over HTTP, for people and scripts.

``create | list | get | update | pause | resume | run | delete | runs | next | backfill``,
against ``--url`` (or ``$SCHEDULER_URL``) with ``--key`` (or ``$SCHEDULER_API_KEY``). The
answer goes to stdout as the API's JSON (``--output json``) or as a table; an error goes to
stderr as the API said it, and the exit code says what kind it was (``cli_http``).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any
from urllib.parse import quote

from service.entrypoints.cli_http import EXIT_OK, EXIT_USAGE, ApiClient, ApiFailure, next_link
from service.entrypoints.cli_output import show

# Definition options: (flag, JSON field, type, help).
_DEFINITION = (
    ("--run-at", "runAt", str, "first run, ISO-8601 (no offset: local time in --timezone)"),
    ("--minute", "minute", int, "first run in minutes since 1970 (the original API's field)"),
    ("--recurring", "recurring", str, "none | daily | weekly | cron | interval"),
    ("--timezone", "timezone", str, "IANA zone of the rule (default UTC)"),
    ("--cron", "cron", str, "five-field cron expression, with --recurring cron"),
    ("--interval", "interval", str, "ISO-8601 duration (PT15M), with --recurring interval"),
    ("--target", "target", str, "a target of the key's namespace"),
    ("--name", "name", str, "what people call it"),
    ("--description", "description", str, "what it is for"),
    ("--start-at", "startAt", str, "no run before it"),
    ("--end-at", "endAt", str, "no run after it"),
    ("--max-runs", "maxRuns", int, "complete after this many delivered runs"),
    ("--catch-up", "catchUp", str, "latest | all | none"),
)


def register(commands: Any) -> None:
    """Adds ``schedules`` and its sub-commands to the ``scheduler`` parser."""
    schedules = commands.add_parser(
        "schedules",
        help="create, list, change and run schedules through the API",
        description="Talks to the API over HTTP: --url or $SCHEDULER_URL, --key or $SCHEDULER_API_KEY. "
        "Exit codes: 0 done, 1 refused (4xx), 2 wrong usage, 3 not found, 4 conflict (409, 412), "
        "5 the API failed or could not be reached (5xx, 429, network).",
    )
    schedules.set_defaults(run=main)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", help="the API's address (default: $SCHEDULER_URL)")
    common.add_argument("--key", help="an API key (default: $SCHEDULER_API_KEY)")
    common.add_argument("--output", choices=("table", "json"), default="table", help="how to print the answer")
    actions = schedules.add_subparsers(dest="schedules_command", required=True, metavar="ACTION")
    one = argparse.ArgumentParser(add_help=False, parents=[common])
    one.add_argument("job_id", metavar="JOB_ID")

    create = actions.add_parser("create", parents=[common], help="create a schedule")
    _definition_options(create)
    create.add_argument("--idempotency-key", help="create once: a retry with the same key creates nothing")
    create.set_defaults(action=_create)

    listing = actions.add_parser("list", parents=[common], help="list schedules")
    listing.add_argument("--state", choices=("active", "paused", "completed"))
    listing.add_argument("--label", action="append", default=[], metavar="KEY=VALUE", help="repeat: all must match")
    listing.add_argument("--name", help="name prefix, whatever its case")
    listing.add_argument("--limit", type=int, help="page size, 1 to 100")
    listing.add_argument("--all", action="store_true", help="follow the pages to the end")
    listing.set_defaults(action=_list)

    update = actions.add_parser("update", parents=[one], help="change the fields given; the others stay")
    _definition_options(update)
    update.add_argument("--clear", action="append", default=[], metavar="FIELD", help="set FIELD (JSON name) to null")
    update.set_defaults(action=_update)

    for action, method, suffix, help_text in (
        ("get", "GET", "", "show a schedule"),
        ("resume", "POST", "/resume", "resume a paused schedule"),
        ("run", "POST", "/run", "deliver one occurrence now"),
    ):
        parser = actions.add_parser(action, parents=[one], help=help_text)
        parser.set_defaults(action=_simple, method=method, suffix=suffix)
    pause = actions.add_parser("pause", parents=[one], help="pause, with an optional note")
    pause.add_argument("--note", help="why (shown with the state until resumed)")
    pause.set_defaults(action=_pause)
    delete = actions.add_parser("delete", parents=[one], help="delete a schedule")
    delete.add_argument("--if-match", type=int, metavar="VERSION", help="only if it is still at VERSION")
    delete.set_defaults(action=_delete)
    runs = actions.add_parser("runs", parents=[one], help="its run history, newest first")
    runs.add_argument("--limit", type=int)
    runs.set_defaults(action=_runs)
    upcoming = actions.add_parser("next", parents=[one], help="its next run times")
    upcoming.add_argument("--count", type=int, default=5)
    upcoming.set_defaults(action=_next)
    backfill = actions.add_parser("backfill", parents=[one], help="replay its occurrences of a past range")
    backfill.add_argument("--from", dest="start", required=True, metavar="INSTANT", help="ISO-8601")
    backfill.add_argument("--to", dest="end", required=True, metavar="INSTANT", help="ISO-8601")
    backfill.set_defaults(action=_backfill)


def main(args: argparse.Namespace) -> int:
    url = args.url or os.environ.get("SCHEDULER_URL", "").strip()
    key = args.key or os.environ.get("SCHEDULER_API_KEY", "").strip()
    if not url or not key:
        missing = " and ".join(
            n for n, v in (("--url ($SCHEDULER_URL)", url), ("--key ($SCHEDULER_API_KEY)", key)) if not v
        )
        print(f"scheduler schedules: give {missing}", file=sys.stderr)
        return EXIT_USAGE
    try:
        body, kind = args.action(ApiClient(url, key), args)
    except ApiFailure as failure:
        if args.output == "json" and failure.answer is not None:
            show(failure.answer.body, "error", "json", sys.stderr)
        else:
            print(f"scheduler schedules: {failure.message}", file=sys.stderr)
        return failure.exit_code
    except UsageError as error:
        print(f"scheduler schedules: {error}", file=sys.stderr)
        return EXIT_USAGE
    show(body, kind, args.output, sys.stdout)
    return EXIT_OK


class UsageError(Exception):
    pass


Result = tuple[Any, str]


def _definition_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--payload", help="the message body")
    parser.add_argument("--payload-file", metavar="FILE", help="read the payload from FILE ('-': stdin)")
    for flag, _, kind, help_text in _DEFINITION:
        parser.add_argument(flag, type=kind, help=help_text)
    parser.add_argument("--label", action="append", default=None, metavar="KEY=VALUE", help="repeat for more")
    parser.add_argument("--immediate", action="store_true", default=None, help="deliver one occurrence now")


def _given(args: argparse.Namespace) -> dict[str, Any]:
    """The definition fields given on the command line, as the API's JSON names them."""
    fields = {name: getattr(args, flag[2:].replace("-", "_")) for flag, name, _, _ in _DEFINITION}
    fields = {name: value for name, value in fields.items() if value is not None}
    if args.payload_file is not None:
        stream = sys.stdin if args.payload_file == "-" else open(args.payload_file, encoding="utf-8")  # noqa: SIM115
        with stream:
            fields["payload"] = stream.read()
    elif args.payload is not None:
        fields["payload"] = args.payload
    if args.label is not None:
        fields["labels"] = dict(_pair(text) for text in args.label)
    if args.immediate:
        fields["immediate"] = True
    return fields


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep:
        raise UsageError(f"--label {text!r} is not KEY=VALUE")
    return key, value


def _create(api: ApiClient, args: argparse.Namespace) -> Result:
    body = _given(args)
    if "payload" not in body:
        raise UsageError("create needs --payload or --payload-file")
    headers = {"Idempotency-Key": args.idempotency_key} if args.idempotency_key else None
    return api.call("POST", "/schedules", body, headers=headers).body, "schedule"


def _list(api: ApiClient, args: argparse.Namespace) -> Result:
    query = [("label", label) for label in args.label]
    query += [(k, str(v)) for k, v in (("state", args.state), ("name", args.name), ("limit", args.limit)) if v]
    answer = api.call("GET", "/schedules", query=query)
    schedules = list(answer.body)
    while args.all and (link := next_link(answer)):
        answer = api.call_url("GET", api.absolute(link))
        schedules += answer.body
    return schedules, "schedules"


def _update(api: ApiClient, args: argparse.Namespace) -> Result:
    current = api.call("GET", _path(args)).body
    body = {**current, **_given(args), **dict.fromkeys(args.clear)}
    headers = {"If-Match": f'"{current["version"]}"'}  # a change made meanwhile is refused (exit 4)
    return api.call("PUT", _path(args), body, headers=headers).body, "schedule"


def _simple(api: ApiClient, args: argparse.Namespace) -> Result:
    return api.call(args.method, _path(args) + args.suffix).body, "schedule"


def _pause(api: ApiClient, args: argparse.Namespace) -> Result:
    body = {"note": args.note} if args.note is not None else None
    return api.call("POST", _path(args) + "/pause", body).body, "schedule"


def _delete(api: ApiClient, args: argparse.Namespace) -> Result:
    headers = {"If-Match": f'"{args.if_match}"'} if args.if_match is not None else None
    return api.call("DELETE", _path(args), headers=headers).body, "schedule"


def _runs(api: ApiClient, args: argparse.Namespace) -> Result:
    query = [("limit", str(args.limit))] if args.limit else None
    return api.call("GET", _path(args) + "/runs", query=query).body, "runs"


def _next(api: ApiClient, args: argparse.Namespace) -> Result:
    return api.call("GET", _path(args) + "/next", query=[("count", str(args.count))]).body, "next"


def _backfill(api: ApiClient, args: argparse.Namespace) -> Result:
    return api.call("POST", _path(args) + "/backfill", {"from": args.start, "to": args.end}).body, "backfill"


def _path(args: argparse.Namespace) -> str:
    return f"/schedules/{quote(args.job_id, safe='')}"
