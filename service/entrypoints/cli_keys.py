"""``scheduler keys create|list|revoke``: API keys (SPEC section 5), in the table named by
``--table``, ``$SCHEDULER_TABLE_NAME`` or the local stack's default (``cli_table``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from service.domain.keys import ApiKey, KeyNotFound
from service.entrypoints.cli_table import TABLE_HELP, guarded, print_rows, shown_time, table_name, table_option
from service.services.keys import KeyService


def register(commands: Any) -> None:
    """Adds ``keys`` and its three sub-commands to the ``scheduler`` parser."""
    keys = commands.add_parser(
        "keys",
        help="create, list and revoke API keys",
        description=f"API keys open one namespace each. {TABLE_HELP}",
    )
    table = table_option()
    actions = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")

    create = actions.add_parser("create", parents=[table], help="issue a key; it is printed once and never again")
    create.add_argument("--namespace", required=True, help="the namespace the key opens")
    create.add_argument("--name", required=True, help="what the key is for (shown in listings)")
    create.set_defaults(run=_create)

    listing = actions.add_parser("list", parents=[table], help="list keys (never the keys themselves)")
    listing.add_argument("--namespace", help="only the keys of this namespace")
    listing.set_defaults(run=_list)

    revoke = actions.add_parser("revoke", parents=[table], help="revoke a key by its id (as `keys list` shows it)")
    revoke.add_argument("key_id", metavar="ID")
    revoke.set_defaults(run=_revoke)


def _service(args: argparse.Namespace) -> KeyService:
    from service.bootstrap.keys import bootstrap_keys

    return bootstrap_keys(table_name(args))


def _guarded(action: Any, args: argparse.Namespace, out: TextIO) -> int:
    return guarded(lambda: int(action(_service(args), args, out)), refused=(KeyNotFound,))


def _create(args: argparse.Namespace) -> int:
    def create(service: KeyService, args: argparse.Namespace, out: TextIO) -> int:
        issued = service.create(args.namespace, args.name)
        print(issued.secret, file=out)
        print(
            f"API key {issued.key.key_id} ({issued.key.name!r}, namespace {issued.key.namespace}). "
            "Keep it now: it is stored only as a hash and is not shown again.",
            file=sys.stderr,
        )
        return 0

    return _guarded(create, args, sys.stdout)


def _list(args: argparse.Namespace) -> int:
    def listing(service: KeyService, args: argparse.Namespace, out: TextIO) -> int:
        rows = [_row(key) for key in service.list(args.namespace)]
        print_rows(("ID", "PREFIX", "NAME", "NAMESPACE", "CREATED", "LAST USED", "REVOKED"), rows, out)
        return 0

    return _guarded(listing, args, sys.stdout)


def _revoke(args: argparse.Namespace) -> int:
    def revoke(service: KeyService, args: argparse.Namespace, out: TextIO) -> int:
        key = service.revoke(args.key_id)
        print(
            f"revoked {key.key_id} ({key.name!r}, namespace {key.namespace}); "
            "it stops working within 10 s (the API's key cache)",
            file=out,
        )
        return 0

    return _guarded(revoke, args, sys.stdout)


def _row(key: ApiKey) -> tuple[str, ...]:
    return (
        key.key_id,
        key.prefix + "…",
        key.name,
        key.namespace,
        shown_time(key.created_at),
        shown_time(key.last_used_at) if key.last_used_at else "never",
        "yes" if key.revoked else "no",
    )
