"""What a job id looks like. New ids are made outside the domain (``service.adapters.ids``)
and handed to the use cases as a callable."""

from __future__ import annotations

import re

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def is_job_id(text: str) -> bool:
    """Whether ``text`` has the shape of a job id (any UUID, as the seed's v1 ids are)."""
    return bool(_UUID.match(text))
