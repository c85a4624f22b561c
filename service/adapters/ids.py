"""Ids of schedules and of manual runs: UUID version 7 (RFC 9562), from the ``uuid6`` package
until the standard library's ``uuid.uuid7`` (Python 3.14) is on every runtime.

Version 7 puts the creation time, in milliseconds, in the leading bits, so ids sort by
creation time: a namespace lists its schedules oldest first, and the manual runs of one
second keep their order in the run history. Within one millisecond ``uuid6`` moves the
time field on by one for each further id, so a later id still sorts later.
"""

from __future__ import annotations

from uuid6 import uuid7


def new_id() -> str:
    """A new id in the API's form: a UUID string, lower-case with hyphens."""
    return str(uuid7())
