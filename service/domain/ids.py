"""Job ids: UUID version 7 (RFC 9562), so that ids sort by creation time and a
namespace lists its schedules oldest first. Python's ``uuid`` module gains ``uuid7``
only in 3.14; this is the RFC's layout, written out.
"""

from __future__ import annotations

import os
import re
import time
import uuid

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def new_job_id() -> str:
    millis = time.time_ns() // 1_000_000
    value = (millis & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10), "big") & ((1 << 80) - 1)
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 9562 variant
    return str(uuid.UUID(int=value))


def is_job_id(text: str) -> bool:
    """Whether ``text`` has the shape of a job id (any UUID, as the seed's v1 ids are)."""
    return bool(_UUID.match(text))
