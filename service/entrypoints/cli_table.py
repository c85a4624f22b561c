"""What the operators' commands on the table share (``scheduler keys``, ``scheduler targets``):
the ``--table`` option, the AWS set-up, the exit codes and the listings.

The table is ``--table``, else ``$SCHEDULER_TABLE_NAME``, else the local stack's. The AWS
endpoint, region and credentials are boto3's usual ones: with ``AWS_ENDPOINT_URL`` set (a
running ``scheduler dev``) the commands reach the emulator, and fill in the dummy
credentials it accepts; without it they reach AWS with the standard credentials.

Exit codes: 0 done; 1 refused by what the table holds (an unknown id or name, a name
taken) or by AWS; 2 input that breaks a rule.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TextIO

from botocore.exceptions import BotoCoreError, ClientError

from service.domain.errors import DomainError
from service.entrypoints.local.options import DEFAULT_TABLE_NAME as LOCAL_TABLE_NAME

TABLE_HELP = (
    f"Table: --table, else $SCHEDULER_TABLE_NAME, else {LOCAL_TABLE_NAME} (the local stack's). Endpoint, "
    "region, credentials: as boto3 finds them (AWS_ENDPOINT_URL for a running `scheduler dev`)."
)


def table_option() -> argparse.ArgumentParser:
    """A parent parser with ``--table``, for each action of a command."""
    table = argparse.ArgumentParser(add_help=False)
    table.add_argument("--table", help=f"the DynamoDB table (default: $SCHEDULER_TABLE_NAME or {LOCAL_TABLE_NAME})")
    return table


def table_name(args: argparse.Namespace) -> str:
    """The table the command works on; with an emulator's endpoint, the credentials it needs."""
    from service.entrypoints.local.aws_defaults import apply_aws_defaults

    if os.environ.get("AWS_ENDPOINT_URL"):
        apply_aws_defaults(os.environ)  # the emulator takes any credentials, boto3 needs some
    name: str = args.table or os.environ.get("SCHEDULER_TABLE_NAME", "").strip() or LOCAL_TABLE_NAME
    return name


def guarded(action: Callable[[], int], refused: tuple[type[DomainError], ...]) -> int:
    """Runs ``action``; a failure becomes a message on stderr and its exit code (``refused``:
    the errors that mean the table's state refused the command)."""
    try:
        return action()
    except refused as exc:
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


def print_rows(header: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """A listing: the header and the rows in columns as wide as their widest cell."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), file=out)


def shown_time(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%d %H:%M:%SZ")
