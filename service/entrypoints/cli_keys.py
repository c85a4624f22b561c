"""``scheduler keys create|list|revoke``: API keys (SPEC section 5), in the table named by
``--table``, ``$SCHEDULER_TABLE_NAME`` or the local stack's default.

The AWS endpoint, region and credentials are boto3's usual ones: with ``AWS_ENDPOINT_URL``
set (a running ``scheduler dev``) the commands reach the emulator, and fill in the dummy
credentials it accepts; without it they reach AWS with the standard credentials.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from typing import Any, TextIO

from botocore.exceptions import BotoCoreError, ClientError

from service.domain.errors import DomainError
from service.domain.keys import ApiKey, KeyNotFound
from service.entrypoints.local.options import DEFAULT_TABLE_NAME as LOCAL_TABLE_NAME
from service.services.keys import KeyService


def register(commands: Any) -> None:
    """Adds ``keys`` and its three sub-commands to the ``scheduler`` parser."""
    keys = commands.add_parser(
        "keys",
        help="create, list and revoke API keys",
        description="API keys open one namespace each. Table: --table, else $SCHEDULER_TABLE_NAME, else "
        f"{LOCAL_TABLE_NAME} (the local stack's). Endpoint, region, credentials: as boto3 finds them "
        "(AWS_ENDPOINT_URL for a running `scheduler dev`).",
    )
    table = argparse.ArgumentParser(add_help=False)
    table.add_argument("--table", help=f"the DynamoDB table (default: $SCHEDULER_TABLE_NAME or {LOCAL_TABLE_NAME})")
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
    from service.entrypoints.local.aws_defaults import apply_aws_defaults

    if os.environ.get("AWS_ENDPOINT_URL"):
        apply_aws_defaults(os.environ)  # the emulator takes any credentials, boto3 needs some
    table = args.table or os.environ.get("SCHEDULER_TABLE_NAME", "").strip() or LOCAL_TABLE_NAME
    return bootstrap_keys(table)


def _guarded(action: Any, args: argparse.Namespace, out: TextIO) -> int:
    try:
        code: int = action(_service(args), args, out)
        return code
    except KeyNotFound as exc:
        print(f"scheduler: {exc.message}", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(f"scheduler: {exc.message}", file=sys.stderr)
        return 2
    except ClientError as exc:
        error = exc.response.get("Error", {})
        print(f"scheduler: AWS refused: {error.get('Code')}: {error.get('Message')}", file=sys.stderr)
        return 1
    except BotoCoreError as exc:
        print(f"scheduler: cannot reach AWS: {exc}", file=sys.stderr)
        return 1


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
        header = ("ID", "PREFIX", "NAME", "NAMESPACE", "CREATED", "LAST USED", "REVOKED")
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), file=out)
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
        _time(key.created_at),
        _time(key.last_used_at) if key.last_used_at else "never",
        "yes" if key.revoked else "no",
    )


def _time(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%d %H:%M:%SZ")
