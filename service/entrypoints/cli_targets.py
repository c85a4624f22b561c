"""``scheduler targets add|list|remove``: where each namespace's runs are delivered (SPEC
section 4), in the table named by ``--table``, ``$SCHEDULER_TABLE_NAME`` or the local
stack's default (``cli_table``). SQS targets are declared here, by operators, only;
webhooks here too (``--webhook-url``, checked as a key's registration is, the secret printed
once), or by a namespace's key (``POST /targets``). A webhook to loopback (a receiver on this
machine, against the local stack) needs ``SCHEDULER_WEBHOOK_ALLOW_LOOPBACK=on``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

from service.domain.errors import quoted
from service.domain.targets import (
    ADD_TARGET_COMMAND,
    BUILT_IN_NAME,
    DEFAULT_NAMESPACE,
    BuiltInTarget,
    Target,
    TargetExists,
    TargetKind,
    TargetNotFound,
    TargetsChanged,
)
from service.entrypoints.cli_table import TABLE_HELP, guarded, print_rows, shown_time, table_name, table_option
from service.services.target_admin import TargetAdmin

_REFUSED = (TargetNotFound, TargetExists, BuiltInTarget, TargetsChanged)
LOOPBACK_VARIABLE = "SCHEDULER_WEBHOOK_ALLOW_LOOPBACK"  # Settings.webhook_allow_loopback
_STACK_QUEUE = "the stack's own queue"


def register(commands: Any) -> None:
    """Adds ``targets`` and its three sub-commands to the ``scheduler`` parser."""
    targets = commands.add_parser(
        "targets",
        help="add, list and remove the targets runs are delivered to",
        description="A target is where a namespace's runs go; each namespace has at most one default target, "
        f"which takes the runs of schedules that name none. The stack's own queue is target {BUILT_IN_NAME!r}, "
        f"the default of namespace {DEFAULT_NAMESPACE!r} unless another is made its default. {TABLE_HELP}",
    )
    table = table_option()
    actions = targets.add_subparsers(dest="targets_command", required=True, metavar="ACTION")

    add = actions.add_parser("add", parents=[table], help="add an SQS queue or a webhook as a target of a namespace")
    add.add_argument("--namespace", required=True, help="the namespace whose runs it takes")
    add.add_argument("--name", required=True, help="its name there (a-z, 0-9, '-'), which schedules give as target")
    where = add.add_mutually_exclusive_group(required=True)
    where.add_argument("--sqs-queue-url", metavar="URL", help="the queue's URL, standard or FIFO")
    where.add_argument(
        "--webhook-url",
        metavar="URL",
        help="a webhook's URL (https, to a public address); its signing secret is printed once",
    )
    add.add_argument("--default", action="store_true", help="make it the namespace's default (in place of any other)")
    add.set_defaults(run=_add)

    listing = actions.add_parser("list", parents=[table], help="list targets, by namespace and name")
    listing.add_argument("--namespace", help="only the targets of this namespace")
    listing.set_defaults(run=_list)

    remove = actions.add_parser("remove", parents=[table], help="remove a target of a namespace")
    remove.add_argument("--namespace", required=True, help="the namespace the target belongs to")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(run=_remove)


def _guarded(action: Callable[[TargetAdmin, argparse.Namespace, TextIO], int], args: argparse.Namespace) -> int:
    def run() -> int:
        from service.bootstrap.targets import bootstrap_target_admin

        stack_queue_url = os.environ.get("SCHEDULER_QUEUE_URL", "").strip()
        return action(bootstrap_target_admin(table_name(args), stack_queue_url), args, sys.stdout)

    return guarded(run, refused=_REFUSED)


def _add(args: argparse.Namespace) -> int:
    def add(admin: TargetAdmin, args: argparse.Namespace, out: TextIO) -> int:
        if args.webhook_url is not None:
            return _add_webhook(args, out)
        added = admin.add_sqs(args.namespace, args.name, args.sqs_queue_url, default=args.default)
        _print_added(added.target, added.replaced_default, out)
        return 0

    return _guarded(add, args)


def _add_webhook(args: argparse.Namespace, out: TextIO) -> int:
    from service.bootstrap.targets import bootstrap_webhook_admin
    from service.services.webhook_targets import WebhookRegistration

    loopback = os.environ.get(LOOPBACK_VARIABLE, "").strip().lower() in ("1", "true", "on", "yes")
    webhooks = bootstrap_webhook_admin(table_name(args), allow_loopback=loopback)
    # Whether it replaced a default is not reported here: a key's registration does not say either.
    created = webhooks.create(args.namespace, WebhookRegistration(args.name, args.webhook_url, default=args.default))
    _print_added(created.target, None, out)
    print(f"its signing secret, shown this once (keep it): {created.secret}", file=out)
    return 0


def _print_added(target: Target, replaced_default: str | None, out: TextIO) -> None:
    print(f"added target {target.name} to namespace {target.namespace}: {target.kind} {target.url}", file=out)
    if target.default and target.kind is TargetKind.SQS:
        print(f"it is the namespace's default target now{_in_place_of(replaced_default)}", file=out)
    elif target.default:
        print("it is the namespace's default target now", file=out)


def _in_place_of(replaced: str | None) -> str:
    if replaced is None:
        return " (it had none)"
    if replaced == BUILT_IN_NAME:
        return f", in place of {quoted(replaced)} ({_STACK_QUEUE})"
    return f", in place of {quoted(replaced)}"


def _list(args: argparse.Namespace) -> int:
    def listing(admin: TargetAdmin, args: argparse.Namespace, out: TextIO) -> int:
        rows = [_row(target) for target in admin.list(args.namespace)]
        print_rows(("NAMESPACE", "NAME", "KIND", "DEFAULT", "CREATED", "URL"), rows, out)
        return 0

    return _guarded(listing, args)


def _row(target: Target) -> tuple[str, ...]:
    if target.built_in:
        created, url = "built-in", target.url or f"({_STACK_QUEUE}: $SCHEDULER_QUEUE_URL)"
    else:
        created, url = shown_time(target.created_at) if target.created_at else "", target.url
    return (target.namespace, target.name, str(target.kind), "yes" if target.default else "no", created, url)


def _remove(args: argparse.Namespace) -> int:
    def remove(admin: TargetAdmin, args: argparse.Namespace, out: TextIO) -> int:
        removed = admin.remove(args.namespace, args.name)
        print(f"removed target {removed.name} from namespace {removed.namespace}", file=out)
        if removed.default and removed.namespace == DEFAULT_NAMESPACE:
            print(f"its default target is {quoted(BUILT_IN_NAME)} ({_STACK_QUEUE}) again", file=out)
        elif removed.default:
            command = ADD_TARGET_COMMAND.format(namespace=removed.namespace)
            print(
                f"namespace {removed.namespace} has no default target now: until one is added ({command}), "
                "its schedules must name a target to be created or updated",
                file=out,
            )
        return 0

    return _guarded(remove, args)
